"""Referral turnaround per department: referrals sent to each team in the range, how many were
answered, how fast (median and 90th percentile, clock hours), and how many were late."""

from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.models import Referral
from tickets.reports.base import Column, Report, ReportParams, ReportResult, Table, register
from tickets.reports.dimensions import filters_q
from tickets.reports.query import TICKET_FILTERS, grouped, hours, percentiles, spam_out

COLUMNS = [
    Column("group", _("Team"), "text"),
    Column("referrals", _("Referrals")),
    Column("answered", _("Answered")),
    Column("open", _("Open")),
    Column("cancelled", _("Cancelled")),
    Column("late", _("Answered late or overdue")),
    Column("median_hours", _("Time to answer, median (hours)"), "number"),
    Column("p90_hours", _("Time to answer, 90th percentile (hours)"), "number"),
]


def compute(params: ReportParams) -> ReportResult:
    referrals = Referral.objects.filter(
        filters_q(params.filters, prefix="ticket__"),
        spam_out("ticket__"),
        created_at__gte=params.start,
        created_at__lt=params.end,
    ).order_by()
    late = Q(state=Referral.State.ANSWERED, answered_at__gt=F("due_at")) | Q(
        state=Referral.State.OPEN, due_at__lt=params.now
    )
    aggregates: dict[str, Any] = {
        "referrals": Count("pk"),
        "answered": Count("pk", filter=Q(state=Referral.State.ANSWERED)),
        "open": Count("pk", filter=Q(state=Referral.State.OPEN)),
        "cancelled": Count("pk", filter=Q(state=Referral.State.CANCELLED)),
        "late": Count("pk", filter=late),
        **percentiles("created_at", "answered_at", "answer"),
    }
    found = grouped(referrals, "team", path="to_team", **aggregates)  # by the receiving team
    rows: list[dict[str, Any]] = [
        {c.key: row.get(c.key) for c in COLUMNS}
        | {"median_hours": hours(row["answer_median"]), "p90_hours": hours(row["answer_p90"])}
        for row in found
    ]
    chart = Chart(
        kind="bar",
        title=str(_("Time to answer (hours)")),
        categories=[row["group"] for row in rows],
        series=[
            Series(str(_("Median")), [r["median_hours"] for r in rows]),
            Series(str(_("90th percentile")), [r["p90_hours"] for r in rows]),
        ],
    )
    return ReportResult(
        tables=[Table("referrals", _("Referral turnaround per team"), COLUMNS, rows)],
        chart=chart,
        notes=[_("Referrals sent in the range, by the team they were sent to; times in clock hours.")],
    )


register(
    Report(
        slug="referrals",
        title=_("Referral turnaround"),
        description=_("How quickly each department answers the referrals it receives."),
        position=60,
        compute=compute,
        filters=TICKET_FILTERS,
    )
)
