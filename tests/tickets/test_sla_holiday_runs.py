"""Holidays as runs of days in the pure SLA maths (tickets.sla.business_time): a yearly run counts real
days across month and year ends and the Esfand leap day, and a run of N days is exactly N one-day
holidays wherever those are the same days."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from tickets.sla.business_time import Calendar, CalendarError, add_business_minutes, business_minutes_between

TEHRAN = ZoneInfo("Asia/Tehran")
OFFICE = {day: ((time(8), time(16)),) for day in (5, 6, 0, 1, 2)} | {3: ((time(8), time(12)),)}
NINE_TO_FIVE = {day: ((time(9), time(17)),) for day in range(5)}


def _days(calendar: Calendar, first: date, last: date) -> list[date]:
    count = (last - first).days + 1
    return [day for day in (first + timedelta(days=k) for k in range(count)) if calendar.is_holiday(day)]


def _jalali(year: int, month: int, day: int) -> date:
    return jdatetime.date(year, month, day).togregorian()


def test_a_four_day_nowruz_run_is_the_four_one_day_holidays_every_year():
    run = Calendar(time_zone="Asia/Tehran", weekly=OFFICE, jalali_runs=frozenset({(1, 1, 4)}))
    days = Calendar(time_zone="Asia/Tehran", weekly=OFFICE, jalali_holidays=frozenset({(1, 1), (1, 2), (1, 3), (1, 4)}))
    first, last = date(2019, 1, 1), date(2036, 12, 31)
    assert _days(run, first, last) == _days(days, first, last)
    assert len(_days(run, first, last)) == 4 * 18


def test_a_jalali_run_from_29_esfand_takes_in_30_esfand_only_in_a_leap_year():
    run = Calendar(weekly=OFFICE, jalali_runs=frozenset({(12, 29, 3)}))
    # 1403 is a leap year (30 Esfand 1403 is 20 March 2025), 1404 is not.
    assert _days(run, _jalali(1403, 12, 1), _jalali(1404, 1, 31)) == [
        _jalali(1403, 12, 29),
        _jalali(1403, 12, 30),
        _jalali(1404, 1, 1),
    ]
    assert _days(run, _jalali(1404, 12, 1), _jalali(1405, 1, 31)) == [
        _jalali(1404, 12, 29),
        _jalali(1405, 1, 1),
        _jalali(1405, 1, 2),
    ]


def test_a_jalali_run_crosses_a_month_end_in_real_days():
    # Shahrivar has 31 days, Mehr 30: 30 Shahrivar for 4 days is 30 and 31 Shahrivar, 1 and 2 Mehr.
    run = Calendar(weekly=OFFICE, jalali_runs=frozenset({(6, 30, 4)}))
    found = _days(run, _jalali(1404, 6, 1), _jalali(1404, 7, 30))
    assert found == [_jalali(1404, 6, 30), _jalali(1404, 6, 31), _jalali(1404, 7, 1), _jalali(1404, 7, 2)]


def test_a_yearly_gregorian_run_crosses_the_year_end():
    run = Calendar(weekly=NINE_TO_FIVE, yearly_runs=frozenset({(12, 24, 9)}))  # 24 December to 1 January
    found = _days(run, date(2026, 1, 1), date(2028, 1, 31))
    assert found == (
        [date(2026, 1, 1)]
        + [date(2026, 12, day) for day in range(24, 32)]
        + [date(2027, 1, 1)]
        + [date(2027, 12, day) for day in range(24, 32)]
        + [date(2028, 1, 1)]
    )


def test_a_yearly_gregorian_run_over_the_end_of_february_counts_29_february_in_leap_years():
    run = Calendar(weekly=NINE_TO_FIVE, yearly_runs=frozenset({(2, 28, 2)}))
    assert _days(run, date(2028, 2, 1), date(2028, 3, 31)) == [date(2028, 2, 28), date(2028, 2, 29)]
    assert _days(run, date(2027, 2, 1), date(2027, 3, 31)) == [date(2027, 2, 28), date(2027, 3, 1)]


def test_a_year_long_run_begun_the_year_before_still_counts():
    # 365 days from 31 December: the whole next year, but for 30 December in a leap year.
    run = Calendar(weekly=NINE_TO_FIVE, yearly_runs=frozenset({(12, 31, 365)}))
    assert all(run.is_holiday(date(2027, 1, 1) + timedelta(days=k)) for k in range(365))
    assert run.is_holiday(date(2028, 6, 1)) and run.is_holiday(date(2028, 12, 29))
    assert not run.is_holiday(date(2028, 12, 30))
    assert run.is_holiday(date(2028, 12, 31))


@pytest.mark.parametrize("days", [0, 367, -1])
def test_a_run_of_no_days_or_more_than_a_year_is_refused(days):
    with pytest.raises(CalendarError, match="lasts"):
        Calendar(weekly=NINE_TO_FIVE, yearly_runs=frozenset({(12, 31, days)}))
    with pytest.raises(CalendarError, match="lasts"):
        Calendar(weekly=NINE_TO_FIVE, jalali_runs=frozenset({(1, 1, days)}))


def test_a_run_on_a_day_its_calendar_lacks_is_refused():
    with pytest.raises(CalendarError, match="not a Jalali month and day"):
        Calendar(weekly=NINE_TO_FIVE, jalali_runs=frozenset({(7, 31, 2)}))


def test_due_times_across_nowruz_are_the_same_with_one_run_or_four_days():
    run = Calendar(time_zone="Asia/Tehran", weekly=OFFICE, jalali_runs=frozenset({(1, 1, 4)}))
    days = Calendar(time_zone="Asia/Tehran", weekly=OFFICE, jalali_holidays=frozenset({(1, 1), (1, 2), (1, 3), (1, 4)}))
    start = datetime(2026, 3, 19, 11, 0, tzinfo=TEHRAN)  # Thursday 1404/12/28, the last working day before
    for minutes in (60, 240, 960, 6000):
        assert add_business_minutes(start=start, minutes=minutes, calendar=run) == add_business_minutes(
            start=start, minutes=minutes, calendar=days
        )
    assert add_business_minutes(start=start, minutes=240, calendar=run) == datetime(2026, 3, 25, 11, tzinfo=TEHRAN)
    end = datetime(2026, 4, 30, tzinfo=UTC)
    assert business_minutes_between(start=start, end=end, calendar=run) == business_minutes_between(
        start=start, end=end, calendar=days
    )
