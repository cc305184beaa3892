"""SLA maths: worked examples, then properties over random calendars, zones, starts and pauses.

No database: tickets/sla.py is pure. The brute-force oracle walks minute by minute and decides from
the wall clock alone whether the office is open, so it checks the interval code independently.
"""

import time as perf
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tickets.sla.clock import (
    SEARCH_HORIZON,
    Calendar,
    SlaTargets,
    TicketActivity,
    TicketSla,
    WarningThreshold,
    add_business_minutes,
    business_minutes_between,
    business_minutes_late,
    calendar_problems,
    sla_state,
    ticket_sla,
    warning_moment,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TEHRAN = ZoneInfo("Asia/Tehran")

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NOWRUZ = frozenset({(1, 1), (1, 2), (1, 3), (1, 4)})
MICROSECOND = timedelta(microseconds=1)


def at(tz: ZoneInfo, *parts: int) -> datetime:
    """A local wall-clock moment (never a skipped one), as the UTC instant the code works with."""
    return datetime(*parts, tzinfo=tz).astimezone(UTC)


def office(tz: str = "Europe/Berlin", **extra) -> Calendar:
    return Calendar(time_zone=tz, weekly={day: ((time(9), time(17)),) for day in range(MON, SAT)}, **extra)


OFFICE = office()
LUNCH_BREAK = Calendar(
    time_zone="America/New_York",
    weekly={day: ((time(9), time(12)), (time(13), time(17))) for day in range(MON, SAT)},
)
IRAN = Calendar(
    time_zone="Asia/Tehran",
    weekly={
        **{day: ((time(8), time(16)),) for day in (SAT, SUN, MON, TUE, WED)},
        THU: ((time(8), time(12)),),
    },
    jalali_holidays=NOWRUZ,
)


def add(start: datetime, minutes: float, calendar: Calendar = OFFICE, paused=()) -> datetime | None:
    return add_business_minutes(start=start, minutes=minutes, calendar=calendar, paused=paused)


def between(start: datetime, end: datetime, calendar: Calendar = OFFICE, paused=()) -> float:
    return business_minutes_between(start=start, end=end, calendar=calendar, paused=paused)


# --- Weekly hours ----------------------------------------------------------------------------


def test_minutes_added_on_friday_evening_continue_on_monday_morning():
    assert add(at(BERLIN, 2026, 1, 16, 16, 30), 60) == at(BERLIN, 2026, 1, 19, 9, 30)


def test_clock_started_on_a_weekend_begins_at_the_next_opening():
    assert add(at(BERLIN, 2026, 1, 17, 11, 0), 30) == at(BERLIN, 2026, 1, 19, 9, 30)
    assert add(at(BERLIN, 2026, 1, 17, 11, 0), 0) == at(BERLIN, 2026, 1, 19, 9, 0)


def test_due_time_landing_on_closing_time_stays_on_that_day():
    assert add(at(BERLIN, 2026, 1, 16, 16, 0), 60) == at(BERLIN, 2026, 1, 16, 17, 0)


def test_lunch_break_does_not_count():
    assert add(at(NEW_YORK, 2026, 1, 20, 11, 30), 60, LUNCH_BREAK) == at(NEW_YORK, 2026, 1, 20, 13, 30)
    assert between(at(NEW_YORK, 2026, 1, 20, 0, 0), at(NEW_YORK, 2026, 1, 21, 0, 0), LUNCH_BREAK) == 420


def test_iranian_week_skips_friday_and_counts_the_short_thursday():
    assert add(at(TEHRAN, 2026, 1, 15, 11, 0), 120, IRAN) == at(TEHRAN, 2026, 1, 17, 9, 0)
    assert between(at(TEHRAN, 2026, 1, 17, 0, 0), at(TEHRAN, 2026, 1, 24, 0, 0), IRAN) == 5 * 480 + 240


def test_nowruz_1_to_4_farvardin_1405_are_skipped():
    # 1405-01-01..04 = 2026-03-21..24 (Saturday to Tuesday); Friday 20 March is closed anyway.
    assert add(at(TEHRAN, 2026, 3, 19, 11, 0), 120, IRAN) == at(TEHRAN, 2026, 3, 25, 9, 0)
    assert [IRAN.is_holiday(date(2026, 3, day)) for day in range(20, 26)] == [False, True, True, True, True, False]


def test_jalali_holidays_recur_every_jalali_year():
    assert IRAN.is_holiday(date(2027, 3, 21))
    assert IRAN.is_holiday(jdatetime.date(1409, 1, 4).togregorian())
    assert not IRAN.is_holiday(jdatetime.date(1409, 1, 5).togregorian())


def test_gregorian_yearly_holiday_is_skipped_every_year():
    christmas = office(yearly_holidays=frozenset({(12, 25), (12, 26)}))
    assert add(at(BERLIN, 2026, 12, 24, 16, 0), 120, christmas) == at(BERLIN, 2026, 12, 28, 10, 0)
    assert christmas.is_holiday(date(2031, 12, 25))


def test_fixed_date_holiday_is_skipped_only_that_year():
    ascension = office(holidays=frozenset({date(2026, 5, 14)}))
    assert add(at(BERLIN, 2026, 5, 13, 16, 0), 120, ascension) == at(BERLIN, 2026, 5, 15, 10, 0)
    assert not ascension.is_holiday(date(2027, 5, 14))


def test_always_open_calendar_counts_real_time_across_dst_and_holidays():
    always = Calendar(time_zone="Europe/Berlin", always_open=True, holidays=frozenset({date(2026, 3, 29)}))
    start = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert add(start, 1440, always) == start + timedelta(days=1)
    pause = [(start + timedelta(hours=2), start + timedelta(hours=3))]
    assert between(start, start + timedelta(days=1), always, pause) == 1380


def test_period_ending_at_midnight_runs_to_the_end_of_the_day():
    late_shift = Calendar(weekly={MON: ((time(20), time(0)),)})
    assert add(datetime(2026, 1, 19, 23, 0, tzinfo=UTC), 60, late_shift) == datetime(2026, 1, 20, tzinfo=UTC)


OVERNIGHT_TEHRAN = Calendar(time_zone="Asia/Tehran", weekly={MON: ((time(22), time(0)),), TUE: ((time(0), time(6)),)})


def test_overnight_shift_split_at_midnight_runs_on_without_a_gap_in_tehran():
    start = at(TEHRAN, 2026, 1, 19, 22, 0)  # a Monday
    assert add(start, 120, OVERNIGHT_TEHRAN) == at(TEHRAN, 2026, 1, 20, 0, 0)
    assert add(start, 121, OVERNIGHT_TEHRAN) == at(TEHRAN, 2026, 1, 20, 0, 1)
    assert add(start, 480, OVERNIGHT_TEHRAN) == at(TEHRAN, 2026, 1, 20, 6, 0)
    assert add(start, 481, OVERNIGHT_TEHRAN) == at(TEHRAN, 2026, 1, 26, 22, 1)  # the next Monday night
    assert between(at(TEHRAN, 2026, 1, 19, 23, 30), at(TEHRAN, 2026, 1, 20, 0, 30), OVERNIGHT_TEHRAN) == 60


@pytest.mark.parametrize(
    ("saturday", "night_minutes"),
    [
        (date(2026, 3, 28), 2 * 60 + 5 * 60),  # spring forward at 02:00 on Sunday: the night is an hour shorter
        (date(2026, 10, 24), 2 * 60 + 7 * 60),  # fall back at 03:00: an hour longer
    ],
)
def test_overnight_shift_split_at_midnight_counts_real_time_across_a_dst_change_in_berlin(saturday, night_minutes):
    night = Calendar(time_zone="Europe/Berlin", weekly={SAT: ((time(22), time(0)),), SUN: ((time(0), time(6)),)})
    start = at(BERLIN, *saturday.timetuple()[:3], 22, 0)
    sunday = saturday + timedelta(days=1)
    assert add(start, 120, night) == at(BERLIN, *sunday.timetuple()[:3], 0, 0)
    assert add(start, 180, night) == at(BERLIN, *sunday.timetuple()[:3], 1, 0)
    assert add(start, night_minutes, night) == at(BERLIN, *sunday.timetuple()[:3], 6, 0)
    next_saturday = saturday + timedelta(days=7)
    assert add(start, night_minutes + 1, night) == at(BERLIN, *next_saturday.timetuple()[:3], 22, 1)


# --- Daylight saving time ----------------------------------------------------------------------


def test_friday_before_spring_forward_continues_at_monday_local_time_in_berlin():
    assert add(at(BERLIN, 2026, 3, 27, 16, 0), 120) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_friday_before_fall_back_continues_at_monday_local_time_in_new_york():
    calendar = office("America/New_York")
    assert add(at(NEW_YORK, 2026, 10, 30, 16, 0), 120, calendar) == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "sunday", "minutes"),
    [
        ("Europe/Berlin", date(2026, 3, 22), 360),
        ("Europe/Berlin", date(2026, 3, 29), 300),  # spring forward: the shift is an hour shorter
        ("Europe/Berlin", date(2026, 10, 25), 420),  # fall back: an hour longer
        ("America/New_York", date(2026, 3, 8), 300),
        ("America/New_York", date(2026, 11, 1), 420),
        ("Asia/Tehran", date(2026, 3, 22), 360),  # no DST in Iran since 2022
    ],
)
def test_night_shift_lasts_the_real_time_between_its_wall_clock_ends(zone, sunday, minutes):
    night = Calendar(time_zone=zone, weekly={SUN: ((time(0), time(6)),)})
    tz = ZoneInfo(zone)
    monday = sunday + timedelta(days=1)
    assert between(at(tz, *sunday.timetuple()[:3]), at(tz, *monday.timetuple()[:3]), night) == minutes


