"""The bridge between rows and the pure SLA maths in tickets.sla.clock: build inputs, store the results.

Due columns hold only running clocks (NULL once met or while paused), so the sweep's partial
indexes see exactly the work that can still come due.

Clocks that cannot be computed (a calendar with no working time, invalid SLA settings) never fail
the change that asked for them: the ticket keeps no due times, one SLA_ERROR event and one log line
say why (once per cause, `Ticket.sla_error`), and the sweep tries again with backoff until the
settings are repaired.
"""

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings

from customers.models import BusinessCalendar, Holiday, SlaPolicy, SlaTarget, TeamCalendar
from tickets import events
from tickets.models import EventKind, Message, Referral, SlaState, Status, Ticket, TicketEvent
from tickets.sla import clock as sla

logger = logging.getLogger(__name__)


def calendar_from_row(row: BusinessCalendar) -> sla.Calendar:
    """A pure Calendar from a BusinessCalendar with its periods and holidays (2 queries, or 0 prefetched)."""
    weekly: dict[int, list[tuple]] = {}
    for period in row.periods.all():
        weekly.setdefault(period.weekday, []).append((period.start, period.end))
    once: set[date] = set()
    runs: dict[str, set[tuple[int, int, int]]] = {Holiday.Recurrence.GREGORIAN: set(), Holiday.Recurrence.JALALI: set()}
    for holiday in row.holidays.all():  # a row is a run of `days` days: one-day rows are runs of one
        if holiday.recurrence == Holiday.Recurrence.ONCE and holiday.date:
            once.update(holiday.date + timedelta(days=k) for k in range(holiday.days))
        elif holiday.recurrence in runs and holiday.month is not None and holiday.day is not None:
            runs[holiday.recurrence].add((holiday.month, holiday.day, holiday.days))
    return sla.Calendar(
        time_zone=row.time_zone,
        weekly={day: tuple(periods) for day, periods in weekly.items()},
        holidays=frozenset(once),
        yearly_runs=frozenset(runs[Holiday.Recurrence.GREGORIAN]),
        jalali_runs=frozenset(runs[Holiday.Recurrence.JALALI]),
        always_open=row.always_open,
    )


