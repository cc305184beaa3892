"""A report's result written out: CSV (UTF-8 with a BOM, so Excel reads Persian) and JSON."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk import dates
from tickets.reports.base import Column, Period, Report, ReportParams, ReportResult


def plain(value: Any) -> Any:
    """A cell as CSV and JSON carry it: ISO dates, numbers as numbers, text as text."""
    if isinstance(value, Period):
        return value.begins.isoformat()
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def summary_note(result: ReportResult, now: datetime | None = None) -> str:
    """How old the figures are, for a report that reads the summary ("" for one that does not)."""
    if not result.summary:
        return ""
    if result.summary_refreshed_at is None:
        return _("All figures computed live: the reports' summary has not been filled yet.")
    minutes = max(0, int(((now or timezone.now()) - result.summary_refreshed_at).total_seconds() // 60))
    language = translation.get_language() or "en"
    count = dates.persian_digits(str(minutes)) if language.startswith("fa") else str(minutes)
    limit = dates.persian_digits("10") if language.startswith("fa") else "10"  # the beat's interval
    return ngettext(
        "Past days come from the summary refreshed %(count)s minute ago (%(when)s; figures up to %(limit)s minutes old); today is live.",
        "Past days come from the summary refreshed %(count)s minutes ago (%(when)s; figures up to %(limit)s minutes old); today is live.",
        minutes,
    ) % {"count": count, "when": dates.format_datetime(result.summary_refreshed_at, language), "limit": limit}


def _csv_headers(column: Column) -> list[str]:
    """A period column is two in a CSV: its first day (ISO, for programs), then as the page reads it."""
    if column.kind == "period":
        return [str(column.label), _("Period, as on the page")]
    return [str(column.label)]


def _csv_cells(column: Column, value: Any) -> list[Any]:
    cell = "" if value is None else plain(value)
    if column.kind == "period":
        return [cell, value.label if isinstance(value, Period) else ""]
    return [cell]


def report_csv(result: ReportResult) -> bytes:
    """Every table of the result, one after another: its title, its header row, its rows, a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for figure in result.figures:
        writer.writerow([str(figure.label), plain(figure.value)])
    if result.figures:
        writer.writerow([])
    for table in result.tables:
        writer.writerow([str(table.title)])
        writer.writerow([label for column in table.columns for label in _csv_headers(column)])
        for row in table.rows:
            writer.writerow([cell for column in table.columns for cell in _csv_cells(column, row.get(column.key))])
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_json(report: Report, params: ReportParams, result: ReportResult) -> dict[str, Any]:
    return {
        "report": report.slug,
        "title": str(report.title),
        "start": params.start.date().isoformat(),
        "end": (params.end - timedelta(days=1)).date().isoformat(),  # inclusive, as typed
        "group_by": params.group_by,
        "filters": {key: str(value) for key, value in params.filters.items()},
        "figures": [
            {"key": f.key, "label": str(f.label), "value": plain(f.value), "kind": f.kind} for f in result.figures
        ],
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns],
                "rows": [{c.key: plain(row.get(c.key)) for c in table.columns} for row in table.rows],
            }
            for table in result.tables
        ],
        "notes": [str(note) for note in result.notes],
        "summary_refreshed_at": result.summary_refreshed_at if result.summary else None,
        "summary_note": summary_note(result),
    }
