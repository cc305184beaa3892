"""Durations as agents type them: "90" (minutes), "1:30" (hours:minutes), in Latin or Persian digits."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from helpdesk.text import latin_digits
from tickets.models import MAX_ENTRY_MINUTES

_MINUTES = re.compile(r"^\d{1,9}$")  # a longer number is refused for its size (parse_minutes)
_HOURS_MINUTES = re.compile(r"^(\d{1,2})\s*[:٫.]\s*(\d{2})$")


def read_minutes(value: str | int | None) -> int | None:
    """Minutes from "90", "1:30" (hours:minutes; "1.30" and "۱٫۳۰" too) or "۱:۳۰", a number as it is;
    None when empty. ValidationError naming the accepted forms for anything else ("abc", "-5", "1.5",
    "1:75")."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = latin_digits(str(value)).strip()
    if not text:
        return None
    if _MINUTES.match(text):
        return int(text)
    if match := _HOURS_MINUTES.match(text):
        hours, rest = int(match.group(1)), int(match.group(2))
        if rest >= 60:
            raise ValidationError(_("Minutes after the colon go up to 59, as in 1:30."), code="invalid")
        return hours * 60 + rest
    raise ValidationError(_("Type minutes (90) or hours:minutes (1:30)."), code="invalid")


def parse_minutes(value: str | int | None) -> int | None:
    """The minutes of a time entry, read as read_minutes does; None when empty. ValidationError for
    anything else, zero, or more than a day (MAX_ENTRY_MINUTES)."""
    minutes = read_minutes(value)
    if minutes is None:
        return None
    if minutes < 1:
        raise ValidationError(_("Log at least one minute."), code="min_value")
    if minutes > MAX_ENTRY_MINUTES:
        raise ValidationError(_("One entry is at most 24 hours; log longer work as several entries."), code="max_value")
    return minutes


def format_minutes(minutes: int | None) -> str:
    """Minutes as hours:minutes ("1:30", "0:45", "12:00"), Latin digits (templates localise them)."""
    minutes = int(minutes or 0)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"
