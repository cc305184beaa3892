"""Business minutes a ticket waited, stored when it happens (issue #15): from creation to the first
agent reply and from creation to being solved, on the calendar of the ticket's SLA policy.

The reports read the stored integers (`Ticket.first_response_business_minutes`,
`Ticket.resolution_business_minutes`) so percentiles are one indexed column in SQL, never the
calendar maths per row. No pauses are subtracted: this is the business time the customer waited
(the SLA report's met/breached, which pauses the resolution clock, stays the SLA events'). A ticket
without a policy, or on a calendar that cannot answer, stores NULL (left out of the percentiles).
"""

from datetime import datetime

from customers.models import BusinessCalendar
from tickets.models import Ticket
from tickets.sla import business_time
from tickets.sla.store import calendar_from_row


def ticket_calendar(*, ticket: Ticket, cache: dict | None = None) -> business_time.Calendar | None:
    """The calendar of the ticket's SLA policy (None without one or when it is invalid); `cache`
    (a dict kept for one batch) saves re-reading a calendar for every ticket."""
    if ticket.sla_policy_id is None:
        return None
    cache = {} if cache is None else cache
    key = ("elapsed-calendar", ticket.sla_policy_id)
    if key not in cache:
        row = (
            BusinessCalendar.objects.prefetch_related("periods", "holidays")
            .filter(policies__pk=ticket.sla_policy_id)
            .first()
        )
        try:
            cache[key] = calendar_from_row(row) if row is not None else None
        except ValueError:
            cache[key] = None
    return cache[key]


def business_minutes_since_created(*, ticket: Ticket, at: datetime | None, cache: dict | None = None) -> int | None:
    """Whole business minutes from the ticket's creation to `at` (None when `at` is None or there is
    no usable calendar)."""
    if at is None:
        return None
    calendar = ticket_calendar(ticket=ticket, cache=cache)
    if calendar is None:
        return None
    try:
        minutes = business_time.business_minutes_between(start=ticket.created_at, end=at, calendar=calendar)
    except business_time.CalendarError:
        return None
    return max(0, round(minutes))


def business_minutes_backfill(*, batch_size: int = 1000, after_pk: int = 0) -> tuple[int, int]:
    """Stores the business minutes of tickets answered or solved before the columns existed, in
    batches of `batch_size` by id (one SELECT and one bulk UPDATE each, so a million tickets never sit
    in memory or one transaction). Idempotent: a ticket whose columns are set is not read again.
    Returns (batches, tickets updated)."""
    from django.db.models import Q

    missing = Q(first_responded_at__isnull=False, first_response_business_minutes__isnull=True) | Q(
        solved_at__isnull=False, resolution_business_minutes__isnull=True
    )
    cache: dict = {}
    batches = updated = 0
    while True:
        rows = list(
            Ticket.objects.filter(missing, pk__gt=after_pk, sla_policy__isnull=False)
            .order_by("pk")
            .only("pk", "created_at", "sla_policy_id", "first_responded_at", "solved_at")[:batch_size]
        )
        if not rows:
            return batches, updated
        for ticket in rows:
            ticket.first_response_business_minutes = business_minutes_since_created(
                ticket=ticket, at=ticket.first_responded_at, cache=cache
            )
            ticket.resolution_business_minutes = business_minutes_since_created(
                ticket=ticket, at=ticket.solved_at, cache=cache
            )
        Ticket.objects.bulk_update(rows, ["first_response_business_minutes", "resolution_business_minutes"])
        batches += 1
        updated += len(rows)
        after_pk = rows[-1].pk
