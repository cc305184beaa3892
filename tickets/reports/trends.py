"""What grows: categories and root causes with more tickets in the range than in the same number of
days just before it. Categories count the tickets created (the reports' summary, tickets.reports.summary);
root causes the tickets solved (a root cause is chosen when solving), read from ticket_solved_report_idx
alone. Two grouped queries over both periods at once (a conditional count per period)."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from helpdesk.rounding import round_half_up
from tickets.models import ReportRow, Ticket
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.dimensions import filters_q
from tickets.reports.query import TICKET_FILTERS, digits, grouped, spam_out

SHOWN = 50
CHARTED = 8


def _columns(name: str) -> list[Column]:
    return [
        Column("group", name, "text"),
        Column("now", _("In the range")),
        Column("before", _("The period before")),
        Column("change", _("Change")),
        Column("growth_percent", _("Growth"), "percent"),
    ]


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their change, most grown first (the groups with a ticket in either period)."""
    ranked = []
    for row in rows:
        now, before = row["now"], row["before"]
        growth = float(round_half_up(Decimal(100 * (now - before)) / before)) if before else None
        ranked.append(
            {"group": row["group"], "now": now, "before": before, "change": now - before, "growth_percent": growth}
        )
    ranked.sort(key=lambda r: (-r["change"], -r["now"], str(r["group"]).casefold()))
    return ranked[:SHOWN]


def _periods(field: str, params: ReportParams, *, counted: str) -> dict[str, Count]:
    """A count per period by `field`'s moment, of a column the index carries (`counted`)."""
    before = params.start - (params.end - params.start)
    return {
        "now": Count(counted, filter=Q(**{f"{field}__gte": params.start})),
        "before": Count(counted, filter=Q(**{f"{field}__lt": params.start, f"{field}__gte": before})),
    }


def _categories(params: ReportParams) -> list[dict[str, Any]]:
    before = params.start - (params.end - params.start)
    created = ReportRow.objects.filter(
        filters_q(params.filters), category__isnull=False, created_at__gte=before, created_at__lt=params.end
    ).order_by()
    return _ranked(grouped(created, "category", **_periods("created_at", params, counted="ticket_id")))


def _root_causes(params: ReportParams) -> list[dict[str, Any]]:
    before = params.start - (params.end - params.start)
    solved = Ticket.objects.filter(
        filters_q(params.filters),
        spam_out(),
        merged_into__isnull=True,
        root_cause__isnull=False,
        solved_at__gte=before,
        solved_at__lt=params.end,
    ).order_by()
    return _ranked(grouped(solved, "root_cause", **_periods("solved_at", params, counted="root_cause")))


def compute(params: ReportParams) -> ReportResult:
    categories, causes = _categories(params), _root_causes(params)
    charted = [row for row in categories if row["change"] > 0][:CHARTED]
    chart = Chart(
        kind="bar",
        title=str(_("Categories that grew most")),
        categories=[row["group"] for row in charted],
        series=[
            Series(str(_("The period before")), [row["before"] for row in charted]),
            Series(str(_("In the range")), [row["now"] for row in charted]),
        ],
    )
    days = (params.end - params.start).days
    return ReportResult(
        tables=[
            Table("categories", _("Categories (tickets created)"), _columns(str(_("Category"))), categories),
            Table("root_causes", _("Root causes (tickets solved)"), _columns(str(_("Root cause"))), causes),
        ],
        figures=[
            Figure("growing_categories", _("Categories growing"), sum(1 for r in categories if r["change"] > 0)),
            Figure("growing_root_causes", _("Root causes growing"), sum(1 for r in causes if r["change"] > 0)),
        ],
        chart=chart if charted else None,
        notes=[
            _(
                "Each range is compared with the %(days)s days just before it. A subcategory counts on its own; "
                "the %(shown)s that grew most are listed."
            )
            % {"days": digits(days), "shown": digits(SHOWN)}
        ],
    )


register(
    Report(
        slug="trends",
        title=_("Growing categories and root causes"),
        description=_("Categories and root causes with more tickets than in the period before."),
        position=55,
        compute=compute,
        filters=TICKET_FILTERS,
        summary=True,
    )
)