def calendar_cached(*, calendar_id: int, cache: dict) -> sla.Calendar:
    """The pure Calendar of a BusinessCalendar, read once per `cache` (one batch); ValueError when the
    SLA maths refuse it (an invalid calendar fails every clock on it without being read again)."""
    key = ("calendar", calendar_id)
    if key not in cache:
        try:
            cache[key] = calendar_from_row(
                BusinessCalendar.objects.prefetch_related("periods", "holidays").get(pk=calendar_id)
            )
        except ValueError as exc:
            cache[key] = exc
    calendar = cache[key]
    if isinstance(calendar, ValueError):
        raise type(calendar)(*calendar.args)
    return calendar


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
    messages: Sequence[tuple[datetime, int | None, int | None]],
    statuses: Sequence[tuple[datetime, str]],
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
        Message.objects.filter(ticket=ticket, internal=False, needs_review=False, notice=False).values_list(
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
    """The ticket's clocks under its policy, or None when no policy or no target applies, or when the
    ticket was merged into another (its clocks stopped for good: nothing is due on a duplicate).

    `cache` (a dict the caller keeps for one batch, e.g. one sweep) saves re-reading the same
    policy targets and calendars for every ticket.
    """
    policy = ticket.sla_policy
    if policy is None or ticket.merged_into_id is not None:
        return None
    cache = {} if cache is None else cache
    targets_key = ("targets", policy.pk, ticket.priority)
    if targets_key not in cache:
        cache[targets_key] = _targets(policy, ticket.priority)
    targets = cache[targets_key]
    if targets is None:
        return None
    calendar = calendar_cached(calendar_id=policy.calendar_id, cache=cache)
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

    A moment at `now` has already happened (tickets.sla.clock.sla_state: warning from `warning_at` on,
    breached from `due_at` on), so without include_past only moments after `now` count.
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
        met = clock.state == "met"  # a reply at the due instant is late by 0 minutes
        events.event_record(
            ticket=ticket,
            kind=EventKind.SLA_MET if met else EventKind.SLA_BREACHED,
            actor=None,
            field=name,
            new=f"{abs(round(late))} min {'early' if met else 'late'}",
            data={"target": name, "due": clock.due_at.isoformat(), "minutes_late": round(late, 1), "met": True},
            at=now,
        )


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


# --- When the clocks cannot be computed ---------------------------------------------------------

SLA_ERROR_FIELDS = ("sla_error", "sla_error_since")
RETRY_FIRST = timedelta(minutes=5)
RETRY_LONGEST = timedelta(hours=1)


def sla_retry_at(*, since: datetime | None, now: datetime) -> datetime:
    """When to try failing SLA work again: after as long as it has failed so far (5 minutes to an
    hour), so a broken ticket costs the sweep little and a repaired setting shows within the hour."""
    waited = now - since if since is not None else timedelta(0)
    return now + min(max(waited, RETRY_FIRST), RETRY_LONGEST)


def _cause(exc: BaseException) -> str:
    if isinstance(exc, sla.NoWorkingTime):
        return "no_working_time"
    if isinstance(exc, ValueError):
        return "invalid_settings"  # tickets.sla.clock refuses the calendar or the policy's numbers
    return "unexpected"


def sla_error_key(*, part: str, exc: BaseException, calendar_id: int | None = None, extra: str = "") -> str:
    """A stable name for one cause of failure, so it is recorded once and not at every retry."""
    cause = _cause(exc)
    detail = {"no_working_time": "", "invalid_settings": str(exc)[:120]}.get(cause, type(exc).__name__)
    return ":".join([part, cause, str(calendar_id or ""), extra, detail])[:255]


def sla_error_event(
    *,
    ticket: Ticket,
    part: str,
    exc: BaseException,
    key: str,
    now: datetime,
    calendar_id: int | None = None,
    cache: dict | None = None,
) -> TicketEvent:
    """The (unsaved) SLA_ERROR event saying which part of the SLA handling failed on the ticket and
    why, logged at error level with the ticket number; the caller saves it (alone or in bulk)."""
    cause = _cause(exc)
    calendar = ""
    if calendar_id is not None:
        cache = {} if cache is None else cache
        name_key = ("calendar name", calendar_id)
        if name_key not in cache:
            cache[name_key] = BusinessCalendar.objects.filter(pk=calendar_id).values_list("name", flat=True).first()
        calendar = cache[name_key] or ""
    reason = {
        "no_working_time": f"the business calendar “{calendar}” (id {calendar_id}) has no working time",
        "invalid_settings": f"the SLA settings are invalid: {exc}",
    }.get(cause, f"unexpected {type(exc).__name__}: {exc}")
    logger.error(
        "SLA %s of ticket #%s failed: %s", part, ticket.pk, reason, exc_info=exc if cause == "unexpected" else None
    )
    return TicketEvent(
        ticket=ticket,
        kind=EventKind.SLA_ERROR,
        field=part,
        new_value=cause,
        data={
            "part": part,
            "cause": cause,
            "key": key,
            "calendar": calendar,
            "calendar_id": calendar_id,
            "detail": str(exc)[:500],
        },
        created_at=now,
    )


def sla_uncomputable(
    *, ticket: Ticket, exc: ValueError, now: datetime, cache: dict | None = None
) -> TicketEvent | None:
    """Set the ticket's SLA columns for clocks that cannot be computed (the caller saves SLA_FIELDS
    and SLA_ERROR_FIELDS): no due times, a breach stays visible, the next check is a retry with
    backoff. Returns the unsaved SLA_ERROR event when this cause is new for the ticket, else None."""
    policy = ticket.sla_policy if ticket.sla_policy_id else None
    calendar_id = policy.calendar_id if policy is not None else None
    key = sla_error_key(part="check", exc=exc, calendar_id=calendar_id)
    event = None
    if ticket.sla_error != key:
        event = sla_error_event(
            ticket=ticket, part="check", exc=exc, key=key, now=now, calendar_id=calendar_id, cache=cache
        )
    else:
        logger.info("SLA check of ticket #%s still fails (%s); retrying later", ticket.pk, key)
    ticket.sla_error = key
    ticket.sla_error_since = ticket.sla_error_since or now
    ticket.first_response_due_at = ticket.next_response_due_at = ticket.resolution_due_at = None
    if ticket.sla_state != SlaState.BREACHED:
        ticket.sla_state = SlaState.NONE
    ticket.sla_next_check_at = sla_retry_at(since=ticket.sla_error_since, now=now)
    return event


def _save_event(event: TicketEvent | None) -> None:
    if event is not None:
        events.event_record_bulk(events=[event])


def sla_refresh(
    *, ticket: Ticket, now: datetime, record_met: bool = True, include_past: bool = True, cache: dict | None = None
) -> sla.TicketSla | None:
    """Recompute and store a ticket's due times, SLA state and next check (after any change that moves them).

    Records an event for each target the change just met (or met late), saying by how much. When
    the clocks cannot be computed, stores no due times and records why (sla_uncomputable) instead
    of failing the change.
    """
    try:
        result = ticket_sla_compute(ticket=ticket, now=now, cache=cache)
    except ValueError as exc:
        event = sla_uncomputable(ticket=ticket, exc=exc, now=now, cache=cache)
        fields = (*SLA_FIELDS, *SLA_ERROR_FIELDS)
        Ticket.objects.filter(pk=ticket.pk).update(**{field: getattr(ticket, field) for field in fields})
        _save_event(event)
        return None
    values = sla_values(result, now, include_past=include_past)
    if ticket.sla_error or ticket.sla_error_since:
        values |= {"sla_error": "", "sla_error_since": None}
    if result is not None and record_met:
        _record_met(ticket=ticket, result=result, now=now)
    for field, value in values.items():
        setattr(ticket, field, value)
    Ticket.objects.filter(pk=ticket.pk).update(**values)
    return result


def _referral_calendar_id(*, team_id: int, cache: dict) -> int | None:
    """The calendar a referral to this team counts in: the team's own, else the default policy's."""
    key = ("referral calendar", team_id)
    if key not in cache:
        link = TeamCalendar.objects.filter(team_id=team_id).values_list("calendar_id", flat=True).first()
        if link is None:
            link = SlaPolicy.objects.filter(is_default=True).values_list("calendar_id", flat=True).first()
        cache[key] = link
    return cache[key]


def referral_set_due(*, referral: Referral, now: datetime, cache: dict | None = None) -> None:
    """Store a referral's due time, counted from when it was made: the receiving team's target (else
    HELPDESK_REFERRAL_TARGET_MINUTES) in business minutes of the team's calendar (else the default
    policy's; else, or when that calendar has no working time, wall-clock minutes with an SLA_ERROR
    event at `now` saying why). Called when the referral is made and when its calendar changes
    (tickets.sla.terms); `cache` as in ticket_sla_compute."""
    cache = {} if cache is None else cache
    default: int = getattr(settings, "HELPDESK_REFERRAL_TARGET_MINUTES", 480)
    minutes = referral.to_team.referral_target_minutes or default
    link = _referral_calendar_id(team_id=referral.to_team_id, cache=cache)
    start = referral.created_at
    referral.due_at = start + timedelta(minutes=minutes)
    if link is not None:
        try:
            calendar = calendar_cached(calendar_id=link, cache=cache)
            referral.due_at = sla.add_business_minutes(start=start, minutes=minutes, calendar=calendar)
        except ValueError as exc:
            # still tracked, in clock minutes, rather than refused or never due
            key = sla_error_key(part="referral_due", exc=exc, calendar_id=link, extra=str(referral.pk))
            event = sla_error_event(
                ticket=referral.ticket, part="referral_due", exc=exc, key=key, now=now, calendar_id=link, cache=cache
            )
            event.data["referral"] = referral.pk
            _save_event(event)
    Referral.objects.filter(pk=referral.pk).update(due_at=referral.due_at)
