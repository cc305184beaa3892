"""Business-time maths for SLA clocks: pure functions, no ORM, no clock reads.

Callers build a `Calendar` from a BusinessCalendar's rows, pass an explicit `now`, and store the UTC
datetimes they get back in indexed ticket columns. Every datetime in and out is timezone-aware (naive
ones raise ValueError, a naive datetime here is an SLA bug); results are in UTC. A calendar that
cannot answer (invalid settings, no working hours, none left within SEARCH_HORIZON) raises CalendarError,
so callers can store "no due time" and say why instead of failing.

How time is counted:
- Working periods are wall-clock times in the calendar's zone. A local time maps to the first instant
  the wall clock shows it: a time skipped by a spring-forward jump maps to the jump, a time repeated
  by a fall-back maps to its first occurrence. A period counts the real time between its two ends,
  so a 00:00-06:00 night shift lasts 5 hours on a spring-forward night and 7 on a fall-back night.
- A period ending at 00:00 runs until midnight at the end of its day.
- Holidays are whole local days: fixed dates, a yearly Gregorian (month, day) and a yearly Jalali
  (month, day) such as Nowruz 1-4 Farvardin, converted with jdatetime. An `always_open` calendar
  ignores weekly hours and holidays (use 00:00-00:00 every day for "24/7 except holidays").
- Paused intervals (pending, on hold) stop the clock; an open-ended pause stops it for good, so a
  due time that would fall after its start is unknown (None).
- Business time is exact to the microsecond; minutes are returned as floats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime

Period = tuple[time, time]
"""A working interval in local wall-clock time, (start, end); an end of 00:00 means midnight."""
Pause = tuple[datetime, datetime | None]
"""An interval during which the clock stops, (from, to); `to` None means still paused."""
SlaState = Literal["ok", "warning", "breached", "met"]

SEARCH_HORIZON = timedelta(days=3 * 366)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)
_MIDNIGHT = time(0)
_JALALI_MONTH_DAYS = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30)  # Esfand has 30 in leap years
_STATE_SEVERITY: dict[SlaState, int] = {"met": 0, "ok": 1, "warning": 2, "breached": 3}


# --- Calendar ---------------------------------------------------------------------------------


class CalendarError(ValueError):
    """The calendar cannot answer: invalid settings, or no business time where a due time must fall."""


class NoWorkingTime(CalendarError):
    """The calendar never lets the clock run (no weekly hours, or none within the search horizon)."""


def _since_midnight(value: time) -> timedelta:
    return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond)


def _period_end(value: time) -> timedelta:
    return timedelta(hours=24) if value == _MIDNIGHT else _since_midnight(value)


def _period_label(period: Period) -> str:
    start, end = period
    return f"{start:%H:%M}-{'24:00' if end == _MIDNIGHT else f'{end:%H:%M}'}"


def calendar_problems(
    *,
    time_zone: str = "UTC",
    weekly: Mapping[int, Iterable[Period]] | None = None,
    yearly_holidays: Iterable[tuple[int, int]] = (),
    jalali_holidays: Iterable[tuple[int, int]] = (),
) -> list[str]:
    """Plain-English problems with calendar settings (empty when fine), so admin forms can show them.

    Reports unknown time zones, inverted or overlapping weekly periods and impossible month/day pairs.
    """
    problems: list[str] = []
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"Unknown time zone {time_zone!r}.")
    for weekday, periods in (weekly or {}).items():
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            problems.append(f"Weekday {weekday!r} must be 0 (Monday) to 6 (Sunday).")
            continue
        name = WEEKDAY_NAMES[weekday]
        valid: list[Period] = []
        for start, end in periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                problems.append(f"{name} {_period_label((start, end))}: use wall-clock times without a time zone.")
            elif _period_end(end) <= _since_midnight(start):
                problems.append(
                    f"{name} {_period_label((start, end))}: ends before it starts "
                    "(split a period that runs past midnight into two, the first ending at 00:00)."
                )
            else:
                valid.append((start, end))
        valid.sort(key=lambda period: period[0])
        for first, second in pairwise(valid):
            if _since_midnight(second[0]) < _period_end(first[1]):
                problems.append(f"{name}: {_period_label(first)} overlaps {_period_label(second)}.")
    for month, day in yearly_holidays:
        try:
            date(2024, month, day)  # a leap year, so 29 February is allowed
        except (TypeError, ValueError):
            problems.append(f"Yearly holiday {month}/{day} is not a Gregorian month and day.")
    for month, day in jalali_holidays:
        if not (isinstance(month, int) and 1 <= month <= 12 and 1 <= day <= _JALALI_MONTH_DAYS[month - 1]):
            problems.append(f"Yearly holiday {month}/{day} is not a Jalali month and day.")
    return problems


@lru_cache(maxsize=8192)
def _jalali_month_day(day: date) -> tuple[int, int]:
    jalali = jdatetime.date.fromgregorian(date=day)
    return jalali.month, jalali.day


@dataclass(frozen=True)
class Calendar:
    """When an SLA clock runs: weekly wall-clock periods and holidays in one time zone, or 24/7.

    Raises CalendarError on invalid settings (see `calendar_problems`).
    """

    time_zone: str = "UTC"
    weekly: Mapping[int, tuple[Period, ...]] = field(default_factory=dict, hash=False)
    holidays: frozenset[date] = frozenset()
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()
    jalali_holidays: frozenset[tuple[int, int]] = frozenset()
    always_open: bool = False

    def __post_init__(self) -> None:
        problems = calendar_problems(
            time_zone=self.time_zone,
            weekly=self.weekly,
            yearly_holidays=self.yearly_holidays,
            jalali_holidays=self.jalali_holidays,
        )
        if any(isinstance(day, datetime) or not isinstance(day, date) for day in self.holidays):
            problems.append("Holidays must be dates, not datetimes.")
        if problems:
            raise CalendarError(" ".join(problems))
        weekly = {day: tuple(sorted(periods, key=lambda p: p[0])) for day, periods in self.weekly.items()}
        object.__setattr__(self, "weekly", MappingProxyType({day: p for day, p in weekly.items() if p}))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "yearly_holidays", frozenset(self.yearly_holidays))
        object.__setattr__(self, "jalali_holidays", frozenset(self.jalali_holidays))

    @property
    def has_working_time(self) -> bool:
        """False for a calendar whose clock could never run, so callers fail fast instead of searching."""
        return self.always_open or bool(self.weekly)

    def is_holiday(self, day: date) -> bool:
        """Whether the local date is a day off; always_open calendars still report their holidays."""
        return (
            day in self.holidays
            or (day.month, day.day) in self.yearly_holidays
            or (bool(self.jalali_holidays) and _jalali_month_day(day) in self.jalali_holidays)
        )


# --- Interval machinery -----------------------------------------------------------------------


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}.")
    return value.astimezone(UTC)


def _local_to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """The first instant at which the wall clock shows `naive` (a skipped time maps to the jump)."""
    naive = naive.replace(fold=0)
    after = naive.replace(tzinfo=tz).astimezone(UTC)
    if after.astimezone(tz).replace(tzinfo=None) == naive:
        return after
    # In a spring-forward gap: fold=0 used the old offset (after the jump), fold=1 the new (before).
    before = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    offset_after = after.astimezone(tz).utcoffset()
    while after - before > timedelta(microseconds=1):
        middle = before + (after - before) // 2
        if middle.astimezone(tz).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after


def _normalize_pauses(paused: Iterable[Pause]) -> list[Pause]:
    pauses: list[Pause] = []
    for begin, end in paused:
        begin = _utc(begin, "pause start")
        if end is not None:
            end = _utc(end, "pause end")
            if end < begin:
                raise ValueError(f"Pause ends ({end.isoformat()}) before it starts ({begin.isoformat()}).")
        pauses.append((begin, end))
    pauses.sort(key=lambda pause: pause[0])
    merged: list[Pause] = []
    for begin, end in pauses:
        if merged and (merged[-1][1] is None or begin <= merged[-1][1]):
            last_begin, last_end = merged[-1]
            merged[-1] = (last_begin, None if last_end is None or end is None else max(last_end, end))
        else:
            merged.append((begin, end))
    return merged


def _working_intervals(calendar: Calendar, start: datetime, stop: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Ordered, disjoint UTC intervals of working time within [start, stop), one local day at a time."""
    if calendar.always_open:
        if start < stop:
            yield start, stop
        return
    tz = ZoneInfo(calendar.time_zone)
    day = start.astimezone(tz).date() - _DAY  # a day early: cheap, and safe around midnight transitions
    last = stop.astimezone(tz).date() + _DAY
    while day <= last:
        if not calendar.is_holiday(day):
            for begin, end in calendar.weekly.get(day.weekday(), ()):
                a = max(_local_to_utc(datetime.combine(day, begin), tz), start)
                end_day = day + _DAY if end == _MIDNIGHT else day
                b = min(_local_to_utc(datetime.combine(end_day, end), tz), stop)
                if a < b:
                    yield a, b
        day += _DAY


