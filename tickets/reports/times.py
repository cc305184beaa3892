"""First response and resolution times: median and 90th percentile per group, in wall-clock hours.

The SLA module stores when a ticket was first answered and solved (`first_responded_at`, `solved_at`)
but not the business minutes between; so these are clock hours from creation. Business-time
compliance is the SLA report's (met/breached as the SLA clocks decided).
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.query import TICKET_FILTERS, grouped, hours, percentiles, tickets_created

GROUPS = ("team", "agent", "product", "organization", "channel", "category", "priority")
COLUMNS = [
    Column("tickets", _("Tickets")),
    Column("responded", _("Answered")),
    Column("first_response_median_hours", _("First response, median (hours)"), "number"),
    Column("first_response_p90_hours", _("First response, 90th percentile (hours)"), "number"),
    Column("solved", _("Solved")),
    Column("resolution_median_hours", _("Resolution, median (hours)"), "number"),
    Column("resolution_p90_hours", _("Resolution, 90th percentile (hours)"), "number"),
]


def _aggregates() -> dict:
    return {
        "tickets": Count("pk"),
        "responded": Count("pk", filter=Q(first_responded_at__isnull=False)),
        "solved": Count("pk", filter=Q(solved_at__isnull=False)),
        **percentiles("created_at", "first_responded_at", "frt"),
        **percentiles("created_at", "solved_at", "res"),
    }


def _row(found: dict) -> dict:
    return {
        "group": found["group"],
        "tickets": found["tickets"],
        "responded": found["responded"],
        "first_response_median_hours": hours(found["frt_median"]),
        "first_response_p90_hours": hours(found["frt_p90"]),
        "solved": found["solved"],
        "resolution_median_hours": hours(found["res_median"]),
        "resolution_p90_hours": hours(found["res_p90"]),
    }


def compute(params: ReportParams) -> ReportResult:
    created = tickets_created(params)
    rows = [_row(r) for r in grouped(created, params.group_by, **_aggregates())]
    [total] = [_row(r) for r in grouped(created, "", **_aggregates())]
    label = Column("group", _("Group"), "text")
    chart = Chart(
        kind="bar",
        title=str(_("Median hours")),
        categories=[row["group"] for row in rows],
        series=[
            Series(str(_("First response, median (hours)")), [r["first_response_median_hours"] for r in rows]),
            Series(str(_("Resolution, median (hours)")), [r["resolution_median_hours"] for r in rows]),
        ],
    )
    return ReportResult(
        tables=[Table("times", _("Response and resolution times"), [label, *COLUMNS], rows)],
        figures=[
            Figure(
                "first_response_median_hours",
                _("First response, median (hours)"),
                total["first_response_median_hours"],
                "number",
            ),
            Figure(
                "resolution_median_hours", _("Resolution, median (hours)"), total["resolution_median_hours"], "number"
            ),
        ],
        chart=chart,
        notes=[
            _(
                "Clock hours from the ticket's creation, for tickets created in the range; the SLA report counts targets met in business time."
            )
        ],
    )


register(
    Report(
        slug="response-times",
        title=_("Response and resolution times"),
        description=_("Median and 90th percentile of first response and resolution times."),
        position=20,
        compute=compute,
        filters=TICKET_FILTERS,
        group_by=GROUPS,
        default_group="team",
    )
)
