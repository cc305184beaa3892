"""Holidays kept as one row per day (every holiday before Holiday.days, 0018) become runs: per calendar,
rows of the same holiday (same name, same Persian name, same recurrence) on consecutive days are one
row whose `days` is the run's length, with the id of the run's first day. Going back splits every run
into one-day rows again, the first keeping its id.

"Consecutive" must hold in every year, or the SLA maths would change: a yearly day is followed by a
fixed next day only where the month's length never changes. 28 February is followed by 29 February
in leap years and by 1 March otherwise, and 29 February exists only in leap years (the maths skip it
in other years, tickets.sla.business_time._run_days_in_year); 29 and 30 Esfand likewise. So rows on
those days stay apart from the next day's, and each row still covers the same days in every year.
Dated rows follow each other across month and year ends. Month lengths are frozen here (a migration
never imports code that may change later).

The history table (HistoricalHoliday) is left as it was: it records what admins did, not this.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import migrations

ONCE = "once"
JALALI = "jalali"
MAX_DAYS = 366  # customers.models.calendars.HOLIDAY_MAX_DAYS, the database's check
SHORTEST = {
    "gregorian": (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
    JALALI: (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29),
}
LONGEST = {
    "gregorian": (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
    JALALI: (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30),
}


def start_of(row):
    """A row's first day: a date, or a yearly (month, day)."""
    return row.date if row.recurrence == ONCE else (row.month, row.day)


def next_day(recurrence: str, day):
    """The day after `day` in every year, or None when that depends on the year (or the row is not valid)."""
    if recurrence == ONCE:
        return day + timedelta(days=1) if isinstance(day, date) and day < date.max else None
    month, number = day
    if recurrence not in SHORTEST or month is None or number is None or not 1 <= month <= 12 or number < 1:
        return None
    shortest, longest = SHORTEST[recurrence][month - 1], LONGEST[recurrence][month - 1]
    if number < shortest:
        return month, number + 1
    if number == shortest == longest:
        return month % 12 + 1, 1
    return None


def leap_next_day(recurrence: str, day):
    """The day after `day` as a leap year counts it: the way back splits a run entered across 29 February
    or 29 Esfand (never one made here) as in a leap year, the only way that names each of its days."""
    following = next_day(recurrence, day)
    if following is not None or recurrence == ONCE:
        return following
    month, number = day
    return (month, number + 1) if number < LONGEST[recurrence][month - 1] else (month % 12 + 1, 1)


def last_day(recurrence: str, first, days: int):
    """The last day of a run of `days` from `first`, or None when it differs between years."""
    day = first
    for _ in range(days - 1):
        day = next_day(recurrence, day)
        if day is None:
            return None
    return day


def runs_of(rows: list, recurrence: str) -> list[list]:
    """The rows of one holiday as runs, each row's first day the day after the run's last day so far.

    A run starts at a row no other row leads to (then at any row left, in the order of their days);
    of rows on the same day (duplicates) the lowest id joins a run, the others stay rows of their own.
    """
    rows = sorted(rows, key=lambda row: (start_of(row), row.pk))
    by_day = defaultdict(list)
    for row in rows:
        by_day[start_of(row)].append(row)
    led_to = {next_day(recurrence, end) for row in rows if (end := last_day(recurrence, start_of(row), row.days))}
    used: set[int] = set()
    runs = []
    for first in sorted(rows, key=lambda row: start_of(row) in led_to):  # stable: still in order of days
        if first.pk in used:
            continue
        used.add(first.pk)
        run, total = [first], first.days
        end = last_day(recurrence, start_of(first), first.days)
        while end is not None and (following := next_day(recurrence, end)) is not None:
            candidates = [row for row in by_day.get(following, ()) if row.pk not in used]
            if not candidates or total + candidates[0].days > MAX_DAYS:
                break
            row = candidates[0]
            used.add(row.pk)
            run.append(row)
            total += row.days
            end = last_day(recurrence, following, row.days)
        runs.append(run)
    return runs


def merge_runs(apps, schema_editor):
    Holiday = apps.get_model("customers", "Holiday")
    groups = defaultdict(list)
    for row in Holiday.objects.order_by("pk"):
        groups[(row.calendar_id, row.recurrence, row.name, row.name_fa)].append(row)
    merged: list[int] = []
    for (_, recurrence, _, _), rows in groups.items():
        for first, *rest in runs_of(rows, recurrence):
            if rest:
                Holiday.objects.filter(pk=first.pk).update(days=first.days + sum(row.days for row in rest))
                merged += [row.pk for row in rest]
    Holiday.objects.filter(pk__in=merged).delete()


def split_runs(apps, schema_editor):
    Holiday = apps.get_model("customers", "Holiday")
    days = []
    for run in Holiday.objects.filter(days__gt=1).order_by("pk"):
        day = start_of(run)
        for _ in range(run.days - 1):
            day = leap_next_day(run.recurrence, day)
            if day is None:  # past the last date there is
                break
            where = {"date": day} if run.recurrence == ONCE else {"month": day[0], "day": day[1]}
            fields = {"calendar_id": run.calendar_id, "name": run.name, "name_fa": run.name_fa}
            days.append(Holiday(recurrence=run.recurrence, days=1, **fields, **where))
    Holiday.objects.bulk_create(days, batch_size=1000)
    Holiday.objects.filter(days__gt=1).update(days=1)


class Migration(migrations.Migration):
    dependencies = [("customers", "0018_holiday_days")]

    operations = [migrations.RunPython(merge_runs, split_runs)]
