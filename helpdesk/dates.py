"""Dates as people read them: Jalali (Persian digits) in fa, Gregorian otherwise."""

import functools
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime
from babel import Locale
from babel.dates import get_timezone_location
from django.utils import formats, timezone, translation
from django.utils.dates import MONTHS_AP
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .text import latin_digits

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_YEAR_MONTH_DAY = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$", re.ASCII)
_END_OF_DAY = re.compile(r"^\s*24:00(:00(\.0+)?)?\s*$", re.ASCII)
# Jalali years whose dates fall in 1900–2199: a "Jalali" year outside them is a Gregorian date typed by mistake.
JALALI_YEARS = range(1279, 1579)


def yearly_starts(*, month: int, day: int, jalali: bool, years: Iterable[int]) -> Iterator[date]:
    """The Gregorian dates of a yearly month and day in the given years of its own calendar (Jalali years
    for a Jalali day); a year without the day (29 February, 30 Esfand outside leap years) has none."""
    for year in years:
        try:
            yield jdatetime.date(year, month, day).togregorian() if jalali else date(year, month, day)
        except ValueError:
            continue


def persian_digits(text: str) -> str:
    return str(text).translate(_PERSIAN_DIGITS)


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3})")


def persian_number(text: str) -> str:
    """A number as Persian writes it: Persian digits, the decimal separator "٫" and the thousands
    separator "٬" ("1,234.5" → "۱٬۲۳۴٫۵"). Only a dot or comma between digits changes."""
    text = _THOUSANDS_COMMA.sub("\u066c", _DECIMAL_POINT.sub("\u066b", str(text)))
    return persian_digits(text)


@functools.lru_cache(maxsize=4096)
def _jalali_parts(value: date) -> tuple[int, int, int]:
    """(year, month, day) of a Gregorian date in the Jalali calendar. Cached: the conversion costs some
    5 µs, a list of 50 tickets prints 150 moments, and most fall on a few days."""
    day = jdatetime.date.fromgregorian(date=value)
    return day.year, day.month, day.day


def jalali_numbers(value: date, separator: str = "/") -> str:
    """The Jalali date as YYYY/MM/DD (or another separator) with Latin digits."""
    year, month, day = _jalali_parts(value)
    return f"{year:04d}{separator}{month:02d}{separator}{day:02d}"


def local_number(value) -> str:
    """A number as the active language writes it: Persian digits and separators in fa, as given otherwise."""
    text = str(value)
    return persian_number(text) if translation.get_language() == "fa" else text


_NUMBER_FIELD = re.compile(r"%\((\w+)\)[di]")


def fill(text, params: dict) -> str:
    """`text % params` for a translated message, with our numbers (int, float, Decimal params) written by
    local_number, and text (a subject, a name, an address someone typed) kept exactly as typed: never
    convert the finished sentence's digits, which would change the user's text too."""
    numbers = {
        key for key, value in params.items() if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    }
    if hasattr(text, "_get_number_value"):
        # A lazy plural that names its number (ngettext_lazy(..., "count"), Django's own validators): its
        # form for that number, as Django's NumberAwareString.__mod__ picks it.
        text = text._translate(text._get_number_value(params))
    text = _NUMBER_FIELD.sub(lambda m: f"%({m.group(1)})s" if m.group(1) in numbers else m.group(), str(text))
    return text % {key: local_number(value) if key in numbers else value for key, value in params.items()}


def to_jalali(value: date) -> str:
    """The Jalali date as YYYY-MM-DD with Latin digits: 2026-03-21 is 1405-01-01."""
    return jalali_numbers(value, "-")


class NoSuchDay(ValueError):
    """A date written as year/month/day whose month or day the Jalali calendar does not have (1405/12/30:
    Esfand has 29 days that year; 1405/13/01): the reader is told that, not how to write a date."""


def parse_jalali_date(text: str) -> date:
    """A Jalali date typed as YYYY-MM-DD or YYYY/MM/DD, in any digits, as the Gregorian date it names.

    ValueError unless it is a real Jalali date in a plausible year (JALALI_YEARS), so a Gregorian date
    typed here is refused rather than read as a date six centuries ahead; NoSuchDay (a ValueError) for a
    date written right whose month or day the calendar lacks.
    """
    match = _YEAR_MONTH_DAY.match(latin_digits(str(text)))
    if match is None:
        raise ValueError(f"{text!r} is not a date written as year/month/day.")
    year, month, day = (int(part) for part in match.groups())
    if year not in JALALI_YEARS:
        raise ValueError(f"{year} is not a plausible Jalali year.")
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise NoSuchDay(f"{text!r}: no such day in the Jalali calendar.") from exc


