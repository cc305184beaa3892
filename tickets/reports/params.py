"""A report's parameters as typed on its page or sent to the API: one form for both.

Dates: in Persian a date is typed and shown in the Jalali calendar (year/month/day, Persian or Latin
digits); a year the Jalali calendar cannot mean (1900 on) is read as a Gregorian ISO date, so a link
made in English opens the same range in Persian. In English dates are ISO (YYYY-MM-DD). The range
is whole days in the site's time zone (TIME_ZONE), the same for every reader.
"""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from helpdesk import dates
from helpdesk.calendar_dates import CalendarDateInput
from helpdesk.text import latin_digits
from helpdesk.widgets import FastSelect
from tickets.reports.base import Report, ReportParams
from tickets.reports.dimensions import DIMENSIONS

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
GREGORIAN_YEARS = range(1900, 2200)
BUCKETS = [("week", _("Week")), ("day", _("Day")), ("month", _("Month"))]  # the first is the default


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _persian() -> bool:
    return (translation.get_language() or "").startswith("fa")


class ReportDateField(forms.DateField):
    """A date: Jalali (any digits) in Persian, ISO in English; years outside 1900-2199 refused.

    Drawn as every date box is (helpdesk.calendar_dates.CalendarDateInput: the Jalali picker in Persian,
    the browser's date box in English); unlike a contract's dates, an ISO date from a shared link is
    still read on a Persian page."""

    widget = CalendarDateInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = latin_digits(value).strip()
            if value and _persian():
                try:
                    return dates.parse_jalali_date(value)
                except ValueError:
                    pass  # not a Jalali date: perhaps an ISO date from a shared link
        result = super().to_python(value)
        if result is not None and result.year not in GREGORIAN_YEARS:
            raise forms.ValidationError(self._bad_date_message(), code="invalid")
        return result

    def _bad_date_message(self):
        if _persian():
            return _("Type the date in the Jalali calendar (year/month/day), for example 1404/01/01.")
        return _("Type the date as year-month-day, for example 2026-03-21.")

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as exc:
            if exc.code == "invalid":
                raise forms.ValidationError(self._bad_date_message(), code="invalid") from exc
            raise


ABOUT = [("product", _("Product")), ("category", _("Category"))]


class ReportForm(forms.Form):
    start = ReportDateField(label=_("From"))
    end = ReportDateField(label=_("Until"))

    def __init__(self, data=None, *, report: Report):
        super().__init__(data)
        self.report = report
        if "bucket" in report.options:
            self.fields["bucket"] = forms.ChoiceField(
                label=_("Per"), required=False, choices=BUCKETS, widget=FastSelect
            )
        if report.group_by:
            choices = [(key, DIMENSIONS[key].label) for key in report.group_by]
            self.fields["group_by"] = forms.ChoiceField(
                label=_("Group by"), required=False, choices=choices, widget=FastSelect
            )
        if "days" in report.options:
            self.fields["days"] = forms.IntegerField(
                label=_("Came back within (days)"), required=False, min_value=1, max_value=365
            )
        if "about" in report.options:
            self.fields["about"] = forms.ChoiceField(
                label=_("About the same"), required=False, choices=ABOUT, widget=FastSelect
            )
        for key in report.filters:
            dimension = DIMENSIONS[key]
            self.fields[key] = forms.ChoiceField(
                label=str(dimension.label),
                required=False,
                choices=[("", str(_("All"))), *dimension.choices()],
                widget=FastSelect,
            )

    # the range, always in sight; the rest (grouping, filters) folds away on a phone (report.html)
    RANGE = ("start", "end")

    def range_fields(self) -> list:
        return [self[name] for name in self.RANGE]

    def folded_fields(self) -> list:
        return [field for field in self if field.name not in self.RANGE]

    def folded_choices(self) -> list[tuple[str, str]]:
        """(label, chosen) of each folded field set to other than its default (a choice's first, an empty
        box): what the fold's summary says it holds while folded ("Per: Month", "Team: First line")."""
        chosen = []
        for field in self.folded_fields():
            value = self.data.get(field.name)
            if value in (None, "") or field.name in self.errors:
                continue
            choices = getattr(field.field, "choices", None)
            if choices is None:  # a number of days
                chosen.append((str(field.label), dates.local_number(value)))
            elif value != str(choices[0][0]):
                chosen.append((str(field.label), str(dict(choices).get(value, value))))
        return chosen

    def folded_open(self) -> bool:
        """Whether the folded fields show unfolded: one of them was refused, or a filter narrows the report."""
        return any(name not in self.RANGE for name in self.errors) or any(
            self.data.get(key) for key in self.report.filters
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        today = timezone.now().astimezone(site_zone()).date()
        data["start"] = data.get("start") or today - timedelta(days=DEFAULT_DAYS)
        data["end"] = data.get("end") or today
        if data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date must not be before the start date."))
        if (data["end"] - data["start"]).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose a range of at most three years."))
        # The page shows the range as read: in the reader's calendar and digits, defaults filled in.
        shown = dict(self.data.items())
        for name in ("start", "end"):
            shown[name] = self.fields[name].prepare_value(data[name])
        self.data = shown
        return data

    def params(self, *, user, now: datetime | None = None) -> ReportParams:
        """The validated form as the report's parameters (call after is_valid())."""
        data, zone = self.cleaned_data, site_zone()
        report = self.report
        return ReportParams(
            user=user,
            start=datetime.combine(data["start"], time.min, tzinfo=zone),
            end=datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=zone),
            now=now or timezone.now(),
            filters={key: data[key] for key in report.filters if data.get(key)},
            bucket=data.get("bucket") or "week",
            group_by=data.get("group_by") or report.default_group,
            days=data.get("days") or 7,
            about=data.get("about") or "product",
        )
