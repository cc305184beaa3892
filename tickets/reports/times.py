"""First response and resolution times: median and 90th percentile per group, in business hours (the
ticket's SLA calendar, stored on the ticket when it happens: tickets.sla.elapsed) beside clock hours.

Read from the reports' summary (tickets.reports.summary): whole past days from the summary table,
today live. Business time is left out for tickets without an SLA policy (no calendar to count on).
"""

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.query import TICKET_FILTERS, column_percentiles, grouped, hours, report_rows

GROUPS = ("team", "agent", "product", "organization", "channel", "category", "priority")
COLUMNS = [
    Column("tickets", _("Tickets")),
    Column("responded", _("Answered")),
    Column("first_response_business_median_hours", _("First response, median (business hours)"), "number"),
    Column("first_response_business_p90_hours", _("First response, 90th percentile (business hours)"), "number"),
    Column("first_response_median_hours", _("First response, median (hours)"), "number"),
    Column("first_response_p90_hours", _("First response, 90th percentile (hours)"), "number"),
    Column("solved", _("Solved")),
    Column("resolution_business_median_hours", _("Resolution, median (business hours)"), "number"),
    Column("resolution_business_p90_hours", _("Resolution, 90th percentile (business hours)"), "number"),
    Column("resolution_median_hours", _("Resolution, median (hours)"), "number"),
    Column("resolution_p90_hours", _("Resolution, 90th percentile (hours)"), "number"),
]
# (column prefix, summary column, aggregate name)
MEASURES = (
    ("first_response_business", "first_response_business_minutes", "frb"),
    ("first_response", "first_response_minutes", "frt"),
    ("resolution_business", "resolution_business_minutes", "rsb"),
    ("resolution", "resolution_minutes", "res"),
)


def _aggregates() -> dict:
    found: dict[str, Any] = {
        "tickets": Count("pk"),
        "responded": Count("pk", filter=Q(first_response_minutes__isnull=False)),
        "solved": Count("pk", filter=Q(resolution_minutes__isnull=False)),
    }
    for _prefix, column, name in MEASURES:
        found |= column_percentiles(column, name)
    return found


def _row(found: dict) -> dict:
    row = {key: found[key] for key in ("group", "tickets", "responded", "solved")}
    for prefix, _column, name in MEASURES:
        median, p90 = found[f"{name}_percentiles"]
        row[f"{prefix}_median_hours"] = hours(median)
        row[f"{prefix}_p90_hours"] = hours(p90)
    return row


def _figures(total: dict) -> list[Figure]:
    return [
        Figure(key, label, total[key], "number")
        for key, label in (
            ("first_response_business_median_hours", _("First response, median (business hours)")),
            ("resolution_business_median_hours", _("Resolution, median (business hours)")),
            ("first_response_median_hours", _("First response, median (hours)")),
            ("resolution_median_hours", _("Resolution, median (hours)")),
        )
    ]


def compute(params: ReportParams) -> ReportResult:
    rows_in_range = report_rows(params)
    rows = [_row(r) for r in grouped(rows_in_range, params.group_by, **_aggregates())]
    [total] = [_row(r) for r in grouped(rows_in_range, "", **_aggregates())]
    label = Column("group", _("Group"), "text")
    chart = Chart(
        kind="bar",
        title=str(_("Median business hours")),
        categories=[row["group"] for row in rows],
        series=[
            Series(
                str(_("First response, median (business hours)")),
                [r["first_response_business_median_hours"] for r in rows],
            ),
            Series(
                str(_("Resolution, median (business hours)")), [r["resolution_business_median_hours"] for r in rows]
            ),
        ],
    )
    return ReportResult(
        tables=[Table("times", _("Response and resolution times"), [label, *COLUMNS], rows)],
        figures=_figures(total),
        chart=chart,
        notes=[
            _(
                "For tickets created in the range, from creation. Business hours count the working hours of the ticket's SLA calendar (tickets without an SLA policy are left out of them); hours are clock hours. The SLA report counts targets met."
            )
        ],
    )


register(
    Report(
        slug="response-times",
        title=_("Response and resolution times"),
        description=_(
            "Median and 90th percentile of first response and resolution times, in business and clock hours."
        ),
        position=20,
        compute=compute,
        filters=TICKET_FILTERS,
        group_by=GROUPS,
        default_group="team",
        summary=True,
    )
)