def parse_end_of_day(text: str) -> time | None:
    """time(0) for "24:00" (the end of a day as people write it; stored as 00:00), else None."""
    return time(0) if isinstance(text, str) and _END_OF_DAY.match(latin_digits(text)) else None


def format_date(value: date | datetime, language: str) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if language == "fa":
        return persian_digits(jalali_numbers(value))
    return formats.date_format(value, "N j, Y")


def format_datetime(value: datetime, language: str) -> str:
    """A moment in the active time zone; fa gets the Jalali calendar."""
    return format_local(timezone.localtime(value) if timezone.is_aware(value) else value, language)


def format_local(local: datetime, language: str) -> str:
    """format_datetime of a moment already in the zone it is shown in (a list converts each once)."""
    if language == "fa":
        # What jdatetime's strftime("%Y/%m/%d %H:%M") writes, without its locale switching (a list of
        # 50 rows prints 100 of these).
        return persian_digits(f"{jalali_numbers(local.date())} {local.hour:02d}:{local.minute:02d}")
    # What formats.date_format(local, "N j, Y, H:i") writes, without parsing the format each time (a
    # ticket page prints one per message and event), nor translating the month's name each time.
    return f"{_month_names(language)[local.month]} {local.day}, {local.year:04d}, {local.hour:02d}:{local.minute:02d}"


def moment_html(value: datetime, language: str, css: str = "") -> SafeString:
    """A moment as a <time> element: format_datetime's text, its ISO form in the active time zone, and the
    direction of its language. The one way a moment is written on the ticket page's timeline, in an
    event's sentence ("was due at …") and beside it.

    A Persian moment holds no letter (Persian digits, "/" and ":"), so an isolate that takes its direction
    from its letters (<bdi>, dir="auto") finds none and lays it out left to right: the time before the
    date for a reader of Persian, where the page's own direction reads the date first. `dir` says which."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    direction = "rtl" if language == "fa" else "ltr"
    css_attribute = f' class="{escape(css)}"' if css else ""
    return mark_safe(  # noqa: S308 (the class is escaped; the ISO form and the text are digits and month names)
        f'<time{css_attribute} datetime="{escape(local.isoformat())}" dir="{direction}">'
        f"{escape(format_local(local, language))}</time>"
    )


@functools.cache
def _month_names(language: str) -> dict[int, str]:
    """The months as "N" writes them, translated once per language (a list page prints 100 moments,
    and each lazy name costs a catalogue lookup)."""
    with translation.override(language):
        return {number: str(name) for number, name in MONTHS_AP.items()}


def _zone_city(zone: str, language: str) -> str:
    """The city a time zone is named after, in `language` (CLDR's exemplar city through Babel: "Tehran",
    «تهران»); UTC by its name; a zone CLDR does not know by the last part of its id."""
    if zone in ("UTC", "Etc/UTC"):
        with translation.override(language):
            return gettext("Coordinated Universal Time")
    try:
        return get_timezone_location(zone, locale=_babel_locale(language), return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


@functools.cache
def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, LookupError):
        return Locale.parse("en")


def time_zone_offset(zone: str, when: datetime | None = None) -> timedelta | None:
    """The zone's distance from UTC at `when` (default now), None for an unknown zone."""
    try:
        return (when or timezone.now()).astimezone(ZoneInfo(zone)).utcoffset()
    except (ValueError, ZoneInfoNotFoundError):
        return None


def time_zone_label(zone: str, language: str, when: datetime | None = None) -> str:
    """A time zone as people read it, "Tehran (UTC+03:30)"; in Persian "تهران (UTC+۰۳:۳۰)". The one
    name of a zone on every page, in every zone list (helpdesk.time_zones) and in the admin."""
    city = _zone_city(zone, language)
    offset = time_zone_offset(zone, when)
    if offset is None:
        return city
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    text = city if zone in ("UTC", "Etc/UTC") else f"{city} (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"
    return persian_digits(text) if language == "fa" else text