def test_period_starting_in_the_skipped_hour_starts_at_the_jump():
    calendar = Calendar(time_zone="Europe/Berlin", weekly={SUN: ((time(2, 30), time(4)),)})
    assert between(at(BERLIN, 2026, 3, 29), at(BERLIN, 2026, 3, 30), calendar) == 60
    assert add(at(BERLIN, 2026, 3, 29), 10, calendar) == at(BERLIN, 2026, 3, 29, 3, 10)


def test_period_ending_in_the_repeated_hour_ends_at_its_first_occurrence():
    calendar = Calendar(time_zone="Europe/Berlin", weekly={SUN: ((time(0), time(2, 30)),)})
    assert between(at(BERLIN, 2026, 10, 25), at(BERLIN, 2026, 10, 26), calendar) == 150


# --- Pauses, limits, input checks -------------------------------------------------------------


def test_pause_inside_working_hours_pushes_the_due_time():
    start = at(BERLIN, 2026, 1, 19, 9, 0)
    pause = [(at(BERLIN, 2026, 1, 19, 10, 0), at(BERLIN, 2026, 1, 19, 11, 0))]
    assert add(start, 120, paused=pause) == at(BERLIN, 2026, 1, 19, 12, 0)


def test_pause_outside_working_hours_changes_nothing():
    start = at(BERLIN, 2026, 1, 16, 16, 0)
    weekend = [(at(BERLIN, 2026, 1, 17, 0, 0), at(BERLIN, 2026, 1, 19, 0, 0))]
    assert add(start, 120, paused=weekend) == add(start, 120)


