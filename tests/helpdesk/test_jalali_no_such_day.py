"""A Jalali date written right but naming a day or month the calendar lacks is refused for that, not
with the hint on how to write a date (which the reader already followed)."""

import pytest
from django import forms
from django.utils import translation

from helpdesk import dates
from helpdesk.calendar_dates import CalendarDateField


@pytest.mark.parametrize("typed", ["1405/12/30", "۱۴۰۵/۱۳/۴۰", "1404/07/31"])
def test_a_day_the_month_lacks_is_no_such_day(typed):
    with pytest.raises(dates.NoSuchDay):
        dates.parse_jalali_date(typed)


def test_a_date_written_wrong_is_not_no_such_day():
    with pytest.raises(ValueError) as refused:
        dates.parse_jalali_date("30/12/1405")
    assert not isinstance(refused.value, dates.NoSuchDay)
    assert dates.parse_jalali_date("1404/12/29").isoformat() == "2026-03-20"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("۱۴۰۵/۱۳/۴۰", "۱۴۰۵/۱۳/۴۰ روز تقویم شمسی نیست"),
        ("1405/12/30", "۱۴۰۵/۱۲/۳۰ روز تقویم شمسی نیست"),
        ("30-12-1405", "تاریخ را به تقویم شمسی"),
    ],
)
def test_the_persian_date_field_says_which(typed, message):
    with translation.override("fa"):
        with pytest.raises(forms.ValidationError) as refused:
            CalendarDateField().clean(typed)
        assert message in refused.value.messages[0]  # lazy: read in the reader's language
