"""Dates in Django's admin as every other page shows them: Jalali with Persian digits in fa (and numbers,
whole or decimal, in Persian digits, with the Persian decimal separator).

Django's admin writes a date, wherever it shows one (change lists, read-only fields on change pages,
values of list_display callables), through django.contrib.admin.utils.display_for_field and
display_for_value, which use the Gregorian calendar; no ModelAdmin hook reaches them. `install()`
(HelpdeskConfig.ready) wraps those two functions once, so every admin of ours and of third-party apps
(two-factor devices, history) follows helpdesk.dates; other languages keep Django's own output.

Editable dates and moments (change forms, inlines, list_editable) are typed in the reader's calendar:
`install()` makes helpdesk.calendar_dates' fields the admin's defaults for every DateField and
DateTimeField (FORMFIELD_FOR_DBFIELD_DEFAULTS, which each ModelAdmin copies when it is registered:
helpdesk is the first app, so its ready() runs before the admin's autodiscovery). A Persian page gets
a Jalali text box with the Jalali picker, an English one the browser's date box (as every date box of
the site: Django's own calendar is Gregorian whatever the language). A field named
`time_zone` becomes a picker of the zones named in the reader's language (helpdesk.time_zones).

The date hierarchy above a change list (date_hierarchy) goes by Jalali years, months and days in fa: its
links carry Jalali numbers (?created_at__year=1405&created_at__month=1), which ChangeList.get_filters
reads as the Gregorian range they span.
"""

import datetime
from decimal import Decimal

import jdatetime
from django import forms
from django.contrib.admin import helpers, options, utils, widgets
from django.contrib.admin.options import BaseModelAdmin, IncorrectLookupParameters
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from . import dates
from .calendar_dates import CalendarDateField, CalendarDateInput, CalendarSplitDateTimeField, in_persian
from .time_zones import TimeZoneField

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
    if translation.get_language() == "fa" and not getattr(field, "flatchoices", None):
        if isinstance(field, models.DateField | models.TimeField) and (shown := _persian(value)) is not None:
            return shown
        if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField) and value is not None:
            # Django writes "12000.00" or "10"; a Persian page writes "۱۲۰۰۰٫۰۰", "۱۰" (dates.local_number).
            return dates.local_number(_django_display_for_field(value, field, empty_value_display, avoid_link))
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    if not boolean and translation.get_language() == "fa":
        if (shown := _persian(value)) is not None:
            return shown
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):  # a count a column adds
            return dates.local_number(_django_display_for_value(value, empty_value_display, boolean))
    return _django_display_for_value(value, empty_value_display, boolean)


_PARTS = ("year", "month", "day")
_django_get_filters = ChangeList.get_filters
_django_date_hierarchy = admin_list.date_hierarchy


def _in_persian(changelist) -> bool:
    return bool(changelist.date_hierarchy) and translation.get_language() == "fa"


