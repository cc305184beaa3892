"""Addresses of views whose arguments are ids, worked out once per process.

Django's reverse() (and so {% url %}) walks the URL patterns each time: 15-20 µs a link, and the agent's
ticket page and its sidebar print some forty, each with the ticket's own id. A view's address with ids
differs only where the ids go, so it is reversed once with stand-in numbers in their places, and each
call writes its ids there. Anything else (an argument that is not a whole number, a view that takes none
of these) goes through reverse() as before, so its error is reverse()'s own.
"""

import functools

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_FIRST_STAND_IN = 9_087_654_321  # numbers no other part of an address contains


@functools.lru_cache(maxsize=1024)
def _pattern(viewname: str, count: int, prefix: str, urlconf, language: str | None) -> str:
    """The address with {0}, {1}, ... where the ids go: per script prefix, URLconf and language, what
    reverse() depends on (a translated pattern or a language prefix differs by language)."""
    stand_ins = [str(_FIRST_STAND_IN + i) for i in range(count)]
    address = reverse(viewname, args=stand_ins, urlconf=urlconf).replace("{", "{{").replace("}", "}}")
    for i, number in enumerate(stand_ins):
        if address.count(number) != 1:
            raise NoReverseMatch(f"{viewname}: argument {i} is not written once, as it was given")
        address = address.replace(number, f"{{{i}}}")
    return address


def reverse_ids(viewname: str, *ids) -> str:
    """reverse(viewname, args=ids), for ids that are whole numbers (0 or more)."""
    if all(type(i) is int and i >= 0 for i in ids):
        try:
            return _pattern(viewname, len(ids), get_script_prefix(), get_urlconf(), get_language()).format(*ids)
        except NoReverseMatch:
            pass  # reverse() below says why, with the real arguments
    return reverse(viewname, args=ids)


def ids_pattern(viewname: str, count: int = 1) -> str:
    """The address of a view with {0}, {1}, ... where its `count` ids go, for a page writing one link per
    row (pattern.format(row.pk)): reverse_ids' work once per page rather than once per row."""
    return _pattern(viewname, count, get_script_prefix(), get_urlconf(), get_language())