def test_open_ended_pause_leaves_the_due_time_unknown_unless_it_starts_after_it():
    start = at(BERLIN, 2026, 1, 19, 9, 0)
    assert add(start, 120, paused=[(at(BERLIN, 2026, 1, 19, 10, 0), None)]) is None
    assert add(start, 120, paused=[(at(BERLIN, 2026, 1, 19, 12, 0), None)]) == at(BERLIN, 2026, 1, 19, 11, 0)


def test_elapsed_minutes_are_negative_when_end_comes_first():
    assert between(at(BERLIN, 2026, 1, 19, 12, 0), at(BERLIN, 2026, 1, 19, 10, 0)) == -120


def test_adding_ten_thousand_minutes_does_not_walk_minute_by_minute():
    began = perf.perf_counter()
    due = add(at(BERLIN, 2026, 1, 16, 16, 30), 10_000, IRAN)
    assert perf.perf_counter() - began < 0.25  # about a millisecond; minute by minute would take far longer
    assert between(at(BERLIN, 2026, 1, 16, 16, 30), due, IRAN) == 10_000


def test_calendar_without_working_hours_is_refused():
    with pytest.raises(ValueError, match="no working hours"):
        add(at(BERLIN, 2026, 1, 19, 9, 0), 60, Calendar())


