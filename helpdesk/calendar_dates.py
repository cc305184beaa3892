"""Dates people type: in the Jalali calendar when the page speaks Persian, ISO (a browser date box) otherwise.

`CalendarDateField` reads "1404/01/01" (Persian, Arabic or Latin digits) on Persian pages and "2025-03-21"
elsewhere; a date that only fits the other calendar is refused with a clear message, never guessed.
`CalendarDateInput` draws a text box with the Jalali date picker (static/js/jalali-picker.js) on Persian
pages and the browser's own date box elsewhere. The API takes ISO dates only.
"""

from datetime import date

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import dates
from .text import latin_digits

JALALI_EXAMPLE = "۱۴۰۴/۰۱/۰۱"


def in_persian() -> bool:
    return translation.get_language() == "fa"


def jalali_text(value: date) -> str:
    """A date as a Persian page shows it in a date box: ۱۴۰۴/۰۱/۰۱."""
    return dates.persian_digits(dates.jalali_numbers(value))


class CalendarDateInput(forms.DateInput):
    """A date box in the reader's calendar: a Jalali text box with a picker in fa, <input type=date> else."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if in_persian():
            widget["type"] = "text"
            widget["attrs"] = {
                **widget["attrs"],
                "data-calendar": "jalali",
                "dir": "ltr",
                "autocomplete": "off",
                "placeholder": JALALI_EXAMPLE,
            }
        else:
            widget["type"] = "date"
        return context

    def format_value(self, value):
        if isinstance(value, date):
            return jalali_text(value) if in_persian() else value.isoformat()
        return super().format_value(value)


class CalendarDateField(forms.DateField):
    widget = CalendarDateInput

    def to_python(self, value):
        if isinstance(value, str):
            value = latin_digits(value).strip()
            if value and in_persian():
                try:
                    return dates.parse_jalali_date(value)
                except dates.NoSuchDay as exc:
                    raise forms.ValidationError(
                        _(
                            "%(date)s is not a day of the Jalali calendar: that month has fewer days (or there is no such month)."
                        ),
                        params={"date": dates.persian_digits(value)},
                        code="invalid",
                    ) from exc
                except ValueError as exc:
                    raise forms.ValidationError(
                        _("Type the date in the Jalali calendar (year/month/day), for example 1404/01/01."),
                        code="invalid",
                    ) from exc
        return super().to_python(value)


class CalendarTimeField(forms.TimeField):
    """A time of day typed in any digits (۱۴:۳۰ or 14:30)."""

    def to_python(self, value):
        return super().to_python(latin_digits(value).strip() if isinstance(value, str) else value)


class CalendarHiddenDateInput(forms.HiddenInput):
    """A hidden date (a form's initial value, to tell a change) written as the visible box writes it."""

    def format_value(self, value):
        if isinstance(value, date):
            return jalali_text(value) if in_persian() else value.isoformat()
        return super().format_value(value)


class CalendarSplitHiddenDateTime(forms.SplitHiddenDateTimeWidget):
    def __init__(self, attrs=None, **kwargs):
        super().__init__(attrs, **kwargs)
        self.widgets[0] = CalendarHiddenDateInput(attrs=attrs)


class CalendarSplitDateTimeField(forms.SplitDateTimeField):
    """A moment typed as a date in the reader's calendar (CalendarDateField) and a time of day, read in
    the active time zone, as Django's SplitDateTimeField reads it."""

    hidden_widget = CalendarSplitHiddenDateTime

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        date_field, time_field = self.fields
        self.fields = (
            CalendarDateField(error_messages=date_field.error_messages, localize=date_field.localize),
            CalendarTimeField(error_messages=time_field.error_messages, localize=time_field.localize),
        )
