"""Dates as people read them: Jalali (Persian digits) in fa, Gregorian otherwise."""

from datetime import date, datetime

import jdatetime
from django.utils import formats, timezone

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_digits(text: str) -> str:
    return str(text).translate(_PERSIAN_DIGITS)


def to_jalali(value: date) -> str:
    """The Jalali date as YYYY-MM-DD with Latin digits: 2026-03-21 is 1405-01-01."""
    return jdatetime.date.fromgregorian(date=value).strftime("%Y-%m-%d")


def format_date(value: date | datetime, language: str) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if language == "fa":
        return persian_digits(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
    return formats.date_format(value, "N j, Y")


def format_datetime(value: datetime, language: str) -> str:
    """A moment in the active time zone; fa gets the Jalali calendar."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if language == "fa":
        return persian_digits(jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M"))
    return formats.date_format(local, "N j, Y, H:i")