def test_calendar_closed_for_years_stops_at_the_search_horizon():
    every_monday = frozenset(date(2026, 1, 5) + timedelta(weeks=week) for week in range(52 * 4))
    mondays_only = Calendar(weekly={MON: ((time(9), time(17)),)}, holidays=every_monday)
    with pytest.raises(ValueError, match=f"within {SEARCH_HORIZON.days} days"):
        add(datetime(2026, 1, 1, tzinfo=UTC), 60, mondays_only)


def test_a_calendar_that_cannot_answer_raises_a_calendar_error_callers_can_catch():
    from tickets.sla import clock as sla

    with pytest.raises(sla.CalendarError, match="no working hours"):
        add(at(BERLIN, 2026, 1, 19, 9, 0), 60, Calendar())
    with pytest.raises(sla.CalendarError, match=f"within {SEARCH_HORIZON.days} days"):
        add(at(BERLIN, 2026, 1, 19, 9, 0), 2**31, OFFICE)  # the largest target the database can hold
    with pytest.raises(sla.CalendarError, match="overlaps"):
        Calendar(weekly={MON: ((time(9), time(12)), (time(10), time(11)))})


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add(datetime(2026, 1, 19, 9, 0), 60)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        between(at(BERLIN, 2026, 1, 19), datetime(2026, 1, 20), paused=())  # noqa: DTZ001


def test_results_are_in_utc_whatever_zone_comes_in():
    due = add(datetime(2026, 1, 19, 9, 0, tzinfo=BERLIN), 60)
    assert due.tzinfo is UTC


# --- Validation --------------------------------------------------------------------------------


def test_overlapping_and_inverted_periods_are_reported_in_plain_words():
    problems = calendar_problems(
        weekly={MON: [(time(9), time(12)), (time(11), time(13))], TUE: [(time(18), time(8))]},
    )
    assert problems == [
        "Monday: 09:00-12:00 overlaps 11:00-13:00.",
        "Tuesday 18:00-08:00: ends before it starts "
        "(split a period that runs past midnight into two, the first ending at 00:00).",
    ]


def test_touching_periods_and_midnight_ends_are_fine():
    assert calendar_problems(weekly={MON: [(time(9), time(12)), (time(12), time(0))]}) == []


def test_bad_zone_weekday_and_holidays_are_reported():
    problems = calendar_problems(
        time_zone="Mars/Olympus", weekly={7: []}, yearly_holidays=[(2, 30)], jalali_holidays=[(7, 31)]
    )
    assert problems == [
        "Unknown time zone 'Mars/Olympus'.",
        "Weekday 7 must be 0 (Monday) to 6 (Sunday).",
        "Yearly holiday 2/30 is not a Gregorian month and day.",
        "Yearly holiday 7/31 is not a Jalali month and day.",
    ]


def test_invalid_calendar_cannot_be_built():
    with pytest.raises(ValueError, match="overlaps"):
        Calendar(weekly={MON: ((time(9), time(12)), (time(10), time(11)))})


# --- Warnings and states -------------------------------------------------------------------------


def test_warning_at_75_percent_counts_business_time():
    created = at(BERLIN, 2026, 1, 16, 13, 0)  # Friday; 480 minutes are due Monday 13:00
    moment = warning_moment(start=created, target_minutes=480, threshold=WarningThreshold(percent=75), calendar=OFFICE)
    assert moment == at(BERLIN, 2026, 1, 19, 11, 0)


def test_warning_n_minutes_before_due_and_the_earlier_of_both():
    created = at(BERLIN, 2026, 1, 19, 9, 0)

    def warn(threshold: WarningThreshold) -> datetime | None:
        return warning_moment(start=created, target_minutes=480, threshold=threshold, calendar=OFFICE)

    assert warn(WarningThreshold(minutes_before=60)) == at(BERLIN, 2026, 1, 19, 16, 0)
    assert warn(WarningThreshold(percent=75, minutes_before=60)) == at(BERLIN, 2026, 1, 19, 15, 0)
    assert warn(WarningThreshold(minutes_before=600)) == created
    assert warn(WarningThreshold()) is None


def test_state_moves_from_ok_to_warning_to_breached():
    due, warning = at(BERLIN, 2026, 1, 19, 17, 0), at(BERLIN, 2026, 1, 19, 15, 0)

    def state(now: datetime) -> str:
        return sla_state(now=now, due_at=due, warning_at=warning, met_at=None)

    assert state(at(BERLIN, 2026, 1, 19, 14, 59)) == "ok"
    assert state(warning) == "warning"
    assert state(due - MICROSECOND) == "warning"
    assert state(due) == "breached"  # due at 17:00 means late from 17:00 on
    assert state(due + MICROSECOND) == "breached"