def _running_intervals(
    calendar: Calendar, start: datetime, end: datetime | None, pauses: list[Pause]
) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals minus pauses from `start`; without `end`, raise past the search horizon."""
    if end is None:
        closed_ends = [pause_end for _, pause_end in pauses if pause_end is not None]
        stop = max([start, *closed_ends]) + SEARCH_HORIZON
    else:
        stop = end
    index = 0
    for a, b in _working_intervals(calendar, start, stop):
        while a < b:
            while index < len(pauses) and (pause_end := pauses[index][1]) is not None and pause_end <= a:
                index += 1
            if index == len(pauses) or pauses[index][0] >= b:
                yield a, b
                break
            pause_begin, pause_end = pauses[index]
            if pause_begin > a:
                yield a, pause_begin
            if pause_end is None:
                return  # paused for good: the clock never runs again
            a = pause_end
    if end is None:
        raise NoWorkingTime(
            f"The calendar has no business time left within {SEARCH_HORIZON.days} days of {start.isoformat()}."
        )


# --- Business time ----------------------------------------------------------------------------


def add_business_minutes(
    *, start: datetime, minutes: float, calendar: Calendar, paused: Sequence[Pause] = ()
) -> datetime | None:
    """When `minutes` of business time will have run after `start`; the basis of every due time.

    None when an open-ended pause stops the clock first; NoWorkingTime (a ValueError) when the
    calendar never opens.
    """
    start = _utc(start, "start")
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"minutes must be a finite number >= 0, got {minutes!r}.")
    if not calendar.has_working_time:
        raise NoWorkingTime("The calendar has no working hours, so no due time can be computed.")
    remaining = timedelta(minutes=minutes)
    for a, b in _running_intervals(calendar, start, None, _normalize_pauses(paused)):
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    return None


def business_minutes_between(
    *, start: datetime, end: datetime, calendar: Calendar, paused: Sequence[Pause] = ()
) -> float:
    """Business minutes the clock ran from `start` to `end` (negative when `end` is earlier)."""
    start, end = _utc(start, "start"), _utc(end, "end")
    if end < start:
        return -business_minutes_between(start=end, end=start, calendar=calendar, paused=paused)
    intervals = _running_intervals(calendar, start, end, _normalize_pauses(paused))
    return sum((b - a for a, b in intervals), _ZERO) / _MINUTE


def business_minutes_late(
    *, due_at: datetime, done_at: datetime, calendar: Calendar, paused: Sequence[Pause] = ()
) -> float:
    """Business minutes `done_at` came after `due_at` (negative = early), for the audit trail text."""
    return business_minutes_between(start=due_at, end=done_at, calendar=calendar, paused=paused)


# --- Warnings and states ----------------------------------------------------------------------


@dataclass(frozen=True)
class WarningThreshold:
    """When to warn before a due time: at a percent of the target, N business minutes before, or both.

    With both set the earlier moment wins; with neither there is no warning.
    """

    percent: float | None = None
    minutes_before: float | None = None

    def __post_init__(self) -> None:
        if self.percent is not None and not 0 <= self.percent <= 100:
            raise ValueError(f"Warning percent must be between 0 and 100, got {self.percent!r}.")
        if self.minutes_before is not None and self.minutes_before < 0:
            raise ValueError(f"Warning minutes before due must be >= 0, got {self.minutes_before!r}.")

    def offset_minutes(self, target_minutes: float) -> float | None:
        """Business minutes after the clock starts at which to warn (None: no warning)."""
        offsets = []
        if self.percent is not None:
            offsets.append(target_minutes * self.percent / 100)
        if self.minutes_before is not None:
            offsets.append(max(target_minutes - self.minutes_before, 0))
        return min(offsets, default=None)


def warning_moment(
    *,
    start: datetime,
    target_minutes: float,
    threshold: WarningThreshold,
    calendar: Calendar,
    paused: Sequence[Pause] = (),
) -> datetime | None:
    """When the warning for a target fires, counted in business time like the due time itself."""
    offset = threshold.offset_minutes(target_minutes)
    if offset is None:
        return None
    return add_business_minutes(start=start, minutes=offset, calendar=calendar, paused=paused)


def sla_state(
    *, now: datetime, due_at: datetime | None, warning_at: datetime | None, met_at: datetime | None
) -> SlaState:
    """Classify one target; met before due is "met", met at or after due stays "breached" for good.

    Every moment takes effect at its instant: from `warning_at` on the target is in warning, from
    `due_at` on it is breached (due at 17:00 means late at 17:00). The sweep's next check
    (tickets.sla.store.next_check_at) keeps only moments after `now`, which is the same rule.
    """
    now = _utc(now, "now")
    due_at = None if due_at is None else _utc(due_at, "due_at")
    if met_at is not None:
        return "met" if due_at is None or _utc(met_at, "met_at") < due_at else "breached"
    if due_at is not None and now >= due_at:
        return "breached"
    if warning_at is not None and now >= _utc(warning_at, "warning_at"):
        return "warning"
    return "ok"


# --- Ticket level -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaTargets:
    """A policy's targets for one priority, in business minutes; None means no target."""

    first_response: float | None = None
    next_response: float | None = None
    resolution: float | None = None

    def __post_init__(self) -> None:
        for name in ("first_response", "next_response", "resolution"):
            value = getattr(self, name)
            if value is not None and (not math.isfinite(value) or value < 0):
                raise ValueError(f"Target {name} must be a number of minutes >= 0, got {value!r}.")


