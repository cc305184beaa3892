"""The SLA compliance report in the framework (page /agent/reports/sla/, as before), with the requests
the knowledge base answered in the same range."""

from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.deflection import deflection_stats
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.query import TICKET_FILTERS
from tickets.reports.stats import sla_compliance

COLUMNS = [
    Column("group", _("Group"), "text"),
    Column("tickets", _("Tickets")),
    Column("first_response_met", _("First response met")),
    Column("first_response_breached", _("First response breached")),
    Column("first_response_met_percent", _("First response met (%)"), "percent"),
    Column("resolution_met", _("Resolution met")),
    Column("resolution_breached", _("Resolution breached")),
    Column("resolution_met_percent", _("Resolution met (%)"), "percent"),
    Column("first_response_median_minutes", _("First response, median (minutes)"), "number"),
    Column("first_response_p90_minutes", _("First response, 90th percentile (minutes)"), "number"),
    Column("resolution_median_minutes", _("Resolution, median (minutes)"), "number"),
    Column("resolution_p90_minutes", _("Resolution, 90th percentile (minutes)"), "number"),
]


def compute(params: ReportParams) -> ReportResult:
    found = sla_compliance(
        user=params.user, start=params.start, end=params.end, group_by=params.group_by, filters=params.filters
    )
    rows = [{column.key: getattr(row, column.key) for column in COLUMNS} for row in found]
    deflection = deflection_stats(user=params.user, start=params.start, end=params.end, now=params.now)
    tables = [Table("compliance", _("SLA compliance"), COLUMNS, rows)]
    figures = []
    if deflection is not None:
        articles = [{"article": title, "deflected": count} for title, count in deflection.top_articles]
        tables.append(
            Table(
                "deflection",
                _("Requests the knowledge base answered"),
                [Column("article", _("Article"), "text"), Column("deflected", _("Requests not sent"))],
                articles,
            )
        )
        figures = [
            Figure("deflected", _("Read a suggested article and did not send their request"), deflection.deflected),
            Figure("converted", _("Read a suggested article and sent it anyway"), deflection.converted),
        ]
    chart = Chart(
        kind="bar",
        title=str(_("Targets met (%)")),
        categories=[row["group"] for row in rows],
        series=[
            Series(str(_("First response met (%)")), [r["first_response_met_percent"] for r in rows]),
            Series(str(_("Resolution met (%)")), [r["resolution_met_percent"] for r in rows]),
        ],
    )
    return ReportResult(tables=tables, figures=figures, chart=chart)


register(
    Report(
        slug="sla",
        title=_("SLA compliance"),
        description=_("Targets met and breached in business time, per SLA policy, team or priority."),
        position=40,
        compute=compute,
        filters=TICKET_FILTERS,
        group_by=("policy", "team", "priority", "agent", "product", "organization", "channel"),
        default_group="policy",
        summary=True,
    )
)