def test_met_before_due_is_met_and_met_at_or_after_due_stays_breached():
    due = at(BERLIN, 2026, 1, 19, 17, 0)
    later = at(BERLIN, 2026, 1, 20, 12, 0)
    assert sla_state(now=later, due_at=due, warning_at=None, met_at=due - MICROSECOND) == "met"
    assert sla_state(now=later, due_at=due, warning_at=None, met_at=due) == "breached"
    assert sla_state(now=later, due_at=due, warning_at=None, met_at=due + timedelta(minutes=1)) == "breached"


def test_lateness_is_counted_in_business_minutes():
    due = at(BERLIN, 2026, 1, 16, 16, 0)
    assert business_minutes_late(due_at=due, done_at=at(BERLIN, 2026, 1, 19, 10, 0), calendar=OFFICE) == 120
    assert business_minutes_late(due_at=due, done_at=at(BERLIN, 2026, 1, 16, 15, 30), calendar=OFFICE) == -30


# --- Ticket clocks -----------------------------------------------------------------------------

TARGETS = SlaTargets(first_response=60, next_response=120, resolution=960)
CREATED = at(BERLIN, 2026, 1, 19, 9, 0)  # a Monday


def clocks(now: datetime, **activity) -> TicketSla:
    return ticket_sla(
        activity=TicketActivity(created_at=CREATED, **activity),
        targets=TARGETS,
        calendar=OFFICE,
        now=now,
        warning=WarningThreshold(percent=75),
    )


def test_first_response_is_due_an_hour_in_and_met_by_the_first_agent_reply():
    waiting = clocks(at(BERLIN, 2026, 1, 19, 9, 50))
    assert waiting.first_response_due_at == at(BERLIN, 2026, 1, 19, 10, 0)
    assert waiting.first_response.warning_at == at(BERLIN, 2026, 1, 19, 9, 45)
    assert waiting.first_response.state == "warning"
    answered = clocks(at(BERLIN, 2026, 1, 19, 9, 50), agent_replies=(at(BERLIN, 2026, 1, 19, 9, 30),))
    assert answered.first_response.state == "met"
    assert answered.first_response.minutes_late == -30


def test_no_next_response_is_due_while_the_agent_spoke_last():
    sla = clocks(at(BERLIN, 2026, 1, 19, 12, 0), agent_replies=(at(BERLIN, 2026, 1, 19, 9, 30),))
    assert sla.next_response is None
    assert sla.next_response_due_at is None


def test_customer_messages_before_the_first_reply_belong_to_the_first_response():
    sla = clocks(at(BERLIN, 2026, 1, 19, 9, 20), customer_messages=(at(BERLIN, 2026, 1, 19, 9, 10),))
    assert sla.next_response is None


def test_customer_message_after_an_agent_reply_restarts_the_next_response_clock():
    replies = (at(BERLIN, 2026, 1, 19, 9, 30),)
    customer = (at(BERLIN, 2026, 1, 19, 10, 0), at(BERLIN, 2026, 1, 19, 11, 0))
    waiting = clocks(at(BERLIN, 2026, 1, 19, 11, 5), agent_replies=replies, customer_messages=customer)
    assert waiting.next_response_due_at == at(BERLIN, 2026, 1, 19, 12, 0)  # the second message does not push it

    replies += (at(BERLIN, 2026, 1, 19, 11, 30),)
    answered = clocks(at(BERLIN, 2026, 1, 19, 12, 0), agent_replies=replies, customer_messages=customer)
    assert answered.next_response is None
    assert [(c.state, c.minutes_late) for c in answered.next_response_history] == [("met", -30)]

    customer += (at(BERLIN, 2026, 1, 19, 16, 30),)
    again = clocks(at(BERLIN, 2026, 1, 19, 16, 31), agent_replies=replies, customer_messages=customer)
    assert again.next_response_due_at == at(BERLIN, 2026, 1, 20, 10, 30)
    assert again.next_response.state == "ok"


