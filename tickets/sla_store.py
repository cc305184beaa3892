"""The bridge between rows and the pure SLA maths in tickets.sla: build inputs, store the results.

Due columns hold only running clocks (NULL once met or while paused), so the sweep's partial
indexes see exactly the work that can still come due.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings

from customers.models import BusinessCalendar, Holiday, SlaPolicy, SlaTarget, TeamCalendar

from . import sla, webhooks
from .models import EventKind, Message, Referral, SlaState, Status, Ticket, TicketEvent

logger = logging.getLogger(__name__)


def calendar_from_row(row: BusinessCalendar) -> sla.Calendar:
    """A pure Calendar from a BusinessCalendar with its periods and holidays (2 queries, or 0 prefetched)."""
    weekly: dict[int, list[tuple]] = {}
    for period in row.periods.all():
        weekly.setdefault(period.weekday, []).append((period.start, period.end))
    once, yearly, jalali = set(), set(), set()
    for holiday in row.holidays.all():
        if holiday.recurrence == Holiday.Recurrence.ONCE and holiday.date:
            once.add(holiday.date)
        elif holiday.recurrence == Holiday.Recurrence.GREGORIAN:
            yearly.add((holiday.month, holiday.day))
        elif holiday.recurrence == Holiday.Recurrence.JALALI:
            jalali.add((holiday.month, holiday.day))
    return sla.Calendar(
        time_zone=row.time_zone,
        weekly={day: tuple(periods) for day, periods in weekly.items()},
        holidays=frozenset(once),
        yearly_holidays=frozenset(yearly),
        jalali_holidays=frozenset(jalali),
        always_open=row.always_open,
    )


def _targets(policy: SlaPolicy, priority: str) -> sla.SlaTargets | None:
    target = SlaTarget.objects.filter(policy=policy, priority=priority).first()
    if target is None:
        return None
    return sla.SlaTargets(
        first_response=target.first_response_minutes,
        next_response=target.next_response_minutes,
        resolution=target.resolution_minutes,
    )


def activity_from_rows(
    *,
    ticket: Ticket,
    messages: list[tuple[datetime, int | None, int | None]],
    statuses: list[tuple[datetime, str]],
    pause_on_hold: bool,
) -> sla.TicketActivity:
    """Replies and pauses from a ticket's public messages (created_at, author contact id, author user
    id) and its status changes (created_at, new status) in order."""
    agent_replies, customer_messages = [], []
    for created_at, author_contact_id, author_user_id in messages:
        if author_contact_id is None and author_user_id is not None:
            agent_replies.append(created_at)
        else:
            customer_messages.append(created_at)
    pausing = {Status.PENDING, Status.SOLVED, Status.CLOSED} | ({Status.ON_HOLD} if pause_on_hold else set())
    paused: list[tuple[datetime, datetime | None]] = []
    since: datetime | None = None
    for created_at, new in statuses:
        if new in pausing and since is None:
            since = created_at
        elif new not in pausing and since is not None:
            paused.append((since, created_at))
            since = None
    solved_at = None
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        solved_at = ticket.solved_at or ticket.closed_at or since
        since = None  # the clock stopped for good: not a pause
    if since is not None:
        paused.append((since, None))
    return sla.TicketActivity(
        created_at=ticket.created_at,
        agent_replies=tuple(agent_replies),
        customer_messages=tuple(customer_messages),
        paused=tuple(paused),
        solved_at=solved_at,
    )


def ticket_activity(*, ticket: Ticket, pause_on_hold: bool) -> sla.TicketActivity:
    """Replies and pauses from the ticket's messages and status history (2 queries)."""
    messages = list(
        Message.objects.filter(ticket=ticket, internal=False, needs_review=False).values_list(
            "created_at", "author_contact_id", "author_user_id"
        )
    )
    statuses = list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED)
        .order_by("created_at", "id")
        .values_list("created_at", "new_value")
    )
    return activity_from_rows(ticket=ticket, messages=messages, statuses=statuses, pause_on_hold=pause_on_hold)


def ticket_sla_compute(
    *, ticket: Ticket, now: datetime, cache: dict | None = None, activity: sla.TicketActivity | None = None
) -> sla.TicketSla | None:
    """The ticket's clocks under its policy, or None when no policy or no target applies.

    `cache` (a dict the caller keeps for one batch, e.g. one sweep) saves re-reading the same
    policy targets and calendars for every ticket.
    """
    policy = ticket.sla_policy
    if policy is None:
        return None
    cache = {} if cache is None else cache
    key = ("targets", policy.pk, ticket.priority)
    if key not in cache:
        cache[key] = _targets(policy, ticket.priority)
    targets = cache[key]
    if targets is None:
        return None
    key = ("calendar", policy.calendar_id)
    if key not in cache:
        cache[key] = calendar_from_row(
            BusinessCalendar.objects.prefetch_related("periods", "holidays").get(pk=policy.calendar_id)
        )
    calendar = cache[key]
    warning = sla.WarningThreshold(percent=policy.warning_percent, minutes_before=policy.warning_minutes_before)
    if activity is None:
        activity = ticket_activity(ticket=ticket, pause_on_hold=policy.pause_on_hold)
    return sla.ticket_sla(activity=activity, targets=targets, calendar=calendar, now=now, warning=warning)


TARGETS = ("first_response", "next_response", "resolution")


def _running_due(clock: sla.Clock | None) -> datetime | None:
    return clock.due_at if clock is not None and clock.met_at is None else None


