from django import template
from django.utils import translation

from .. import dates

register = template.Library()


@register.filter
def hd_date(value):
    """A date (or the date of a moment) in the user's calendar: Jalali when the language is fa."""
    if not value:
        return ""
    return dates.format_date(value, translation.get_language() or "en")


@register.filter
def hd_datetime(value):
    """A moment in the user's time zone and calendar."""
    if not value:
        return ""
    return dates.format_datetime(value, translation.get_language() or "en")


@register.filter
def hd_number(value):
    """A number with Persian digits when the language is fa."""
    if value is None:
        return ""
    text = str(value)
    return dates.persian_digits(text) if translation.get_language() == "fa" else text