@dataclass(frozen=True)
class TicketActivity:
    """What the clocks depend on: creation, public replies by each side, pauses, and solving.

    `paused` holds pending intervals (and on-hold ones when the policy pauses on hold); a solved
    ticket that was reopened passes solved_at=None and its solved interval as a pause.
    """

    created_at: datetime
    agent_replies: tuple[datetime, ...] = ()
    customer_messages: tuple[datetime, ...] = ()
    paused: tuple[Pause, ...] = ()
    solved_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", _utc(self.created_at, "created_at"))
        object.__setattr__(self, "agent_replies", tuple(sorted(_utc(t, "agent reply") for t in self.agent_replies)))
        object.__setattr__(
            self, "customer_messages", tuple(sorted(_utc(t, "customer message") for t in self.customer_messages))
        )
        object.__setattr__(self, "paused", tuple(_normalize_pauses(self.paused)))
        if self.solved_at is not None:
            object.__setattr__(self, "solved_at", _utc(self.solved_at, "solved_at"))


@dataclass(frozen=True)
class Clock:
    """One target's clock on one ticket.

    `minutes_late` counts business minutes from the due time to `met_at` (or to `now` while running):
    positive = late, negative = early or time left; None while the due time is unknown (paused).
    """

    started_at: datetime
    due_at: datetime | None
    warning_at: datetime | None
    met_at: datetime | None
    state: SlaState
    minutes_late: float | None


