"""Upgrading a database whose holidays are one row per day (customers 0019): rows of one holiday on
consecutive days become one row of `days` days with the first day's id, and back again; the days
off and every due time from 2019 to 2036 are the same before, after and back. Rows of other names,
other calendars, other recurrences, with a gap, or on a day whose next day depends on the year (28
and 29 February, 29 and 30 Esfand) stay apart. Runs on the suite's database."""

import importlib
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tickets.sla import clock as sla
from tickets.sla.store import calendar_from_row

BEFORE = [("customers", "0018_holiday_days")]
migration = importlib.import_module("customers.migrations.0019_holiday_runs")

FIRST, LAST = date(2019, 1, 1), date(2036, 12, 31)
TEHRAN = ZoneInfo("Asia/Tehran")

# (name, recurrence, first day: a date or (month, day)); created in this order, so ids do not follow the days
ROWS = [
    ("Nowruz", "jalali", (1, 3)),
    ("Nowruz", "jalali", (1, 1)),
    ("Nowruz", "jalali", (1, 4)),
    ("Nowruz", "jalali", (1, 2)),
    ("Nowruz", "jalali", (1, 2)),  # entered twice: stays a row of its own
    ("Nowruz", "jalali", (1, 6)),  # after a gap
    ("Sizdah Eve", "jalali", (1, 12)),  # the day before, but another name
    ("Sizdah Bedar", "jalali", (1, 13)),
    ("Sizdah Bedar", "jalali", (1, 14)),
    ("Late winter", "jalali", (11, 30)),  # Bahman always has 30 days: 1 Esfand follows
    ("Late winter", "jalali", (12, 1)),
    ("Year end", "jalali", (12, 28)),
    ("Year end", "jalali", (12, 29)),  # 30 Esfand follows only in leap years
    ("Year end", "jalali", (12, 30)),  # only in leap years; 1 Farvardin follows
    ("New Year", "gregorian", (12, 31)),
    ("New Year", "gregorian", (1, 1)),
    ("Leap", "gregorian", (2, 27)),
    ("Leap", "gregorian", (2, 28)),  # 29 February follows only in leap years
    ("Leap", "gregorian", (2, 29)),
    ("Leap", "gregorian", (3, 1)),
    ("Christmas", "gregorian", (12, 25)),
    ("Christmas", "once", date(2025, 12, 26)),  # same name, another recurrence
    ("Retreat", "once", date(2024, 12, 31)),
    ("Retreat", "once", date(2025, 1, 1)),
    ("Retreat", "once", date(2025, 1, 2)),
    ("Retreat", "once", date(2025, 1, 4)),  # after a gap
    ("Tasua", "once", date(2025, 7, 5)),
    ("Ashura", "once", date(2025, 7, 6)),
]
# (name, recurrence, first day, days) after the merge
RUNS = {
    ("Nowruz", "jalali", (1, 1), 4),
    ("Nowruz", "jalali", (1, 2), 1),
    ("Nowruz", "jalali", (1, 6), 1),
    ("Sizdah Eve", "jalali", (1, 12), 1),
    ("Sizdah Bedar", "jalali", (1, 13), 2),
    ("Late winter", "jalali", (11, 30), 2),
    ("Year end", "jalali", (12, 28), 2),
    ("Year end", "jalali", (12, 30), 1),
    ("New Year", "gregorian", (12, 31), 2),
    ("Leap", "gregorian", (2, 27), 2),
    ("Leap", "gregorian", (2, 29), 1),
    ("Leap", "gregorian", (3, 1), 1),
    ("Christmas", "gregorian", (12, 25), 1),
    ("Christmas", "once", date(2025, 12, 26), 1),
    ("Retreat", "once", date(2024, 12, 31), 3),
    ("Retreat", "once", date(2025, 1, 4), 1),
    ("Tasua", "once", date(2025, 7, 5), 1),
    ("Ashura", "once", date(2025, 7, 6), 1),
}


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def _day(holiday):
    return holiday.date if holiday.recurrence == "once" else (holiday.month, holiday.day)


def _rows(holidays, calendar_id):
    return Counter(
        (row.name, row.recurrence, _day(row), row.days) for row in holidays.objects.filter(calendar_id=calendar_id)
    )


