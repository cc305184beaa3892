"""Validation rules for customers' configuration, shared by the services and the admin forms.

Each rule is a pure function returning messages (never raising), so a service can gather them into
one `ValidationError` keyed by field and an admin form or formset can show them where they belong.
"""

import re
from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any

import jdatetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpdesk import dates
from helpdesk.dates import persian_digits
from helpdesk.models import Priority
from helpdesk.time_zones import known_time_zones

from .models import EscalationStep, Holiday, SlaTarget, WorkingPeriod
from .models.calendars import HOLIDAY_MAX_DAYS

# A host name of dot-separated labels; the last one is not all digits (no bare IP addresses).
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
_GREGORIAN_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29 Feb recurs in leap years
# Dates people type (one-off holidays, contract validity) are Gregorian dates in this range; a year
# like 1403 is a Jalali date typed by mistake.
FIRST_YEAR, LAST_YEAR = 1900, 2199
# Every due time must fall within this many days of working time. The SLA maths search 1,098 days
# (tickets.sla.clock.SEARCH_HORIZON): the extra year absorbs holidays added later and DST hours.
PLANNING_DAYS = 730
# The digits a phone number needs (leading zeros aside) to name a caller: contact_find looks nobody up by
# fewer, and find-or-create without an address refuses fewer (phone_number_error).
PHONE_MIN_DIGITS = 5


def normalize_domain(domain: str) -> str:
    """`@Example.COM ` → `example.com`: how a claimed email domain is stored and compared."""
    return domain.strip().lstrip("@").strip().lower().rstrip(".")


def domain_error(domain: str) -> str | None:
    if not _DOMAIN.match(domain):
        return _("“%(domain)s” is not a valid email domain.") % {"domain": domain}
    return None


def phone_number_error(digits: str) -> str | None:
    """Why a number cannot name a contact who has no email address: its digits (Persian digits folded,
    customers.services.phone_digits) are fewer than PHONE_MIN_DIGITS after any leading zeros."""
    if len(digits.lstrip("0")) >= PHONE_MIN_DIGITS:
        return None
    count = persian_digits(str(PHONE_MIN_DIGITS)) if get_language() == "fa" else str(PHONE_MIN_DIGITS)
    return _("This phone number is too short: a number needs at least %(count)s digits.") % {"count": count}


def time_zone_error(name: str) -> str | None:
    if name not in known_time_zones():
        return _("“%(name)s” is not a known time zone.") % {"name": name}
    return None


def _weekday_label(weekday: int) -> str:
    return str(WorkingPeriod.Weekday(weekday).label)


def _minutes(value: time) -> float:
    return value.hour * 60 + value.minute + value.second / 60 + value.microsecond / 60_000_000


def period_minutes(start: time, end: time) -> tuple[float, float]:
    """A period as minutes since midnight; an end of 00:00 is midnight at the end of the day (1440)."""
    return _minutes(start), _minutes(end) or 1440


def period_label(start: time, end: time) -> str:
    return f"{start:%H:%M}–{'24:00' if end == time(0) else f'{end:%H:%M}'}"


def period_order_error(start: time, end: time) -> str | None:
    """A period ends after it starts; 00:00 as the end means midnight, so 22:00–00:00 is fine."""
    first, last = period_minutes(start, end)
    if last > first:
        return None
    return _(
        "The end must be after the start. A shift that runs past midnight is two periods: "
        "the first ends at 24:00 (or 00:00), the next day's starts at 00:00."
    )


def period_errors(periods: Iterable[tuple[int, time, time]]) -> list[str]:
    """Each period ends after it starts; periods of one weekday do not overlap (touching is fine)."""
    errors = []
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in periods:
        if period_order_error(start, end):
            errors.append(
                _("%(weekday)s %(period)s: the end must be after the start.")
                % {"weekday": _weekday_label(weekday), "period": period_label(start, end)}
            )
            continue
        by_day.setdefault(weekday, []).append((start, end))
    for weekday, spans in sorted(by_day.items()):
        spans.sort()
        for (start_a, end_a), (start_b, end_b) in zip(spans, spans[1:], strict=False):
            if period_minutes(start_b, end_b)[0] < period_minutes(start_a, end_a)[1]:
                errors.append(
                    _("%(weekday)s: %(first)s overlaps %(second)s.")
                    % {
                        "weekday": _weekday_label(weekday),
                        "first": period_label(start_a, end_a),
                        "second": period_label(start_b, end_b),
                    }
                )
    return errors


HolidayRow = tuple[str, date | None, int | None, int | None, int]
"""A holiday as the checks read it: (recurrence, date, month, day, days)."""


