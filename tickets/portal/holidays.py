"""The holidays of a support calendar as the portal's contract page lists them."""

from dataclasses import dataclass
from datetime import date, timedelta

import jdatetime
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.models import Holiday
from helpdesk import dates

# The fewest days each month has, so "1 to 4 Farvardin" is said only of a run that stays in its month.
_JALALI_SHORTEST = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29)
_GREGORIAN_SHORTEST = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class HolidayRow:
    name: str
    when: str


def _day_month(day: int, month: int, *, jalali: bool, last_day: int | None = None) -> str:
    """ "1 Farvardin", "January 1"; with `last_day`, a run of days: "1 to 4 Farvardin", "January 1 to 3"."""
    fa = translation.get_language() == "fa"
    if jalali:
        name = (jdatetime.date.j_months_fa if fa else jdatetime.date.j_months_en)[month - 1]
    else:
        name = str(MONTHS[month])
    days = dates.local_number(day)
    if last_day is not None:
        days = _("%(first)s to %(last)s") % {"first": days, "last": dates.local_number(last_day)}
    return f"{days} {name}" if fa or jalali else f"{name} {days}"


def _yearly_text(group: list[Holiday]) -> str:
    """A yearly run in words: "1 to 4 Farvardin" within a month, else "3 days from 29 Esfand"."""
    first, last = group[0], group[-1]
    jalali = first.recurrence == Holiday.Recurrence.JALALI
    end = last.day + last.days - 1
    shortest = (_JALALI_SHORTEST if jalali else _GREGORIAN_SHORTEST)[first.month - 1]
    if end == first.day or end <= shortest:
        when = _day_month(first.day, first.month, jalali=jalali, last_day=end if end > first.day else None)
    else:
        count = end - first.day + 1
        when = dates.fill(
            ngettext("%(count)s day from %(date)s", "%(count)s days from %(date)s", count),
            {"count": count, "date": _day_month(first.day, first.month, jalali=jalali)},
        )
    return (_("every year, %(date)s (Persian calendar)") if jalali else _("every year, %(date)s")) % {"date": when}


def holiday_rows(holidays: list[Holiday], *, today: date) -> list[HolidayRow]:
    """Yearly holidays first (consecutive runs of one name grouped), then one-off runs not yet over."""
    language = translation.get_language() or "en"
    yearly = sorted(
        (h for h in holidays if h.recurrence != Holiday.Recurrence.ONCE),
        key=lambda h: (h.recurrence != Holiday.Recurrence.JALALI, h.month, h.day),
    )
    groups: list[list[Holiday]] = []
    for holiday in yearly:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and (last.name, last.recurrence, last.month) == (holiday.name, holiday.recurrence, holiday.month)
            and last.day + last.days == holiday.day
        ):
            groups[-1].append(holiday)
        else:
            groups.append([holiday])
    rows = [HolidayRow(group[0].display_name, _yearly_text(group)) for group in groups]
    for holiday in sorted((h for h in holidays if h.recurrence == Holiday.Recurrence.ONCE), key=lambda h: h.date):
        end = holiday.date + timedelta(days=holiday.days - 1)
        if end < today:
            continue
        when = dates.format_date(holiday.date, language)
        if end > holiday.date:
            when = _("%(first)s to %(last)s") % {"first": when, "last": dates.format_date(end, language)}
        rows.append(HolidayRow(holiday.display_name, when))
    return rows
