"""Read-side helpers of the agent workspace: queues, tab counts, the merged timeline, SLA labels.

Everything loads through tickets.selectors (scoped to the acting user); nothing here writes.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Case, DateTimeField, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import dates
from helpdesk.models import Priority, User
from tickets import selectors
from tickets.models import (
    Channel,
    EventKind,
    Message,
    Referral,
    SlaState,
    Status,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketType,
)
from tickets.search import ticket_search

PAGE_SIZE = 50
COUNT_CAP = 1000  # tab counts stop here ("999+"), so a count never scans a million rows
SOLVED_RECENTLY = timedelta(days=7)
DUE_SOON = timedelta(hours=4)

# The columns a list row shows; everything else stays in the database.
ROW_FIELDS = (
    "id",
    "subject",
    "status",
    "priority",
    "type",
    "channel",
    "updated_at",
    "created_at",
    "sla_state",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "requester__id",
    "requester__full_name",
    "requester__email",
    "organization__id",
    "organization__name",
    "team__id",
    "team__name",
    "assignee__id",
    "assignee__full_name",
    "assignee__email",
)


# --- queues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    key: str
    label: Any


VIEWS = (
    View("mine", gettext_lazy("Mine")),
    View("unassigned", gettext_lazy("Unassigned in my teams")),
    View("open", gettext_lazy("All open")),
    View("pending", gettext_lazy("Pending")),
    View("on_hold", gettext_lazy("On hold")),
    View("solved", gettext_lazy("Solved recently")),
    View("all", gettext_lazy("All")),
)
VIEW_KEYS = tuple(v.key for v in VIEWS)


def apply_view(qs: QuerySet[Ticket], *, view: str, user: User, now: datetime | None = None) -> QuerySet[Ticket]:
    """One of the built-in views: mine, my teams' unassigned, all open, pending, on hold, solved recently."""
    now = now or timezone.now()
    if view == "mine":
        return qs.open().filter(assignee=user)
    if view == "unassigned":
        return qs.open().unassigned().filter(team__in=user.teams.all())
    if view == "open":
        return qs.open()
    if view == "pending":
        return qs.filter(status=Status.PENDING)
    if view == "on_hold":
        return qs.filter(status=Status.ON_HOLD)
    if view == "solved":
        return qs.filter(status=Status.SOLVED, solved_at__gte=now - SOLVED_RECENTLY)
    return qs


