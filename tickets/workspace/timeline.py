"""The ticket page's timeline: messages, events and referrals merged, events said in words.

Everything loads through tickets.selectors (scoped to the acting user); nothing here writes.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import dates
from helpdesk.models import Priority, User
from tickets import selectors
from tickets.models import Channel, EventKind, Message, Referral, Status, Ticket, TicketEvent, TicketLink, TicketType
from tickets.workspace.lists import duration_text

CHOICE_FIELDS = {
    "status": dict(Status.choices),
    "priority": dict(Priority.choices),
    "type": dict(TicketType.choices),
    "channel": dict(Channel.choices),
}
FIELD_LABELS = {
    "status": gettext_lazy("Status"),
    "priority": gettext_lazy("Priority"),
    "type": gettext_lazy("Type"),
    "team": gettext_lazy("Team"),
    "assignee": gettext_lazy("Assignee"),
    "tags": gettext_lazy("Tags"),
    "subject": gettext_lazy("Subject"),
    "product": gettext_lazy("Product"),
    "channel": gettext_lazy("Channel"),
}
# Messages and referrals have their own cards; their events would only repeat them.
# Product feedback and sales opportunity events, said with the item's title or the opportunity's state.
EAR_EVENTS = frozenset(
    {
        EventKind.FEEDBACK_LINKED,
        EventKind.FEEDBACK_UNLINKED,
        EventKind.OPPORTUNITY_CREATED,
        EventKind.OPPORTUNITY_CHANGED,
    }
)
HIDDEN_EVENTS = frozenset({EventKind.REPLIED, EventKind.NOTE_ADDED, EventKind.REFERRED})


def _value_label(field_name: str, value: str) -> str:
    if not value:
        return "—"
    return str(CHOICE_FIELDS.get(field_name, {}).get(value, value))


@dataclass
class EventView:
    """An event in words: who did what, and for field changes old → new with translated labels."""

    event: TicketEvent
    actor: str
    text: str
    field_label: str = ""
    old: str = ""
    new: str = ""
    css: str = ""


def sla_error_text(data: dict) -> str:
    """What an SLA_ERROR event says: which part of the SLA handling failed, and why."""
    what = {
        "check": _("SLA due times could not be computed"),
        "escalation": _("An escalation step could not run and will be retried"),
        "referral": _("A referral reminder or overdue notice could not be sent"),
        "referral_due": _("A referral's due time is counted in clock minutes"),
    }.get(data.get("part", ""), _("SLA handling failed"))
    calendar = data.get("calendar", "")
    why = {
        "no_working_time": _("the business calendar “%(calendar)s” has no working time"),
        "invalid_settings": _("the SLA settings are invalid (%(detail)s)"),
    }.get(data.get("cause", ""), _("an unexpected error; see the server log"))
    return _("%(what)s: %(why)s.") % {
        "what": what,
        "why": why % {"calendar": calendar, "detail": data.get("detail", "")},
    }


def automatic_change_text(data: dict) -> str:
    """Why the helpdesk changed a field: a routing rule, automatic assignment, an agent's first reply."""
    if data.get("rule_name"):
        return _("changed (routing rule “%(rule)s”)") % {"rule": data["rule_name"]}
    if data.get("assignment"):
        mode = {"round_robin": _("round robin"), "least_loaded": _("least loaded")}.get(data["assignment"], "")
        return _("assigned automatically (%(mode)s)") % {"mode": mode}
    if data.get("reason") == "first_reply":
        return _("assigned to the agent who replied first")
    return _("changed")


