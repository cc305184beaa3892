"""SLA clocks of a ticket: pure functions, no ORM, no clock reads.

The calendars and the business-minute arithmetic they count with live in tickets.sla.business_time
(how time is counted is explained there) and are re-exported here, so callers import the SLA maths
from one place. `ticket_sla` takes a ticket's targets and activity and an explicit `now`, and gives
the due times, warnings and states of its first-response, next-response and resolution clocks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tickets.sla.business_time import (
    SEARCH_HORIZON,
    WEEKDAY_NAMES,
    Calendar,
    CalendarError,
    NoWorkingTime,
    Pause,
    Period,
    _normalize_pauses,
    _utc,
    add_business_minutes,
    business_minutes_between,
    business_minutes_late,
    calendar_problems,
)

SlaState = Literal["ok", "warning", "breached", "met"]

_STATE_SEVERITY: dict[SlaState, int] = {"met": 0, "ok": 1, "warning": 2, "breached": 3}

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


__all__ = [
    "SEARCH_HORIZON",
    "WEEKDAY_NAMES",
    "Calendar",
    "CalendarError",
    "Clock",
    "NoWorkingTime",
    "Pause",
    "Period",
    "SlaState",
    "SlaTargets",
    "TicketActivity",
    "TicketSla",
    "WarningThreshold",
    "add_business_minutes",
    "business_minutes_between",
    "business_minutes_late",
    "calendar_problems",
    "sla_state",
    "ticket_sla",
    "warning_moment",
]
