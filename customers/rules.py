"""Validation rules for customers' configuration, shared by the services and the admin forms.

Each rule is a pure function returning messages (never raising), so a service can gather them into
one `ValidationError` keyed by field and an admin form or formset can show them where they belong.
"""

import functools
import re
import zoneinfo
from collections.abc import Iterable
from datetime import date, time
from typing import Any

from django.utils.translation import gettext as _

from .models import EscalationStep, Holiday, WorkingPeriod

# A host name of dot-separated labels; the last one is not all digits (no bare IP addresses).
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
_GREGORIAN_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29 Feb recurs in leap years


def normalize_domain(domain: str) -> str:
    """`@Example.COM ` → `example.com`: how a claimed email domain is stored and compared."""
    return domain.strip().lstrip("@").strip().lower().rstrip(".")


def domain_error(domain: str) -> str | None:
    if not _DOMAIN.match(domain):
        return _("“%(domain)s” is not a valid email domain.") % {"domain": domain}
    return None


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the tz database from disk: once


def time_zone_error(name: str) -> str | None:
    if name not in _time_zones():
        return _("“%(name)s” is not a known time zone.") % {"name": name}
    return None


def _weekday_label(weekday: int) -> str:
    return str(WorkingPeriod.Weekday(weekday).label)


def period_errors(periods: Iterable[tuple[int, time, time]]) -> list[str]:
    """Each period ends after it starts; periods of one weekday do not overlap (touching is fine)."""
    errors = []
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in periods:
        if end <= start:
            errors.append(
                _("%(weekday)s %(start)s–%(end)s: the end must be after the start.")
                % {"weekday": _weekday_label(weekday), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
            )
            continue
        by_day.setdefault(weekday, []).append((start, end))
    for weekday, spans in sorted(by_day.items()):
        spans.sort()
        for (start_a, end_a), (start_b, end_b) in zip(spans, spans[1:], strict=False):
            if start_b < end_a:
                errors.append(
                    _("%(weekday)s: %(first)s overlaps %(second)s.")
                    % {
                        "weekday": _weekday_label(weekday),
                        "first": f"{start_a:%H:%M}–{end_a:%H:%M}",
                        "second": f"{start_b:%H:%M}–{end_b:%H:%M}",
                    }
                )
    return errors


def holiday_errors(*, recurrence: str, day_date: date | None, month: int | None, day: int | None) -> dict[str, str]:
    """A one-off holiday needs a date; a yearly one a month and a day that exist in its calendar."""
    if recurrence == Holiday.Recurrence.ONCE:
        return {} if day_date is not None else {"date": _("A one-off holiday needs a date.")}
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


def target_errors(minutes: dict[str, int | None]) -> dict[str, str]:
    """Every target given is a positive number of minutes (empty means no target)."""
    return {
        field: _("A target must be at least one minute; leave it empty for no target.")
        for field, value in minutes.items()
        if value is not None and value <= 0
    }


def step_errors(*, action: str, team: Any, user: Any) -> dict[str, str]:
    """Reassigning needs a team, notifying a person needs that person."""
    if action == EscalationStep.Action.REASSIGN_TEAM and team is None:
        return {"team": _("Reassigning needs a team.")}
    if action == EscalationStep.Action.NOTIFY_USER and user is None:
        return {"user": _("Notifying a person needs the person.")}
    if user is not None and not user.is_agent:
        return {"user": _("Only agents can be notified by an escalation.")}
    return {}


def contract_errors(
    *, organization: Any, contact: Any, valid_from: date | None, valid_to: date | None
) -> dict[str, str]:
    """A contract covers an organization or a contact and ends on or after its first day."""
    errors = {}
    if organization is None and contact is None:
        errors["organization"] = _("A contract covers an organization or a contact; choose one.")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The end date cannot be before the start date.")
    return errors


def warning_errors(*, warning_percent: int | None) -> dict[str, str]:
    if warning_percent is not None and not 1 <= warning_percent <= 100:
        return {"warning_percent": _("The warning threshold is a percentage between 1 and 100.")}
    return {}