def event_view(event: TicketEvent) -> EventView:
    actor = event.actor.get_full_name() if event.actor else _("System")
    kind, data = event.kind, event.data or {}
    if kind in (EventKind.FIELD_CHANGED, EventKind.STATUS_CHANGED):
        return EventView(
            event,
            actor,
            automatic_change_text(data),
            field_label=str(FIELD_LABELS.get(event.field, event.field)),
            old=_value_label(event.field, event.old_value),
            new=_value_label(event.field, event.new_value),
        )
    if kind == EventKind.CREATED:
        channel = _value_label("channel", data.get("channel", ""))
        return EventView(event, actor, _("created the ticket (channel: %(channel)s)") % {"channel": channel})
    if kind == EventKind.LINKED:
        link_kind = str(dict(TicketLink.Kind.choices).get(data.get("kind", ""), ""))
        return EventView(
            event, actor, _("linked: %(kind)s %(ticket)s") % {"kind": link_kind, "ticket": event.new_value}
        )
    if kind == EventKind.MERGED:
        if data.get("into"):
            return EventView(event, actor, _("merged this ticket into %(ticket)s") % {"ticket": event.new_value})
        return EventView(event, actor, _("merged %(ticket)s into this ticket") % {"ticket": event.old_value})
    if kind == EventKind.CALL_LOGGED:
        direction = _("inbound") if data.get("direction") == "inbound" else _("outbound")
        minutes = data.get("duration_minutes", 0)
        if translation.get_language() == "fa":
            minutes = dates.persian_digits(str(minutes))
        return EventView(
            event,
            actor,
            _("logged an %(direction)s call of %(minutes)s min") % {"direction": direction, "minutes": minutes},
            css="event-call",
        )
    if kind == EventKind.SLA_ERROR:
        return EventView(event, actor, sla_error_text(data), css="event-sla")
    if kind == EventKind.ROUTING_FAILED:
        text = _("the routing rule “%(rule)s” failed and was switched off: %(reason)s")
        return EventView(event, actor, text % {"rule": data.get("rule_name", ""), "reason": data.get("reason", "")})
    if kind in EAR_EVENTS and (event.new_value or event.old_value):  # which feedback item, which opportunity
        return EventView(event, actor, f"{EventKind(kind).label}: {event.new_value or event.old_value}")
    css = "event-sla" if kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.ESCALATED) else ""
    return EventView(event, actor, str(EventKind(kind).label) if kind in EventKind.values else kind, css=css)


@dataclass
class Entry:
    kind: str  # "message" | "event" | "referral"
    at: datetime
    order: int
    item: Any
    extra: dict = field(default_factory=dict)


def timeline(*, messages: list[Message], events: list[TicketEvent], referrals: list[Referral]) -> list[Entry]:
    """Messages, events and referrals merged, newest first (the composer sits above it)."""
    for m in messages:
        if m.is_from_agent:
            m.author_name = m.author_user.get_full_name()
        elif m.author_contact is not None:
            m.author_name = str(m.author_contact)
        else:
            m.author_name = _("Unknown sender")
        m.author_initial = m.author_name[:1].upper()
    entries = [Entry("message", m.created_at, 2, m) for m in messages]
    entries += [Entry("referral", r.created_at, 1, r) for r in referrals]
    entries += [Entry("event", e.created_at, 0, event_view(e)) for e in events if e.kind not in HIDDEN_EVENTS]
    entries.sort(key=lambda e: (e.at, e.order, getattr(e.item, "pk", 0) or e.item.event.pk), reverse=True)
    return entries


def changes_since(*, user: User, ticket: Ticket, since: datetime) -> list[EventView]:
    """What other people did on the ticket after `since` (for the reply collision check)."""
    events = selectors.event_list_for(user=user, ticket=ticket).filter(created_at__gt=since).exclude(actor=user)
    return [event_view(e) for e in events]


def changed_after(*, user: User, ticket: Ticket, event_id: int) -> bool:
    """Whether someone else changed the ticket after event `event_id` (every message, field change,
    referral and SLA step is an event): one EXISTS on the ticket's events, for the page's heartbeat."""
    return TicketEvent.objects.filter(ticket=ticket, pk__gt=event_id).exclude(actor=user).exists()


def sla_target_rows(target) -> list[tuple[str, str]]:
    """The SLA targets of the ticket's priority as (label, duration) in business time."""
    if target is None:
        return []
    rows = [
        (_("First response"), target.first_response_minutes),
        (_("Next response"), target.next_response_minutes),
        (_("Resolution"), target.resolution_minutes),
    ]
    return [(label, duration_text(timedelta(minutes=minutes))) for label, minutes in rows if minutes]


def referral_prompt(referrals: list[Referral]) -> list[Referral]:
    """Answered referrals whose outcome the customer has not been told yet."""
    return [r for r in referrals if r.state == Referral.State.ANSWERED and r.customer_informed_at is None]
