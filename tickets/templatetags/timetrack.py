"""Durations on pages: `{{ minutes|hd_duration }}` is "1:30" (hours:minutes, Persian digits in fa),
`{{ minutes|hd_hours }}` is "12.5" hours (one decimal at most, half up as people round: 2.25 is 2.3;
Persian digits and separator in fa)."""

from django import template
from django.utils import translation

from helpdesk import dates
from helpdesk.rounding import hours_of
from tickets.timetrack.durations import format_minutes

register = template.Library()


def _fa() -> bool:
    return (translation.get_language() or "").startswith("fa")


@register.filter
def hd_duration(minutes) -> str:
    if minutes is None or minutes == "":
        return ""
    text = format_minutes(int(minutes))
    return dates.persian_digits(text) if _fa() else text


@register.filter
def hd_hours(minutes) -> str:
    if minutes is None or minutes == "":
        return ""
    hours = hours_of(int(minutes))
    text = str(int(hours)) if hours == int(hours) else str(hours)
    return dates.persian_number(text) if _fa() else text
