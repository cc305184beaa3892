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
  (month, day) converted with jdatetime, and yearly runs (month, day, days) of consecutive days such
  as Nowruz (1, 1, 4), counted in real days across month and year ends (a run from 29 Esfand takes in
  30 Esfand only in a leap year). An `always_open` calendar
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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime

from helpdesk.dates import yearly_starts

Period = tuple[time, time]
"""A working interval in local wall-clock time, (start, end); an end of 00:00 means midnight."""
Pause = tuple[datetime, datetime | None]
"""An interval during which the clock stops, (from, to); `to` None means still paused."""


SEARCH_HORIZON = timedelta(days=3 * 366)
MAX_RUN_DAYS = 366
"""The longest run of consecutive holidays one row may hold (customers.models.calendars.HOLIDAY_MAX_DAYS)."""
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)
_MIDNIGHT = time(0)
_JALALI_MONTH_DAYS = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30)  # Esfand has 30 in leap years


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
    yearly_runs: Iterable[tuple[int, int, int]] = (),
    jalali_runs: Iterable[tuple[int, int, int]] = (),
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
    for month, day, days in yearly_runs:
        problems += calendar_problems(yearly_holidays=[(month, day)])
        if not (isinstance(days, int) and 1 <= days <= MAX_RUN_DAYS):
            problems.append(f"Yearly holiday {month}/{day} lasts {days!r} days, not 1 to {MAX_RUN_DAYS}.")
    for month, day, days in jalali_runs:
        problems += calendar_problems(jalali_holidays=[(month, day)])
        if not (isinstance(days, int) and 1 <= days <= MAX_RUN_DAYS):
            problems.append(f"Yearly holiday {month}/{day} lasts {days!r} days, not 1 to {MAX_RUN_DAYS}.")
    return problems


@lru_cache(maxsize=8192)
def _jalali_month_day(day: date) -> tuple[int, int]:
    jalali = jdatetime.date.fromgregorian(date=day)
    return jalali.month, jalali.day


@lru_cache(maxsize=1024)
def _run_days_in_year(
    yearly_runs: frozenset[tuple[int, int, int]], jalali_runs: frozenset[tuple[int, int, int]], year: int
) -> frozenset[date]:
    """The days of Gregorian `year` that yearly runs cover, those begun the year before included (a run
    is at most MAX_RUN_DAYS long, so no run reaches further). Cached: is_holiday asks per day."""
    found: set[date] = set()
    for runs, jalali, years in (
        (yearly_runs, False, (year - 1, year)),
        (jalali_runs, True, (year - 623, year - 622, year - 621)),  # 1 Farvardin falls in March
    ):
        for month, day, days in runs:
            for first in yearly_starts(month=month, day=day, jalali=jalali, years=years):
                found.update(d for k in range(days) if (d := first + timedelta(days=k)).year == year)
    return frozenset(found)


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
    yearly_runs: frozenset[tuple[int, int, int]] = frozenset()
    jalali_runs: frozenset[tuple[int, int, int]] = frozenset()
    always_open: bool = False

    def __post_init__(self) -> None:
        problems = calendar_problems(
            time_zone=self.time_zone,
            weekly=self.weekly,
            yearly_holidays=self.yearly_holidays,
            jalali_holidays=self.jalali_holidays,
            yearly_runs=self.yearly_runs,
            jalali_runs=self.jalali_runs,
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
        object.__setattr__(self, "yearly_runs", frozenset(self.yearly_runs))
        object.__setattr__(self, "jalali_runs", frozenset(self.jalali_runs))

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
            or (
                bool(self.yearly_runs or self.jalali_runs)
                and day in _run_days_in_year(self.yearly_runs, self.jalali_runs, day.year)
            )
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
