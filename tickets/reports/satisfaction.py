"""Satisfaction: ratings and survey response per agent, team, product, organization, category or period
(the figures are tickets.satisfaction.stats.satisfaction_summary's: four aggregate queries)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.dimensions import TICKET_FILTERS, filters_q
from tickets.reports.query import spam_out
from tickets.satisfaction.stats import satisfaction_summary

GROUPS = ("team", "agent", "product", "organization", "category")
COLUMNS = [
    Column("group", _("Group"), "text"),
    Column("ratings", _("Ratings")),
    Column("average", _("Average score (1-5)"), "number"),
    Column("satisfied_percent", _("Satisfied (4 or 5)"), "percent"),
    Column("score_1", _("Score 1")),
    Column("score_2", _("Score 2")),
    Column("score_3", _("Score 3")),
    Column("score_4", _("Score 4")),
    Column("score_5", _("Score 5")),
    Column("surveys_sent", _("Surveys sent")),
    Column("response_rate", _("Response rate"), "percent"),
]


def _row(row, label: str) -> dict[str, Any]:
    return {
        "group": label,
        "ratings": row.ratings,
        "average": row.average,
        "satisfied_percent": row.satisfied_percent,
        **{f"score_{score}": count for score, count in row.distribution.items()},
        "surveys_sent": row.surveys_sent,
        "response_rate": row.response_rate,
    }


def compute(params: ReportParams) -> ReportResult:
    group = params.group_by or "team"
    summary = satisfaction_summary(
        group=group,
        date_from=params.start,
        date_to=params.end,
        tickets=filters_q(params.filters, prefix="ticket__") & spam_out("ticket__"),
    )
    none = _("(none)")
    rows = [_row(row, row.label or str(none)) for row in summary.rows]
    total = summary.total
    chart = Chart(
        kind="bar",
        title=str(_("Average score (1-5)")),
        categories=[row["group"] for row in rows],
        series=[Series(str(_("Average score (1-5)")), [row["average"] for row in rows])],
    )
    return ReportResult(
        tables=[Table("satisfaction", _("Satisfaction"), COLUMNS, rows)],
        figures=[
            Figure("ratings", _("Ratings"), total.ratings),
            Figure("average", _("Average score (1-5)"), total.average, "number"),
            Figure("satisfied", _("Satisfied (4 or 5)"), total.satisfied_percent, "percent"),
            Figure("response_rate", _("Response rate"), total.response_rate, "percent"),
        ],
        chart=chart,
        notes=[
            _(
                "Ratings count in the range they were given, surveys in the range they were sent; the response "
                "rate is the share of surveys sent whose ticket was rated. Grouped by the ticket's current values."
            )
        ],
    )


register(
    Report(
        slug="satisfaction",
        title=_("Satisfaction"),
        description=_("Ratings, the share of satisfied customers and the survey response rate."),
        position=85,
        compute=compute,
        filters=TICKET_FILTERS,
        group_by=GROUPS,
        default_group="team",
    )
)
