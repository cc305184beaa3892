"""The ticket status table: which status may follow which, and how long a customer may reopen; and
that a ticket merged into another takes no change at all.

`ticket_change_status` and the reply services enforce it; pages only ask it what to offer.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from helpdesk import dates
from tickets.models import Status, Ticket

ALLOWED: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),  # final: a follow-up ticket links to it instead
}

# What a customer may do themselves: mark their request solved, or reopen a solved one.
CUSTOMER_ALLOWED: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.SOLVED}),
    Status.OPEN: frozenset({Status.SOLVED}),
    Status.PENDING: frozenset({Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN}),
    Status.CLOSED: frozenset(),
}


# What the helpdesk does itself as the consequence of another action, never offered as a choice:
# everything an agent may do, and merging closes the duplicate from any status but closed (its
# conversation lives on in the ticket it was merged into). A customer's reply reopening a pending or
# solved ticket and an assignment opening a new one are agent moves made on the agent's table.
SYSTEM_ALLOWED: dict[str, frozenset[str]] = {
    old: allowed | ({Status.CLOSED} if old != Status.CLOSED else frozenset()) for old, allowed in ALLOWED.items()
}


def can_transition(old: str, new: str, *, by_customer: bool = False, system: bool = False) -> bool:
    """Whether the table allows `old` -> `new`: for a customer, for the helpdesk itself (`system`), else an agent."""
    table = SYSTEM_ALLOWED if system else CUSTOMER_ALLOWED if by_customer else ALLOWED
    return new in table.get(old, frozenset())


def reopen_days() -> int:
    return settings.HELPDESK_REOPEN_DAYS


def customer_can_reopen(ticket: Ticket, *, now: datetime) -> bool:
    """A customer reopens a solved ticket (by status or by a reply) for HELPDESK_REOPEN_DAYS days."""
    if ticket.status != Status.SOLVED:
        return False
    return ticket.solved_at is None or now - ticket.solved_at <= timedelta(days=reopen_days())


def customer_reply_opens_follow_up(ticket: Ticket, *, now: datetime) -> bool:
    """Closed (final), or solved longer ago than the reopen window: a customer's reply opens a new
    ticket linked to this one as its follow-up instead of reopening it."""
    return ticket.status == Status.CLOSED or (
        ticket.status == Status.SOLVED and not customer_can_reopen(ticket, now=now)
    )


# --- merged tickets -----------------------------------------------------------------------------

# How many merges a customer's reply follows to the ticket that lives on (a chain longer than this is
# refused rather than followed: a merge never makes a loop, so it is only a guard).
MERGE_HOPS = 5


class TicketMerged(ValidationError):
    """A change to a ticket merged into another one: closed and read-only for good, a 400 (code
    `ticket_merged`) on every channel. Its conversation lives on in the ticket it was merged into."""

    @classmethod
    def for_ticket(cls, ticket: Ticket) -> "TicketMerged":
        return cls(
            dates.fill(
                _(
                    "Ticket #%(number)s was merged into #%(target)s and can no longer be changed; continue on #%(target)s."
                ),
                {"number": ticket.pk, "target": ticket.merged_into_id},
            ),
            code="ticket_merged",
        )


def merged_check(*, ticket: Ticket) -> None:
    """Refuse any write to a merged ticket (TicketMerged): every ticket service calls it, through the
    row lock (tickets.services.common._lock) or directly. A customer's reply is not refused but goes on
    to the ticket it was merged into (tickets.services.ticket_customer_reply)."""
    if ticket.merged_into_id is not None:
        raise TicketMerged.for_ticket(ticket)


def merged_check_locked(*, tickets: Iterable[Ticket]) -> None:
    """merged_check on the tickets' rows read again under their lock (in id order), for a write that adds
    a record to a ticket without going through tickets.services' lock (time entries, opportunities,
    product-feedback links): a merge committing meanwhile either waits for this transaction and carries
    the record with it, or has committed and is seen here, never a record left on a closed duplicate
    because the caller's copy of the ticket was read before the merge."""
    ids = sorted({ticket.pk for ticket in tickets})
    rows = Ticket.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", "merged_into_id")
    for pk, merged_into_id in rows:
        if merged_into_id is not None:
            raise TicketMerged.for_ticket(Ticket(pk=pk, merged_into_id=merged_into_id))