def running_clocks(result: sla.TicketSla) -> list[tuple[str, sla.Clock]]:
    """The clocks still counting (not met, with a due time), by target name."""
    clocks = [(name, getattr(result, name)) for name in TARGETS]
    return [(name, clock) for name, clock in clocks if clock is not None and clock.met_at is None and clock.due_at]


def next_check_at(result: sla.TicketSla | None, now: datetime, *, include_past: bool = True) -> datetime | None:
    """The next moment a running clock warns or breaches: when the sweep must look again.

    With include_past, a warning or breach that already happened counts too (the sweep then
    records it, once); the sweep itself passes include_past=False after recording.
    """
    if result is None:
        return None
    moments = []
    for _name, clock in running_clocks(result):
        for moment in (clock.warning_at, clock.due_at):
            if moment is not None and (include_past or moment > now):
                moments.append(moment)
    return min(moments, default=None)


def _record_met(*, ticket: Ticket, result: sla.TicketSla, now: datetime) -> None:
    """One event for each target this change completed, saying how early or late it was met."""
    done = []
    for name in ("first_response", "resolution"):
        clock = getattr(result, name)
        if clock is not None and clock.met_at == now and clock.due_at is not None:
            done.append((name, clock))
    if result.next_response_history and result.next_response_history[-1].met_at == now:
        done.append(("next_response", result.next_response_history[-1]))
    for name, clock in done:
        late = clock.minutes_late or 0
        event = TicketEvent.objects.create(
            ticket=ticket,
            kind=EventKind.SLA_MET if late <= 0 else EventKind.SLA_BREACHED,
            field=name,
            new_value=f"{abs(round(late))} min {'early' if late <= 0 else 'late'}",
            data={"target": name, "due": clock.due_at.isoformat(), "minutes_late": round(late, 1), "met": True},
            created_at=now,
        )
        webhooks.webhooks_queue(events=[event])


SLA_FIELDS = ("first_response_due_at", "next_response_due_at", "resolution_due_at", "sla_state", "sla_next_check_at")


def sla_values(result: sla.TicketSla | None, now: datetime, *, include_past: bool = True) -> dict:
    """The ticket columns that store a computed SLA (SLA_FIELDS)."""
    if result is None:
        return dict.fromkeys(SLA_FIELDS[:3]) | {"sla_state": SlaState.NONE, "sla_next_check_at": None}
    return {
        "first_response_due_at": _running_due(result.first_response),
        "next_response_due_at": _running_due(result.next_response),
        "resolution_due_at": _running_due(result.resolution),
        "sla_state": result.state or SlaState.NONE,
        "sla_next_check_at": next_check_at(result, now, include_past=include_past),
    }


def sla_refresh(
    *, ticket: Ticket, now: datetime, record_met: bool = True, include_past: bool = True, cache: dict | None = None
) -> sla.TicketSla | None:
    """Recompute and store a ticket's due times, SLA state and next check (after any change that moves them).

    Records an event for each target the change just met (or met late), saying by how much. When the
    policy's calendar cannot answer, the ticket keeps no due times and an event says why.
    """
    try:
        result = ticket_sla_compute(ticket=ticket, now=now, cache=cache)
    except sla.CalendarError as exc:
        _record_unavailable(ticket=ticket, reason=str(exc), now=now)
        result = None
    values = sla_values(result, now, include_past=include_past)
    if result is not None and record_met:
        _record_met(ticket=ticket, result=result, now=now)
    for field, value in values.items():
        setattr(ticket, field, value)
    Ticket.objects.filter(pk=ticket.pk).update(**values)
    return result


def _record_unavailable(*, ticket: Ticket, reason: str, now: datetime) -> None:
    """Log, and tell the ticket's history once, that its due times cannot be computed (until they can again)."""
    calendar = ticket.sla_policy.calendar
    logger.warning(
        "Ticket %s has no SLA due times: calendar %r (%s): %s", ticket.pk, calendar.name, calendar.pk, reason
    )
    already_said = (
        ticket.sla_state == SlaState.NONE
        and TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_UNAVAILABLE).exists()
    )
    if not already_said:
        event = TicketEvent.objects.create(
            ticket=ticket,
            kind=EventKind.SLA_UNAVAILABLE,
            field="sla_policy",
            new_value=calendar.name[:255],
            data={"calendar": calendar.pk, "reason": reason},
            created_at=now,
        )
        webhooks.webhooks_queue(events=[event])


def referral_set_due(*, referral: Referral, now: datetime) -> None:
    """A referral's due time: the receiving team's target (else HELPDESK_REFERRAL_TARGET_MINUTES) in
    business minutes of the team's calendar (else the default policy's; else wall-clock minutes).

    None when that calendar cannot answer (logged): the referral is still made.
    """
    minutes = referral.to_team.referral_target_minutes or getattr(settings, "HELPDESK_REFERRAL_TARGET_MINUTES", 480)
    link = TeamCalendar.objects.filter(team_id=referral.to_team_id).values_list("calendar_id", flat=True).first()
    if link is None:
        link = SlaPolicy.objects.filter(is_default=True).values_list("calendar_id", flat=True).first()
    if link is None:
        referral.due_at = now + timedelta(minutes=minutes)
    else:
        try:
            calendar = calendar_from_row(BusinessCalendar.objects.prefetch_related("periods", "holidays").get(pk=link))
            referral.due_at = sla.add_business_minutes(start=now, minutes=minutes, calendar=calendar)
        except sla.CalendarError as exc:
            logger.warning("Referral %s has no due time: calendar %s: %s", referral.pk, link, exc)
            referral.due_at = None
    Referral.objects.filter(pk=referral.pk).update(due_at=referral.due_at)