def _sla_figures(calendars, calendar_id):
    """Every day off from 2019 to 2036, and the due time of a three-day target started at 10:00 each day."""
    calendar = calendar_from_row(calendars.objects.prefetch_related("periods", "holidays").get(pk=calendar_id))
    days = [FIRST + timedelta(days=k) for k in range((LAST - FIRST).days + 1)]
    off = [day for day in days if calendar.is_holiday(day)]
    dues = [
        sla.add_business_minutes(start=datetime.combine(day, time(10), TEHRAN), minutes=3 * 8 * 60, calendar=calendar)
        for day in days
    ]
    return off, dues


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_one_day_rows_of_a_holiday_become_runs_and_back_with_the_same_sla_maths():
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        calendars, holidays = old.get_model("customers", "BusinessCalendar"), old.get_model("customers", "Holiday")
        calendar = calendars.objects.create(name="Tehran", time_zone="Asia/Tehran")
        periods = old.get_model("customers", "WorkingPeriod").objects
        for weekday in (5, 6, 0, 1, 2):  # Saturday to Wednesday
            periods.create(calendar=calendar, weekday=weekday, start=time(8), end=time(16))
        other = calendars.objects.create(name="Mashhad", time_zone="Asia/Tehran")
        other_nowruz = holidays.objects.create(calendar=other, name="Nowruz", recurrence="jalali", month=1, day=5)
        ids = {}
        for name, recurrence, day in ROWS:
            where = {"date": day} if recurrence == "once" else {"month": day[0], "day": day[1]}
            row = holidays.objects.create(calendar=calendar, name=name, recurrence=recurrence, **where)
            ids.setdefault((name, recurrence, day), row.pk)
        one_day_rows = _rows(holidays, calendar.pk)
        before = _sla_figures(calendars, calendar.pk)
        assert before[0], "the calendar has days off"
    finally:
        _migrate()
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    calendars, holidays = new.get_model("customers", "BusinessCalendar"), new.get_model("customers", "Holiday")
    assert _sla_figures(calendars, calendar.pk) == before
    assert _rows(holidays, calendar.pk) == Counter(RUNS)
    for name, recurrence, day, _ in RUNS - {("Nowruz", "jalali", (1, 2), 1)}:
        assert ids[(name, recurrence, day)] in set(holidays.objects.values_list("pk", flat=True)), name
    nowruz = holidays.objects.get(pk=ids[("Nowruz", "jalali", (1, 1))])
    assert (nowruz.month, nowruz.day, nowruz.days) == (1, 1, 4)
    assert holidays.objects.get(calendar_id=other.pk).pk == other_nowruz.pk  # another calendar's Nowruz stays

    _migrate(BEFORE)
    try:
        assert _rows(holidays, calendar.pk) == one_day_rows
        assert holidays.objects.get(pk=ids[("Nowruz", "jalali", (1, 1))]).days == 1
        assert _sla_figures(calendars, calendar.pk) == before
    finally:
        _migrate()


def test_a_yearly_day_is_followed_by_the_day_the_migration_names_in_every_year():
    """The frozen month lengths against the real calendars: where the migration names a next day, every
    year has both days one after the other; where it names none, some year disagrees."""
    for recurrence, years in (("gregorian", range(1990, 2060)), ("jalali", range(1370, 1440))):
        for month in range(1, 13):
            for day in range(1, 32):
                followers = set()
                for year in years:
                    try:
                        if recurrence == "jalali":
                            today = jdatetime.date(year, month, day)
                            tomorrow = today + timedelta(days=1)
                        else:
                            today = date(year, month, day)
                            tomorrow = today + timedelta(days=1)
                    except ValueError:
                        followers.add(None)  # a year without the day
                        continue
                    followers.add((tomorrow.month, tomorrow.day))
                named = migration.next_day(recurrence, (month, day))
                if named is None:  # a year lacks the day, or the next day differs between years
                    assert None in followers or len(followers) > 1, (recurrence, month, day)
                else:
                    assert followers == {named}, (recurrence, month, day)


def test_dated_days_follow_each_other_across_month_and_year_ends():
    assert migration.next_day("once", date(2024, 12, 31)) == date(2025, 1, 1)
    assert migration.next_day("once", date(2024, 2, 28)) == date(2024, 2, 29)
    assert migration.next_day("once", date(2025, 2, 28)) == date(2025, 3, 1)
    assert migration.next_day("once", date.max) is None