@dataclass(frozen=True)
class TicketSla:
    """The SLA clocks of one ticket (None where the policy sets no target or none is running)."""

    first_response: Clock | None = None
    next_response: Clock | None = None
    resolution: Clock | None = None
    next_response_history: tuple[Clock, ...] = ()  # answered next-response cycles, oldest first

    @property
    def first_response_due_at(self) -> datetime | None:
        return self.first_response.due_at if self.first_response else None

    @property
    def next_response_due_at(self) -> datetime | None:
        return self.next_response.due_at if self.next_response else None

    @property
    def resolution_due_at(self) -> datetime | None:
        return self.resolution.due_at if self.resolution else None

    @property
    def state(self) -> SlaState | None:
        """The worst state of all clocks (a breach stays visible), None when the ticket has none."""
        clocks = [self.first_response, self.next_response, self.resolution, *self.next_response_history]
        states = [clock.state for clock in clocks if clock is not None]
        return max(states, key=_STATE_SEVERITY.__getitem__, default=None)


def _clock(
    *,
    target: float,
    started_at: datetime,
    met_at: datetime | None,
    calendar: Calendar,
    paused: Sequence[Pause],
    warning: WarningThreshold,
    now: datetime,
) -> Clock:
    due_at = add_business_minutes(start=started_at, minutes=target, calendar=calendar, paused=paused)
    warning_at = warning_moment(
        start=started_at, target_minutes=target, threshold=warning, calendar=calendar, paused=paused
    )
    minutes_late = None
    if due_at is not None:
        minutes_late = business_minutes_late(due_at=due_at, done_at=met_at or now, calendar=calendar, paused=paused)
    return Clock(
        started_at=started_at,
        due_at=due_at,
        warning_at=warning_at,
        met_at=met_at,
        state=sla_state(now=now, due_at=due_at, warning_at=warning_at, met_at=met_at),
        minutes_late=minutes_late,
    )