def test_pending_time_shifts_the_resolution_due_but_not_the_response_clocks():
    plain = clocks(at(BERLIN, 2026, 1, 19, 9, 5))
    assert plain.resolution_due_at == at(BERLIN, 2026, 1, 20, 17, 0)
    pending = [(at(BERLIN, 2026, 1, 19, 10, 0), at(BERLIN, 2026, 1, 20, 10, 0))]  # 480 business minutes
    paused = clocks(at(BERLIN, 2026, 1, 19, 9, 5), paused=pending)
    assert paused.resolution_due_at == at(BERLIN, 2026, 1, 21, 17, 0)
    assert paused.first_response_due_at == plain.first_response_due_at


def test_ticket_still_pending_has_no_resolution_due_yet():
    sla = clocks(at(BERLIN, 2026, 1, 22, 9, 0), paused=[(at(BERLIN, 2026, 1, 19, 10, 0), None)])
    assert sla.resolution_due_at is None
    assert sla.resolution.state == "ok"
    assert sla.resolution.minutes_late is None


# One scenario per clock, each with a later clock still running: (activity, the clock, its due time).
DUE_INSTANT_SCENARIOS = {
    "first_response": ({}, at(BERLIN, 2026, 1, 19, 10, 0)),
    "next_response": (
        {
            "agent_replies": (at(BERLIN, 2026, 1, 19, 9, 10),),
            "customer_messages": (at(BERLIN, 2026, 1, 19, 9, 20),),
        },
        at(BERLIN, 2026, 1, 19, 11, 20),
    ),
    "resolution": ({"agent_replies": (at(BERLIN, 2026, 1, 19, 9, 10),)}, at(BERLIN, 2026, 1, 20, 17, 0)),
}


@pytest.mark.parametrize("target", DUE_INSTANT_SCENARIOS)
@pytest.mark.parametrize("offset", [-MICROSECOND, timedelta(0), MICROSECOND], ids=["before", "at", "after"])
def test_state_and_next_check_agree_around_the_due_instant(target, offset):
    from tickets.sla.store import next_check_at

    activity, due = DUE_INSTANT_SCENARIOS[target]
    now = due + offset
    sla = clocks(now, **activity)
    clock = getattr(sla, target)
    assert clock.due_at == due
    assert clock.state == ("warning" if offset < timedelta(0) else "breached")
    upcoming = next_check_at(sla, now, include_past=False)
    # every running clock that has not breached yet is looked at again, no later than its due time
    for other in (sla.first_response, sla.next_response, sla.resolution):
        if other is not None and other.met_at is None and other.state != "breached":
            assert upcoming is not None and now < upcoming <= other.due_at
    if offset < timedelta(0):
        assert upcoming == due  # the sweep comes back exactly when the breach happens


def test_ticket_state_is_the_worst_clock_and_met_when_all_are_done():
    late_reply = (at(BERLIN, 2026, 1, 19, 11, 0),)
    sla = clocks(at(BERLIN, 2026, 1, 19, 12, 0), agent_replies=late_reply)
    assert sla.first_response.state == "breached"
    assert sla.first_response.minutes_late == 60
    assert sla.state == "breached"
    done = clocks(
        at(BERLIN, 2026, 1, 19, 12, 0),
        agent_replies=(at(BERLIN, 2026, 1, 19, 9, 30),),
        solved_at=at(BERLIN, 2026, 1, 19, 11, 0),
    )
    assert done.state == "met"
    assert (
        ticket_sla(
            activity=TicketActivity(created_at=CREATED), targets=SlaTargets(), calendar=OFFICE, now=CREATED
        ).state
        is None
    )


# --- Properties ----------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tehran",
    "Europe/Dublin",  # negative DST in tzdata
    "America/Santiago",  # transitions at midnight
    "Australia/Lord_Howe",  # a 30-minute shift
    "Pacific/Chatham",
]
FIRST_DAY, LAST_DAY = date(2025, 6, 1), date(2027, 6, 1)


def _transitions(zone: str) -> list[datetime]:
    """Every UTC offset change of a zone between FIRST_DAY and LAST_DAY, to aim starts near them."""
    tz, found = ZoneInfo(zone), []
    moment = datetime.combine(FIRST_DAY, time(), tzinfo=UTC)
    while moment.date() < LAST_DAY:
        later = moment + timedelta(hours=6)
        if moment.astimezone(tz).utcoffset() != later.astimezone(tz).utcoffset():
            low, high = moment, later
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (
                    (middle, high)
                    if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset()
                    else (low, middle)
                )
            found.append(high)
        moment = later
    return found