def _jalali_range(year: int, month: int | None, day: int | None) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments a Jalali year, month or day spans, from its first moment up to the next one's."""
    start = jdatetime.date(year, month or 1, day or 1)
    if day:
        end = start + datetime.timedelta(days=1)
    elif month:
        end = jdatetime.date(year + month // 12, month % 12 + 1, 1)
    else:
        end = jdatetime.date(year + 1, 1, 1)
    moments = [datetime.datetime.combine(d.togregorian(), datetime.time()) for d in (start, end)]
    if timezone.is_aware(timezone.now()):
        moments = [timezone.make_aware(moment) for moment in moments]
    return moments[0], moments[1]


def get_filters(self, request):
    """Django's, with the date hierarchy's year, month and day read as Jalali in fa."""
    if not _in_persian(self):
        return _django_get_filters(self, request)
    keys = [f"{self.date_hierarchy}__{part}" for part in _PARTS]
    chosen = {key: self.filter_params.pop(key) for key in keys if key in self.filter_params}
    try:
        filter_specs, has_filters, lookup_params, duplicates, active = _django_get_filters(self, request)
    finally:
        self.filter_params.update(chosen)
    if keys[0] in chosen:
        try:
            year, month, day = (int(chosen[key][-1]) if key in chosen else None for key in keys)
            start, end = _jalali_range(year, month, day)
        except (TypeError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        lookup_params.update({f"{self.date_hierarchy}__gte": [start], f"{self.date_hierarchy}__lt": [end]})
    return filter_specs, has_filters, lookup_params, duplicates, active


def _month(day: jdatetime.date) -> str:
    return f"{jdatetime.date.j_months_fa[day.month - 1]} {dates.persian_digits(str(day.year))}"


def _day(day: jdatetime.date) -> str:
    return f"{dates.persian_digits(str(day.day))} {jdatetime.date.j_months_fa[day.month - 1]}"


def date_hierarchy(changelist):
    """Django's date hierarchy links, in Jalali years, months and days in fa (one query: the days)."""
    if not _in_persian(changelist):
        return _django_date_hierarchy(changelist)
    name = changelist.date_hierarchy
    field = utils.get_fields_from_path(changelist.model, name)[-1]
    kind = "datetimes" if isinstance(field, models.DateTimeField) else "dates"
    days = sorted({jdatetime.date.fromgregorian(date=d) for d in getattr(changelist.queryset, kind)(name, "day")})
    keys = [f"{name}__{part}" for part in _PARTS]
    year, month, day = (changelist.params.get(key) for key in keys)
    if not year and days and days[0].year == days[-1].year:  # start where the rows are: one year, or a month
        year = days[0].year
        month = days[0].month if days[0].month == days[-1].month else None

    def link(*values):
        return changelist.get_query_string(dict(zip(keys, values, strict=False)), [f"{name}__"])

    if year and month and day:
        chosen = jdatetime.date(int(year), int(month), int(day))
        back = {"link": link(year, month), "title": _month(chosen)}
        return {"show": True, "back": back, "choices": [{"title": _day(chosen)}]}
    if year and month:
        back = {"link": link(year), "title": dates.persian_digits(str(year))}
        choices = [{"link": link(year, month, d.day), "title": _day(d)} for d in days]
        return {"show": True, "back": back, "choices": choices}
    if year:
        months = sorted({d.replace(day=1) for d in days})
        choices = [{"link": link(year, m.month), "title": _month(m)} for m in months]
        return {"show": True, "back": {"link": link(), "title": capfirst(gettext("All dates"))}, "choices": choices}
    years = sorted({d.year for d in days})
    choices = [{"link": link(y), "title": dates.persian_digits(str(y))} for y in years]
    return {"show": True, "back": None, "choices": choices}


class AdminCalendarTimeInput(widgets.BaseAdminTimeWidget):
    """Django's admin time box, its time in Persian digits on a Persian page (CalendarTimeField reads them)."""

    def format_value(self, value):
        text = super().format_value(value)
        return dates.persian_digits(text) if text and in_persian() else text


class AdminCalendarSplitDateTime(widgets.AdminSplitDateTime):
    """Django's admin date-and-time boxes, with the date in the reader's calendar."""

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, [CalendarDateInput, AdminCalendarTimeInput], attrs)


_django_formfield_for_dbfield = BaseModelAdmin.formfield_for_dbfield


def formfield_for_dbfield(self, db_field, request, **kwargs):
    """Django's, with a `time_zone` text field drawn as the zone picker in the reader's language."""
    if db_field.name == "time_zone" and isinstance(db_field, models.CharField) and not db_field.choices:
        defaults = {
            "required": not db_field.blank,
            "blank": "---------" if db_field.blank else None,
            "label": capfirst(db_field.verbose_name),
            "help_text": db_field.help_text,
        }
        for key in ("widget", "form_class", "localize"):  # the admin's text box for a CharField
            kwargs.pop(key, None)
        return TimeZoneField(**{**defaults, **kwargs})
    return _django_formfield_for_dbfield(self, db_field, request, **kwargs)


def install() -> None:
    """Route the admin's date display, date boxes, date hierarchy and time zone fields through this
    module (idempotent)."""
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField] = {
        "form_class": CalendarDateField,
        "widget": CalendarDateInput,
    }
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField] = {
        "form_class": CalendarSplitDateTimeField,
        "widget": AdminCalendarSplitDateTime,
    }
    BaseModelAdmin.formfield_for_dbfield = formfield_for_dbfield
    for module in (utils, admin_list):
        module.display_for_field = display_for_field
        module.display_for_value = display_for_value
    helpers.display_for_field = display_for_field
    ChangeList.get_filters = get_filters
    admin_list.date_hierarchy = date_hierarchy