def _next_response_cycles(activity: TicketActivity) -> tuple[list[tuple[datetime, datetime]], datetime | None]:
    """Answered (customer message, agent reply) cycles after the first reply, and the open cycle's start.

    A cycle starts at the first customer message after an agent reply; later customer messages
    before the agent answers do not push it back.
    """
    events = sorted(
        [(moment, 0) for moment in activity.agent_replies if moment >= activity.created_at]
        + [(moment, 1) for moment in activity.customer_messages if moment >= activity.created_at]
    )
    answered: list[tuple[datetime, datetime]] = []
    agent_has_replied = False
    open_since: datetime | None = None
    for moment, is_customer in events:
        if not is_customer:
            if open_since is not None:
                answered.append((open_since, moment))
                open_since = None
            agent_has_replied = True
        elif agent_has_replied and open_since is None:
            open_since = moment
    return answered, open_since


def ticket_sla(
    *,
    activity: TicketActivity,
    targets: SlaTargets,
    calendar: Calendar,
    now: datetime,
    warning: WarningThreshold | None = None,
) -> TicketSla:
    """Every SLA clock of a ticket at `now`, for the service that stores due times and writes events.

    Pauses shift only resolution: a pending or on-hold ticket still owes the customer an answer.
    """
    now = _utc(now, "now")
    threshold = warning or WarningThreshold()
    created_at = activity.created_at

    def clock(target: float, started_at: datetime, met_at: datetime | None, paused: Sequence[Pause] = ()) -> Clock:
        return _clock(
            target=target,
            started_at=started_at,
            met_at=met_at,
            calendar=calendar,
            paused=paused,
            warning=threshold,
            now=now,
        )

    first_response: Clock | None = None
    if targets.first_response is not None:
        first_reply = next((t for t in activity.agent_replies if t >= created_at), None)
        first_response = clock(targets.first_response, created_at, first_reply)

    next_response: Clock | None = None
    history: tuple[Clock, ...] = ()
    if (target := targets.next_response) is not None:
        answered, open_since = _next_response_cycles(activity)
        history = tuple(clock(target, start, reply) for start, reply in answered)
        if open_since is not None:
            next_response = clock(target, open_since, None)

    resolution: Clock | None = None
    if targets.resolution is not None:
        resolution = clock(targets.resolution, created_at, activity.solved_at, activity.paused)
    return TicketSla(
        first_response=first_response,
        next_response=next_response,
        resolution=resolution,
        next_response_history=history,
    )