TRANSITIONS = {zone: _transitions(zone) for zone in ZONES}


def _clock_time(minute: int) -> time:
    return time(0) if minute == 1440 else time(minute // 60, minute % 60)


@st.composite
def weekly_hours(
    draw, around: datetime | None = None, tz: ZoneInfo | None = None
) -> dict[int, tuple[tuple[time, time], ...]]:
    """Random periods; given a clock change `around`, often on its day with ends in its skipped or
    repeated hour."""
    cuts_strategy = st.integers(0, 1440) | st.integers(0, 240)
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    if around is not None and tz is not None and draw(st.booleans()):
        walls = [(around + delta).astimezone(tz) for delta in (timedelta(minutes=-1), timedelta(0))]
        low, high = sorted(wall.hour * 60 + wall.minute for wall in walls)
        cuts_strategy = st.integers(max(low - 5, 0), min(high + 5, 1440)) | cuts_strategy
        weekdays |= {wall.weekday() for wall in walls}
    weekly = {}
    for weekday in weekdays:
        cuts = sorted(draw(st.lists(cuts_strategy, min_size=2, max_size=6, unique=True)))
        weekly[weekday] = tuple(
            (_clock_time(begin), _clock_time(end)) for begin, end in zip(cuts[::2], cuts[1::2], strict=False)
        )
    return weekly


def weekly_minutes(calendar: Calendar) -> int:
    if calendar.always_open:
        return 7 * 1440
    return sum(
        ((end.hour * 60 + end.minute) or 1440) - (begin.hour * 60 + begin.minute)
        for periods in calendar.weekly.values()
        for begin, end in periods
    )


def _jalali_month_day(day: date) -> tuple[int, int]:
    jalali = jdatetime.date.fromgregorian(date=day)
    return jalali.month, jalali.day


@st.composite
def scenarios(draw, max_weeks: int = 30, pause_window: int = 40_000, lead: int = 3 * 1440):
    """A calendar, a whole-minute UTC start (often up to `lead` minutes before a DST change), a
    target and some pauses within `pause_window` minutes of the start.

    Holidays are drawn partly from the days right after the start, so the clock meets them.
    """
    zone = draw(st.sampled_from(ZONES))
    transition = None
    if TRANSITIONS[zone] and draw(st.booleans()):
        transition = draw(st.sampled_from(TRANSITIONS[zone]))
        start = transition - timedelta(minutes=draw(st.integers(-60, lead)))
    else:
        start = draw(st.datetimes(datetime(2025, 6, 1), datetime(2027, 3, 1), timezones=st.just(UTC)))
    start = start.replace(second=0, microsecond=0)
    soon = st.integers(-2, 30).map(lambda days: start.date() + timedelta(days=days))
    month_day = st.tuples(st.integers(1, 12), st.integers(1, 29))
    calendar = Calendar(
        time_zone=zone,
        weekly=draw(weekly_hours(transition, ZoneInfo(zone))),
        holidays=draw(st.frozensets(st.dates(FIRST_DAY, LAST_DAY) | soon, max_size=20)),
        yearly_holidays=draw(st.frozensets(month_day | soon.map(lambda day: (day.month, day.day)), max_size=8)),
        jalali_holidays=draw(st.frozensets(month_day | soon.map(_jalali_month_day), max_size=8)),
        always_open=draw(st.sampled_from([False] * 9 + [True])),
    )
    most = min(20_000, weekly_minutes(calendar) * max_weeks)
    minutes = draw(st.integers(0, min(most, 600)) | st.integers(0, most))
    offsets = st.integers(-3000, pause_window)
    pauses = [
        (start + timedelta(minutes=offset), start + timedelta(minutes=offset + length))
        for offset, length in draw(st.lists(st.tuples(offsets, st.integers(0, 3000)), max_size=3))
    ]
    if draw(st.sampled_from([False, False, False, True])):  # still paused
        pauses.append((start + timedelta(minutes=draw(offsets)), None))
    return calendar, start, minutes, pauses


def is_holiday(calendar: Calendar, day: date) -> bool:
    """The holiday rule restated without the module's code."""
    return (
        day in calendar.holidays
        or (day.month, day.day) in calendar.yearly_holidays
        or _jalali_month_day(day) in calendar.jalali_holidays
    )


def wall_high_water(tz: ZoneInfo, moment: datetime) -> datetime:
    """The latest wall-clock time shown at or before `moment`: where a working day has got to.

    After a fall-back the clock shows an hour again, but the day has already passed it.
    """
    best = moment.astimezone(tz).replace(tzinfo=None)
    probe = moment
    for _ in range(26 * 4):
        earlier = probe - timedelta(minutes=15)
        if earlier.astimezone(tz).utcoffset() > probe.astimezone(tz).utcoffset():
            low, high = earlier, probe
            while high - low > timedelta(microseconds=1):
                middle = low + (high - low) // 2
                if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = middle
                else:
                    high = middle
            best = max(best, low.astimezone(tz).replace(tzinfo=None))
        probe = earlier
    return best


def in_working_period(calendar: Calendar, wall: datetime) -> bool:
    """Whether a wall-clock time lies in [start, end) of a working period on a working day."""
    if calendar.always_open:
        return True
    if is_holiday(calendar, wall.date()):
        return False
    clock = wall.time()
    return any(
        begin <= clock and (end == time(0) or clock < end) for begin, end in calendar.weekly.get(wall.weekday(), ())
    )


def in_pause(pauses, moment: datetime) -> bool:
    return any(begin <= moment and (end is None or moment < end) for begin, end in pauses)


BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@BOUNDED
@given(scenarios())
def test_minutes_added_are_exactly_the_minutes_elapsed(scenario):
    calendar, start, minutes, pauses = scenario
    for paused in ((), pauses):
        due = add(start, minutes, calendar, paused)
        if due is not None:
            assert between(start, due, calendar, paused) == minutes
        else:
            assert any(end is None for _, end in paused)


@BOUNDED
@given(scenarios())
def test_due_time_is_reached_while_the_office_is_open(scenario):
    calendar, start, minutes, pauses = scenario
    minutes = max(minutes, 1)  # zero minutes is due at the opening, with nothing run before it
    tz = ZoneInfo(calendar.time_zone)
    for paused in ((), pauses):
        due = add(start, minutes, calendar, paused)
        if due is None:
            continue
        # The clock ran right up to the due time, so the instant before it was working time, not a
        # holiday, not paused: the due is inside a working period or exactly at its end.
        just_before = due - timedelta(microseconds=1)
        assert in_working_period(calendar, wall_high_water(tz, just_before))
        assert not in_pause(paused, just_before)


@BOUNDED
@given(scenarios(), st.integers(0, 5000))
def test_more_minutes_never_give_an_earlier_due_time(scenario, extra):
    calendar, start, minutes, pauses = scenario
    assume(minutes + extra <= weekly_minutes(calendar) * 30)
    for paused in ((), pauses):
        sooner, later = add(start, minutes, calendar, paused), add(start, minutes + extra, calendar, paused)
        if sooner is None:
            assert later is None
        elif later is not None:
            assert later >= sooner


@BOUNDED
@given(scenarios())
def test_pauses_never_bring_the_due_time_forward(scenario):
    calendar, start, minutes, pauses = scenario
    paused_due = add(start, minutes, calendar, pauses)
    assert paused_due is None or paused_due >= add(start, minutes, calendar)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(pause_window=3 * 1440, lead=2 * 1440), st.integers(1440, 3 * 1440))
def test_elapsed_minutes_match_a_minute_by_minute_walk_of_the_wall_clock(scenario, span):
    calendar, start, _, pauses = scenario
    tz, end = ZoneInfo(calendar.time_zone), start + timedelta(minutes=span)
    high_water = wall_high_water(tz, start)
    counted, moment = 0, start
    while moment < end:
        high_water = max(high_water, moment.astimezone(tz).replace(tzinfo=None))
        counted += in_working_period(calendar, high_water) and not in_pause(pauses, moment)
        moment += timedelta(minutes=1)
    assert between(start, end, calendar, pauses) == counted


@BOUNDED
@given(scenarios(), st.integers(0, 20_000), st.integers(0, 20_000))
def test_elapsed_minutes_add_up_over_consecutive_spans(scenario, first, second):
    calendar, start, _, pauses = scenario
    middle, end = start + timedelta(minutes=first), start + timedelta(minutes=first + second)
    whole = between(start, end, calendar, pauses)
    assert whole == between(start, middle, calendar, pauses) + between(middle, end, calendar, pauses)