def holiday_days(holidays: Iterable[HolidayRow], *, first_day: date, last_day: date) -> set[date]:
    """The days off from `first_day` to `last_day` (inclusive) that holiday rows make, each row a run of
    `days` consecutive days from its date, or from its month and day in every year of its calendar."""
    off: set[date] = set()
    for recurrence, day_date, month, day, length in holidays:
        if recurrence == Holiday.Recurrence.ONCE:
            starts: Iterable[date] = [day_date] if day_date is not None else []
        elif month is None or day is None:
            continue
        else:
            jalali = recurrence == Holiday.Recurrence.JALALI
            shift = 621 if jalali else 0  # 1 Farvardin of Jalali year Y falls in March of Y + 621
            years = range(first_day.year - shift - 2, last_day.year - shift + 1)
            starts = dates.yearly_starts(month=month, day=day, jalali=jalali, years=years)
        for start in starts:
            off.update(d for k in range(length) if first_day <= (d := start + timedelta(days=k)) <= last_day)
    return off


def working_minutes(
    *,
    always_open: bool,
    periods: Iterable[tuple[int, time, time]],
    holidays: Iterable[HolidayRow],
    first_day: date,
    days: int = PLANNING_DAYS,
) -> int:
    """Wall-clock minutes of working time in `days` days from `first_day`: weekly periods minus holidays
    (holiday_days). An always-open calendar ignores both, as the SLA maths do."""
    if always_open:
        return days * 1440
    weekly = [0.0] * 7
    for weekday, start, end in periods:
        first, last = period_minutes(start, end)
        weekly[weekday] += max(last - first, 0)
    all_days = [first_day + timedelta(days=offset) for offset in range(days)]
    off = holiday_days(holidays, first_day=first_day, last_day=all_days[-1]) if all_days else set()
    return int(sum(weekly[day.weekday()] for day in all_days if day not in off))


def holiday_length_error(days: int | None) -> str | None:
    if days is not None and 1 <= days <= HOLIDAY_MAX_DAYS:
        return None
    return dates.fill(
        _("A holiday lasts from %(first)s to %(last)s days (%(last)s is a whole year)."),
        {"first": 1, "last": HOLIDAY_MAX_DAYS},
    )


def holiday_errors(
    *, recurrence: str, day_date: date | None, month: int | None, day: int | None, days: int | None = 1
) -> dict[str, str]:
    """A holiday lasts 1 to 366 days; a one-off one needs a date, a yearly one a month and a day that
    exist in its calendar."""
    if message := holiday_length_error(days):
        return {"days": message} | holiday_errors(recurrence=recurrence, day_date=day_date, month=month, day=day)
    if recurrence == Holiday.Recurrence.ONCE:
        if day_date is None:
            return {"date": _("A one-off holiday needs a date.")}
        if message := gregorian_date_error(day_date, jalali_field=True):
            return {"date": message}
        return {}
    if recurrence not in Holiday.Recurrence.values:
        return {"recurrence": _("Unknown recurrence.")}
    errors: dict[str, str] = {}
    if month is None:
        errors["month"] = _("A yearly holiday needs a month.")
    elif not 1 <= month <= 12:
        errors["month"] = _("The month must be between 1 and 12.")
    if day is None:
        errors["day"] = _("A yearly holiday needs a day.")
    elif errors.get("month") is None and month is not None:
        if recurrence == Holiday.Recurrence.JALALI:
            # Jalali months 1–6 have 31 days, 7–11 have 30, Esfand 29 (30 in leap years).
            longest = 31 if month <= 6 else 30
        else:
            longest = _GREGORIAN_MONTH_DAYS[month - 1]
        if not 1 <= day <= longest:
            errors["day"] = _("Month %(month)s has no day %(day)s.") % {"month": month, "day": day}
    return errors


def gregorian_date_error(day_date: date, *, jalali_field: bool = False) -> str | None:
    """Every date a person types here (a one-off holiday, a contract's validity) is Gregorian, from 1900
    to 2199; a Jalali date typed as one is named as such, with the Gregorian date it means.
    `jalali_field`: the date may also be given as a Jalali one (a holiday's jalali_date), and the
    message says how."""
    if FIRST_YEAR <= day_date.year <= LAST_YEAR:
        return None
    try:
        meant = jdatetime.date(day_date.year, day_date.month, day_date.day).togregorian()
    except ValueError:
        meant = None
    values = {"date": day_date.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR}
    if meant is not None and FIRST_YEAR <= meant.year <= LAST_YEAR:
        values["gregorian"] = meant.isoformat()
        if jalali_field:
            message = _(
                "“%(date)s” looks like a Jalali date, but this date is Gregorian: %(date)s in the Jalali calendar "
                "is %(gregorian)s. Enter the Gregorian date, or give the date as a Jalali one "
                "(the API's jalali_date field, or the admin in Persian)."
            )
        else:
            message = _(
                "“%(date)s” looks like a Jalali date, but this date is Gregorian: %(date)s in the Jalali calendar "
                "is %(gregorian)s. Enter the Gregorian date, or type it as a Jalali one in the admin in Persian."
            )
        return message % values
    return _("“%(date)s” is not a plausible date: dates are Gregorian, from %(first)s to %(last)s.") % values


