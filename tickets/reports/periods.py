"""Time buckets: the database counts per day in the site's time zone; days are summed into weeks or
months here (a few hundred day rows, never tickets), because the buckets follow the reader's calendar:
in Persian a week starts on Saturday and a month is a Jalali month, in English weeks start on Monday.
"""

from collections.abc import Iterable
from datetime import date, timedelta

import jdatetime
from django.utils import formats, translation

from helpdesk import dates
from tickets.reports.base import Period


def _persian() -> bool:
    return (translation.get_language() or "").startswith("fa")


def bucket_start(day: date, bucket: str) -> date:
    """The first day of the bucket `day` falls in."""
    persian = _persian()
    if bucket == "week":
        first_weekday = 5 if persian else 0  # Saturday / Monday
        return day - timedelta(days=(day.weekday() - first_weekday) % 7)
    if bucket == "month":
        if persian:
            jalali = jdatetime.date.fromgregorian(date=day)
            return jdatetime.date(jalali.year, jalali.month, 1).togregorian()
        return day.replace(day=1)
    return day


def _next_start(start: date, bucket: str) -> date:
    if bucket == "week":
        return start + timedelta(days=7)
    if bucket == "month":
        return bucket_start(start + timedelta(days=32), "month")
    return start + timedelta(days=1)


def period_label(start: date, bucket: str) -> str:
    persian = _persian()
    if bucket == "month":
        if persian:
            jalali = jdatetime.date.fromgregorian(date=start)
            return f"{jdatetime.date.j_months_fa[jalali.month - 1]} {dates.persian_digits(str(jalali.year))}"
        return formats.date_format(start, "F Y")
    return dates.format_date(start, "fa" if persian else "en")


def short_label(start: date, bucket: str) -> str:
    """A bucket on a chart's axis: the day and month ("Nov 5", "۰۹/۱۴"), a month as its label."""
    if bucket == "month":
        return period_label(start, bucket)
    if _persian():
        return dates.persian_digits(jdatetime.date.fromgregorian(date=start).strftime("%m/%d"))
    return formats.date_format(start, "M j")


def periods(first: date, last: date, bucket: str) -> list[Period]:
    """Every bucket from the one holding `first` to the one holding `last`, empty ones included; the
    first one is labelled from `first` (a week that began before the report is shown from its start)."""
    found, start = [], bucket_start(first, bucket)
    while start <= last:
        shown = max(start, first)
        label, short = period_label(shown, bucket), short_label(shown, bucket)
        found.append(Period(start=start, label=label, short=short, first_day=shown))
        start = _next_start(start, bucket)
    return found


def sum_by_period(rows: Iterable[tuple[date, str, int]], bucket: str) -> dict[tuple[date, str], int]:
    """(day, series, count) rows summed into (bucket start, series)."""
    totals: dict[tuple[date, str], int] = {}
    for day, series, count in rows:
        key = (bucket_start(day, bucket), series)
        totals[key] = totals.get(key, 0) + count
    return totals
