"""Time zones people pick from: every zone a person may choose, named in their language and in order.

`time_zone_choices(language)` is the list every zone picker shows (the profile, the admin's time zone
fields): each zone by helpdesk.dates.time_zone_label ("Tehran (UTC+03:30)", «تهران (UTC+۰۳:۳۰)»),
ordered by its distance from UTC, then by name in the language's alphabet. Naming ~420 zones through
Babel takes some 100 ms, so the list is built once per language and day (offsets move with summer time)
and kept in the process. The stored value is always the zone's id ("Asia/Tehran").
"""

import functools
import zoneinfo
from datetime import UTC, date, datetime, time

from babel.core import get_global
from django import forms
from django.utils import translation

from . import dates
from .widgets import FastSelect

# The Persian alphabet's order; Unicode puts پ چ ژ گ after the Arabic letters, so plain sorting would
# file «گ» after «ی».
_PERSIAN_ORDER = {letter: index for index, letter in enumerate("آاأإءبپتثجچحخدذرزژسشصضطظعغفقکكگلمنوؤهةیيئ")}


@functools.cache
def known_time_zones() -> frozenset[str]:
    """Every zone id the tz database has (reads it from disk: once)."""
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _listed_zones() -> tuple[str, ...]:
    """The zones a picker offers: CLDR's canonical ids, not their old aliases ("US/Pacific"), nor the
    fixed offsets of Etc/ (a person picks a place); UTC stays. An alias already chosen is still valid."""
    aliases = get_global("zone_aliases")
    return tuple(
        zone
        for zone in known_time_zones()
        if zone == "UTC" or (zone not in aliases and "/" in zone and not zone.startswith("Etc/"))
    )


@functools.cache
def _listed_set() -> frozenset[str]:
    return frozenset(_listed_zones())


def _name_key(name: str) -> tuple[int, ...]:
    return tuple(_PERSIAN_ORDER.get(char, 100 + ord(char)) for char in name.casefold())


@functools.lru_cache(maxsize=8)
def _choices_on(language: str, day: date) -> tuple[tuple[str, str], ...]:
    noon = datetime.combine(day, time(12), tzinfo=UTC)
    rows = [
        (dates.time_zone_offset(zone, noon), dates.time_zone_label(zone, language, noon), zone)
        for zone in _listed_zones()
    ]
    rows.sort(key=lambda row: (row[0], _name_key(row[1])))
    return tuple((zone, label) for _offset, label, zone in rows)


def time_zone_choices(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """(zone id, label) of every listed zone in `language` (default: the active one), in order."""
    language = language or translation.get_language() or "en"
    return _choices_on(language, datetime.now(UTC).date())


class TimeZoneSelect(FastSelect):
    """A zone picker that still shows a zone the list leaves out (an alias chosen before) as chosen."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        if chosen and chosen not in _listed_set():
            label = dates.time_zone_label(chosen, translation.get_language() or "en")
            self.choices = [*self.choices, (chosen, label)]
        return super().render(name, value, attrs, renderer)


class TimeZoneField(forms.ChoiceField):
    """A time zone picked from time_zone_choices, in the reader's language; the value is the zone id.
    `blank` names the empty choice (None: no empty choice)."""

    widget = TimeZoneSelect

    def __init__(self, *, blank=None, **kwargs):
        head = [("", blank)] if blank is not None else []
        super().__init__(choices=lambda: [*head, *time_zone_choices()], **kwargs)

    def valid_value(self, value) -> bool:
        return value in known_time_zones()