def target_errors(minutes: dict[str, int | None]) -> dict[str, str]:
    """Every target given is a positive number of minutes (empty means no target), and the resolution
    target is not sooner than the first response target (both counted from the ticket's creation)."""
    errors = {
        field: _("A target must be at least one minute; leave it empty for no target.")
        for field, value in minutes.items()
        if value is not None and value <= 0
    }
    first, resolution = minutes.get("first_response_minutes"), minutes.get("resolution_minutes")
    if not errors and first is not None and resolution is not None and resolution < first:
        errors["resolution_minutes"] = dates.fill(
            _("The resolution target must be at least the first response target (%(minutes)s minutes)."),
            {"minutes": first},
        )
    return errors


def step_errors(*, action: str, team: Any, user: Any) -> dict[str, str]:
    """Reassigning needs a team, notifying a person needs that person."""
    if action == EscalationStep.Action.REASSIGN_TEAM and team is None:
        return {"team": _("Reassigning needs a team.")}
    if action == EscalationStep.Action.NOTIFY_USER and user is None:
        return {"user": _("Notifying a person needs the person.")}
    if user is not None and not user.is_agent:
        return {"user": _("Only agents can be notified by an escalation.")}
    return {}


# What an escalation step "raise the priority" makes of a ticket's priority (urgent stays urgent).
PRIORITY_UP: dict[str, str] = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
}
RAISE_TARGET_FIELDS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")


def raise_missing(*, targets: dict[str, dict[str, Any]], priority: str) -> list[str]:
    """The targets (field names) a ticket of `priority` has in a policy (`targets`: priority -> field ->
    minutes) that the priority a raise leads to lacks: raising it would erase those clocks, and with them
    a breach. Empty when the raise keeps every target (or there is no raise from `priority`)."""
    raised = PRIORITY_UP.get(priority)
    if raised is None:
        return []
    have, after = targets.get(priority, {}), targets.get(raised, {})
    return [f for f in RAISE_TARGET_FIELDS if have.get(f) is not None and after.get(f) is None]


def raise_errors(*, targets: dict[str, dict[str, Any]], steps: Iterable[str]) -> list[str]:
    """A policy whose escalation raises the priority has, for each priority with targets, the same
    targets at the priority above (the sweep would otherwise skip the step: tickets.sla.escalation)."""
    if EscalationStep.Action.RAISE_PRIORITY not in steps:
        return []
    errors = []
    for priority in PRIORITY_UP:
        if missing := raise_missing(targets=targets, priority=priority):
            names = ", ".join(str(SlaTarget._meta.get_field(f).verbose_name) for f in missing)
            errors.append(
                _(
                    "A step raises the priority, but %(raised)s has no target for %(targets)s, which %(priority)s "
                    "has: add the %(raised)s targets, or a raised ticket would lose its SLA."
                )
                % {
                    "raised": Priority(PRIORITY_UP[priority]).label,
                    "targets": names,
                    "priority": Priority(priority).label,
                }
            )
    return errors


def contract_errors(
    *, organization: Any, contact: Any, valid_from: date | None, valid_to: date | None
) -> dict[str, str]:
    """A contract covers an organization or a contact; a contract naming both covers a contact of that
    organization (else the contact's tickets would get another customer's terms). Its dates are
    plausible Gregorian ones, and it ends on or after its first day."""
    errors = {}
    if organization is None and contact is None:
        errors["organization"] = _("A contract covers an organization or a contact; choose one.")
    elif organization is not None and contact is not None and contact.organization_id != organization.pk:
        errors["contact"] = _(
            "This contact is not in %(organization)s: choose one of its contacts, or leave the organization "
            "empty for the contact's own contract."
        ) % {"organization": organization.name}
    for field, day in (("valid_from", valid_from), ("valid_to", valid_to)):
        if day is not None and (message := gregorian_date_error(day)):
            errors[field] = message
    if "valid_to" not in errors and valid_from is not None and valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The end date cannot be before the start date.")
    return errors


def warning_errors(*, warning_percent: int | None) -> dict[str, str]:
    if warning_percent is not None and not 1 <= warning_percent <= 100:
        return {"warning_percent": _("The warning threshold is a percentage between 1 and 100.")}
    return {}
