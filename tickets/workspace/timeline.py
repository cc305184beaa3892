"""The ticket page's timeline: messages, events and referrals merged, events said in words.

Everything loads through tickets.selectors (scoped to the acting user); nothing here writes.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from helpdesk.models import User
from helpdesk.statements import BIGINT_MAX, STAND_IN_ID, CompiledQuerySet
from tickets import timeline_reads
from tickets.models import EventKind, Message, Referral, Ticket, TicketEvent
from tickets.workspace.event_sentences import EventView, event_view, sla_error_text
from tickets.workspace.lists import duration_text

__all__ = ["EventView", "event_view", "sla_error_text", "timeline", "changes_since"]

# Messages and referrals have their own cards; their events would only repeat them.
HIDDEN_EVENTS = frozenset({EventKind.REPLIED, EventKind.NOTE_ADDED, EventKind.REFERRED})


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
    events = timeline_reads.event_list_for(user=user, ticket=ticket).filter(created_at__gt=since).exclude(actor=user)
    return [event_view(e) for e in events]


def seen_at(*, ticket: Ticket, events) -> datetime:
    """The moment a ticket page shows the ticket as of: its last change or its newest event, whichever is
    later (a link or a referral writes an event without changing the ticket). The reply collision check
    (changes_since) asks only what came after it."""
    return max([ticket.updated_at, *(event.created_at for event in events)])


def _changed_after(ticket_id: int, event_id: int, actor_id: int):
    later = TicketEvent.objects.filter(ticket_id=ticket_id, pk__gt=event_id).exclude(actor_id=actor_id)
    return later.order_by().values_list("pk", flat=True)[:1]


# Every open ticket page asks every HEARTBEAT_SECONDS (tickets.workspace.presence): compiled once per
# process (helpdesk.statements), not by the ORM on each heartbeat.
_CHANGED_AFTER = CompiledQuerySet(
    _changed_after, {"ticket_id": STAND_IN_ID, "event_id": STAND_IN_ID + 1, "actor_id": STAND_IN_ID + 2}
)


def changed_after(*, user: User, ticket: Ticket, event_id: int) -> bool:
    """Whether someone else changed the ticket after event `event_id` (every message, field change,
    referral and SLA step is an event): one query for a row of the ticket's later events, for the page's
    heartbeat."""
    if not 0 <= event_id <= BIGINT_MAX:
        return False  # no event has an id past the column's range
    return bool(_CHANGED_AFTER.fetch(ticket_id=ticket.pk, event_id=event_id, actor_id=user.pk))


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


def referral_prompt(referrals: list[Referral], *, viewer, ticket) -> list[Referral]:
    """Answered referrals whose outcome the customer has not been told yet, for the agents who tell it:
    not the one who wrote the answer (their team answered; the ticket's side tells the customer),
    unless the ticket is theirs."""
    return [
        r
        for r in referrals
        if r.state == Referral.State.ANSWERED
        and r.customer_informed_at is None
        and (r.answered_by_id != viewer.pk or ticket.assignee_id == viewer.pk)
    ]
