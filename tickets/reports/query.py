"""Querysets and grouped aggregates shared by the reports (each one statement in the database)."""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.utils import translation

from helpdesk import dates
from helpdesk.aggregates import PercentileCont, PercentilesCont, minutes_between
from helpdesk.rounding import hours_of, round_half_up
from tickets.models import OPEN_STATUSES, ReportRow, Ticket
from tickets.reports.base import ReportParams
from tickets.reports.dimensions import DIMENSIONS, NONE_LABEL, TICKET_FILTERS, filters_q
from tickets.reports.params import site_zone
from tickets.selectors import spam_out  # noqa: F401 (the reports read it from here)


def tickets_for(params: ReportParams) -> QuerySet[Ticket]:
    """Every ticket the filters keep (merged duplicates left out: their original counts; spam too)."""
    return Ticket.objects.filter(filters_q(params.filters), spam_out(), merged_into__isnull=True).order_by()


def open_tickets(params: ReportParams) -> QuerySet[Ticket]:
    """The filtered tickets open now. No test of merged_into: a merged ticket is closed, and closed is
    final, so the open-status partial indexes answer alone; nor of spam, which is closed too."""
    return Ticket.objects.filter(filters_q(params.filters), status__in=OPEN_STATUSES).order_by()


def tickets_created(params: ReportParams) -> QuerySet[Ticket]:
    """The filtered tickets created in the range (read through ticket_created_idx)."""
    return tickets_for(params).filter(created_at__gte=params.start, created_at__lt=params.end)


def report_rows(params: ReportParams) -> QuerySet[ReportRow]:
    """The summary rows (tickets.models.reporting) of the filtered tickets created in the range: whole
    past days from the summary table, today's computed live (the view tickets_reportrow)."""
    return ReportRow.objects.filter(
        filters_q(params.filters), created_at__gte=params.start, created_at__lt=params.end
    ).order_by()


def column_percentiles(column: str, name: str) -> dict[str, PercentilesCont]:
    """Median and 90th percentile of a summary column (NULLs skipped), in one sort: `{name}_percentiles`
    is [median, p90] ([None, None] without a value)."""
    return {f"{name}_percentiles": PercentilesCont(column, fractions=(0.5, 0.9))}


def site_day(field: str) -> TruncDate:
    """The calendar day of a moment in the site's time zone."""
    return TruncDate(field, tzinfo=site_zone())


def _labels_apart(queryset: QuerySet, paths: list[str], rows: list[dict[str, Any]]) -> None:
    """Adds the label columns to rows grouped by the key column alone: one query on the related model."""
    model = queryset.model
    for part in paths[0].split("__"):
        model = model._meta.get_field(part).related_model
    names = [p.removeprefix(f"{paths[0]}__") for p in paths[1:]]
    ids = {row[paths[0]] for row in rows} - {None}
    found = {values.pop("pk"): values for values in model.objects.filter(pk__in=ids).values("pk", *names)}
    for row in rows:
        row.update({f"{paths[0]}__{name}": found.get(row[paths[0]], {}).get(name) for name in names})


def grouped(
    queryset: QuerySet, key: str, prefix: str = "", *, path: str = "", labels_apart: bool = False, **aggregates: Any
) -> list[dict[str, Any]]:
    """`aggregates` per group of dimension `key` (one GROUP BY); each row gains its `group` label and
    `group_id`. The dimension's ticket field is reached through `prefix` (a path to the ticket), or
    `path` names the column outright (a referral's receiving team). Without a key, one row in all.
    `labels_apart`: group by the key column alone and read the labels in a second query, so a count
    over an index-only scan is not joined to the labels' table row by row (workload's replies)."""
    if not key:
        row = queryset.aggregate(**aggregates)
        return [row | {"group": ""}]
    dimension = DIMENSIONS[key]
    paths = dimension.value_paths(path or f"{prefix}{dimension.field}")
    if labels_apart and len(paths) > 1:
        rows = list(queryset.values(paths[0]).annotate(**aggregates).order_by(paths[0]))
        _labels_apart(queryset, paths, rows)
    else:
        rows = list(queryset.values(*paths).annotate(**aggregates).order_by(paths[0]))
    for row in rows:
        row["group"] = dimension.label_from_row(row, paths[0])
        row["group_id"] = row[paths[0]]
    rows.sort(key=lambda r: (r["group"] == NONE_LABEL, str(r["group"]).casefold()))
    return rows


def percentiles(start: str, end: str, name: str) -> dict[str, PercentileCont]:
    """Median and 90th percentile of the minutes from `start` to `end` (tickets lacking `end` skipped)."""
    minutes = minutes_between(start, end)
    return {
        f"{name}_median": PercentileCont(minutes, fraction=0.5),
        f"{name}_p90": PercentileCont(minutes, fraction=0.9),
    }


def digits(number: int) -> str:
    """A number inside a sentence, in the reader's digits."""
    return dates.persian_digits(str(number)) if (translation.get_language() or "").startswith("fa") else str(number)


def hours(minutes: float | None) -> float | None:
    """Minutes as hours to one decimal, half up as the pages round (helpdesk.rounding)."""
    return None if minutes is None else float(hours_of(minutes))


def percent(part: int, whole: int) -> float | None:
    return float(round_half_up(Decimal(100 * part) / whole)) if whole else None


__all__ = [
    "TICKET_FILTERS",
    "spam_out",
    "tickets_for",
    "open_tickets",
    "tickets_created",
    "report_rows",
    "column_percentiles",
    "site_day",
    "grouped",
    "percentiles",
    "hours",
    "percent",
]