def apply_filters(qs: QuerySet[Ticket], *, filters: dict, user: User) -> QuerySet[Ticket]:
    """Narrow a queue by the cleaned data of TicketFilterForm (empty values are ignored)."""
    for name in ("status", "priority", "type", "channel", "sla_state"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("team"):
        qs = qs.filter(team=filters["team"])
    assignee = filters.get("assignee")
    if assignee == "none":
        qs = qs.unassigned()
    elif assignee == "me":
        qs = qs.filter(assignee=user)
    elif assignee:
        qs = qs.filter(assignee_id=assignee)
    if filters.get("tag"):
        qs = qs.filter(tags__name=filters["tag"].strip().lower())
    if filters.get("requester"):
        qs = qs.filter(requester_id=filters["requester"])
    if filters.get("q"):
        qs = ticket_search(qs, filters["q"])
    return qs


def _sla_due():
    """The earliest running due time; tickets without one sort last."""
    never = Value(datetime(9999, 12, 31, tzinfo=UTC), output_field=DateTimeField())
    return Least(
        Coalesce("first_response_due_at", never),
        Coalesce("next_response_due_at", never),
        Coalesce("resolution_due_at", never),
    )


SORTS = {
    "updated": gettext_lazy("Last update"),
    "due": gettext_lazy("SLA due"),
    "priority": gettext_lazy("Priority"),
}


def apply_sort(qs: QuerySet[Ticket], *, sort: str) -> QuerySet[Ticket]:
    if sort == "due":
        return qs.annotate(sla_due=_sla_due()).order_by("sla_due", "-updated_at", "-id")
    if sort == "priority":
        rank = Case(
            When(priority=Priority.URGENT, then=Value(0)),
            When(priority=Priority.HIGH, then=Value(1)),
            When(priority=Priority.NORMAL, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        return qs.annotate(priority_rank=rank).order_by("priority_rank", "-updated_at", "-id")
    return qs.order_by("-updated_at", "-id")


def slim(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Only the columns a row shows, requester/organization/team/assignee joined: one query, no prefetch."""
    return (
        qs.select_related(None)
        .prefetch_related(None)
        .select_related("requester", "organization", "team", "assignee")
        .only(*ROW_FIELDS)
    )


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(qs: QuerySet[Ticket], *, page: int) -> Page:
    """One page of rows without a total count: one extra row says whether there is a next page."""
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return Page(rows=rows[:PAGE_SIZE], number=page, has_next=len(rows) > PAGE_SIZE)


def capped_count(qs: QuerySet) -> int:
    """COUNT over at most COUNT_CAP rows (SELECT COUNT(*) FROM (... LIMIT n))."""
    return qs.order_by()[:COUNT_CAP].count()


def count_label(count: int) -> str:
    text = f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)
    return dates.persian_digits(text) if translation.get_language() == "fa" else text


@dataclass
class Tab:
    key: str
    label: Any
    count: str
    active: bool


def view_tabs(*, user: User, active: str) -> list[Tab]:
    """The built-in views with their (capped) counts: one small query each, no joins."""
    base = selectors.ticket_base_for(user=user)
    return [
        Tab(v.key, v.label, count_label(capped_count(apply_view(base, view=v.key, user=user))), v.key == active)
        for v in VIEWS
    ]


# --- rows -------------------------------------------------------------------------------------


def _duration(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, minutes = divmod(rest, 60)
    if days:
        text = _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    elif hours and not minutes:
        text = _("%(h)sh") % {"h": hours}
    elif hours:
        text = _("%(h)sh %(m)sm") % {"h": hours, "m": minutes}
    else:
        text = _("%(m)sm") % {"m": minutes}
    return dates.persian_digits(text) if translation.get_language() == "fa" else text


@dataclass(frozen=True)
class SlaBadge:
    text: str
    css: str
    due_at: datetime | None
    title: str


def next_due(ticket: Ticket) -> tuple[datetime | None, str]:
    """The earliest running SLA clock: (due time, which target)."""
    candidates = [
        (ticket.first_response_due_at, _("First response")),
        (ticket.next_response_due_at, _("Next response")),
        (ticket.resolution_due_at, _("Resolution")),
    ]
    running = [(due, label) for due, label in candidates if due is not None]
    return min(running, key=lambda item: item[0]) if running else (None, "")


def sla_badge(ticket: Ticket, *, now: datetime | None = None) -> SlaBadge | None:
    """Time left or overdue on the next SLA target, coloured by the stored sla_state."""
    now = now or timezone.now()
    if ticket.status not in (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD):
        return None  # solved and closed tickets have no clock left to watch
    due, which = next_due(ticket)
    if due is None:
        if ticket.sla_state == SlaState.BREACHED:
            return SlaBadge(_("Breached"), "sla-breached", None, "")
        return None
    if due <= now or ticket.sla_state == SlaState.BREACHED:
        text = _("%(time)s overdue") % {"time": _duration(now - due)} if due <= now else _("Breached")
        return SlaBadge(text, "sla-breached", due, which)
    css = "sla-warning" if ticket.sla_state == SlaState.WARNING or due - now <= DUE_SOON else "sla-ok"
    return SlaBadge(_("%(time)s left") % {"time": _duration(due - now)}, css, due, which)


def decorate_rows(rows: list[Ticket], *, now: datetime | None = None) -> list[Ticket]:
    now = now or timezone.now()
    for ticket in rows:
        ticket.sla = sla_badge(ticket, now=now)
    return rows


def list_rows(rows: list[Ticket], *, now: datetime | None = None) -> list[Ticket]:
    """decorate_rows() plus what the ticket list's cells print: the link and the choice labels.

    Worked out here once per row, so the template only prints attributes (per-row get_FOO_display()
    and {% url %} were a good part of the page's rendering time).
    """
    statuses = {value: str(label) for value, label in Status.choices}  # translated once per page
    priorities = {value: str(label) for value, label in Priority.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    for ticket in decorate_rows(rows, now=now):
        ticket.url = reverse("agent:ticket", args=[ticket.pk])
        ticket.status_label = statuses.get(ticket.status, ticket.status)
        ticket.priority_label = priorities.get(ticket.priority, ticket.priority)
        ticket.channel_label = channels.get(ticket.channel, ticket.channel)
    return rows


# --- timeline ---------------------------------------------------------------------------------

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


def event_view(event: TicketEvent) -> EventView:
    actor = event.actor.get_full_name() if event.actor else _("System")
    kind, data = event.kind, event.data or {}
    if kind in (EventKind.FIELD_CHANGED, EventKind.STATUS_CHANGED):
        return EventView(
            event,
            actor,
            _("changed"),
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


def sla_target_rows(target) -> list[tuple[str, str]]:
    """The SLA targets of the ticket's priority as (label, duration) in business time."""
    if target is None:
        return []
    rows = [
        (_("First response"), target.first_response_minutes),
        (_("Next response"), target.next_response_minutes),
        (_("Resolution"), target.resolution_minutes),
    ]
    return [(label, _duration(timedelta(minutes=minutes))) for label, minutes in rows if minutes]


def referral_prompt(referrals: list[Referral]) -> list[Referral]:
    """Answered referrals whose outcome the customer has not been told yet."""
    return [r for r in referrals if r.state == Referral.State.ANSWERED and r.customer_informed_at is None]
