"""What every report is made of, and the registry the pages and the API read.

A report is one module that builds a `Report` (its slug, title, the filters and options it takes, and a
`compute` function from `ReportParams` to a `ReportResult`) and calls `register`. The pages
(`/agent/reports/<slug>/`), the API (`/api/v1/reports/<slug>/`), CSV export and the index all come
from the registry; adding a report is one module and one import line in `tickets/reports/__init__.py`.
Figures are computed by the database (aggregates, GROUP BY, percentile_cont), never by looping over
tickets in Python.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.functional import Promise

from helpdesk.charts import Chart
from helpdesk.models import User
from tickets.models import ReportSummary

# Kinds of column: how a value is shown (pages), written (CSV) and typed (API).
#   text: a name people gave (isolated on pages); label: our own translated word; int; number (one
#   decimal); percent; money; date; period (a time bucket: `Period`).
COLUMN_KINDS = ("text", "label", "int", "number", "percent", "money", "date", "period")


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = "int"


@dataclass(frozen=True)
class Period:
    """A time bucket: its first day, and how people read it (Jalali in fa). `first_day`: the first day
    the report counts in it (the report's start for a bucket that began before), which its labels show."""

    start: date
    label: str
    short: str = ""  # for a chart's axis
    first_day: date | None = None

    @property
    def begins(self) -> date:
        return self.first_day or self.start

    def __str__(self) -> str:
        return self.start.isoformat()


@dataclass
class Table:
    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    value: Any
    kind: str = "int"


@dataclass
class ReportResult:
    tables: list[Table]
    figures: list[Figure] = field(default_factory=list)
    chart: Chart | None = None
    notes: list[str | Promise] = field(default_factory=list)
    # Reports read from the summary (tickets.reports.summary): when it was last refreshed (None:
    # never, all computed live). The pages and the API show the figures' age from it.
    summary: bool = False
    summary_refreshed_at: datetime | None = None


@dataclass(frozen=True)
class ReportParams:
    """One run of a report: who asks, the range [start, end) in the site's time zone, filters by
    dimension key (`dimensions.DIMENSIONS`), and the options the report takes."""

    user: User
    start: datetime
    end: datetime
    now: datetime
    filters: dict[str, Any] = field(default_factory=dict)
    bucket: str = "day"
    group_by: str = ""
    days: int = 7
    about: str = "product"  # recurring: a return is about the same product or the same category


@dataclass(frozen=True)
class Report:
    slug: str
    title: str | Promise
    description: str | Promise
    compute: Callable[[ReportParams], ReportResult]
    # The dimensions (keys of dimensions.DIMENSIONS) this report filters by, and may group by.
    filters: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    # Other options: "bucket" (day/week/month), "days" (the recurring window), "about" (what a return
    # shares with the ticket before it: product or category).
    options: tuple[str, ...] = ()
    default_group: str = ""
    position: int = 100  # where the index lists it
    summary: bool = False  # reads the reports' summary for past days (tickets.reports.summary)


REPORTS: dict[str, Report] = {}


def register(report: Report) -> Report:
    """Adds a report to the index, the pages and the API (listed by `position`, then title)."""
    if report.slug in REPORTS:
        raise ValueError(f"report {report.slug!r} is registered twice")
    REPORTS[report.slug] = report
    ordered = sorted(REPORTS.values(), key=lambda r: (r.position, str(r.title)))
    REPORTS.clear()
    REPORTS.update((r.slug, r) for r in ordered)
    return report


@contextmanager
def report_settings() -> Iterator[None]:
    """On PostgreSQL, for the queries inside: JIT off (compiling the reports' grouped expressions cost
    more than running them: 3.7 of 7.3 s at a million tickets, bench/reports.py), and room to sort and
    hash a year of summary rows in memory (the volume report's day x channel x product grouping spilled
    32 MB to disk at 1M tickets, 1.1 s, with the default 4 MB)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = %s", [settings.HELPDESK_REPORT_WORK_MEM])
        yield


def report_run(report: Report, params: ReportParams) -> ReportResult:
    """Computes a report (what the pages, the API and the benchmark call)."""
    with report_settings():
        result = report.compute(params)
    if report.summary:
        state = ReportSummary.objects.filter(pk=1).only("refreshed_at").first()
        result.summary = True
        result.summary_refreshed_at = state.refreshed_at if state is not None else None
    return result
