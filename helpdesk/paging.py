"""Pages of a list without a total count, and the page number a link asks for.

A list page reads one row more than it shows: that row says whether a next page exists, so no list
counts its rows (a COUNT over a large table costs more than the page). The number comes from a query
parameter, which anyone can write: anything that is not a page number a list can reach (junk, 0,
digits past MAX_PAGE, whose rows' offset no database integer may hold) reads as the first page."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.http import urlencode

MAX_PAGE = 10_000  # past this no one pages by hand; filters and search narrow a list instead


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_number(raw: str | None) -> int:
    """The page a link asks for ("3", or "۳" in Persian digits), 1 for anything else."""
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > len(str(MAX_PAGE)):
        return 1
    number = int(raw)
    return number if 1 <= number <= MAX_PAGE else 1


def peek_page(rows: QuerySet, *, number: int, size: int) -> Page:
    """Page `number` of `rows` (ordered by the caller), `size` a page, with one extra row for has_next."""
    number = max(1, number)
    start = (number - 1) * size
    found = list(rows[start : start + size + 1])
    return Page(rows=found[:size], number=number, has_next=len(found) > size)


def query_with(get: QueryDict, **changes) -> str:
    """The query string `get` with some parameters replaced (None or "" drops one), for tabs, sorts and
    pages; the page number goes unless it is one of the changes (another filter or sort starts at page 1)."""
    params = dict(get.lists())  # the lists as they are: no deep copy of the QueryDict
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = [str(value)]
    encoded = urlencode(params, doseq=True)
    return f"?{encoded}" if encoded else "?"
