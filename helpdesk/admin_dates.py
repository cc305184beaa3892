"""Dates in Django's admin as every other page shows them: Jalali with Persian digits in fa.

Django's admin writes a date, wherever it shows one (change lists, read-only fields on change pages,
values of list_display callables), through django.contrib.admin.utils.display_for_field and
display_for_value, which use the Gregorian calendar; no ModelAdmin hook reaches them. `install()`
(HelpdeskConfig.ready) wraps those two functions once, so every admin of ours and of third-party apps
(two-factor devices, history) follows helpdesk.dates; other languages keep Django's own output.
"""

import datetime

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import formats, translation

from . import dates

_django_display_for_field = utils.display_for_field
_django_display_for_value = utils.display_for_value


def _persian(value) -> str | None:
    """The value as a Persian page shows it, or None when it is no date, time or moment."""
    if isinstance(value, datetime.datetime):
        return dates.format_datetime(value, "fa")
    if isinstance(value, datetime.date):
        return dates.format_date(value, "fa")
    if isinstance(value, datetime.time):
        return dates.persian_digits(formats.time_format(value, "H:i"))
    return None


def display_for_field(value, field, empty_value_display, avoid_link=False):
    if (
        translation.get_language() == "fa"
        and isinstance(field, models.DateField | models.TimeField)
        and not getattr(field, "flatchoices", None)
        and (shown := _persian(value)) is not None
    ):
        return shown
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    if not boolean and translation.get_language() == "fa" and (shown := _persian(value)) is not None:
        return shown
    return _django_display_for_value(value, empty_value_display, boolean)


def install() -> None:
    """Route the admin's date display through this module (idempotent)."""
    for module in (utils, admin_list):
        module.display_for_field = display_for_field
        module.display_for_value = display_for_value
    helpers.display_for_field = display_for_field
