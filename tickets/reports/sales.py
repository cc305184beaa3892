"""What customers asked for and what sales can follow: product feedback items by demand (tickets
linked in the range) and sales opportunities by state and estimated value (marked in the range)."""

from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.models import FeedbackItem, Opportunity
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.dimensions import TICKET_FILTERS, filters_q
from tickets.reports.query import digits, spam_out

SHOWN = 50
# Filters read from the linked ticket; product and organization are the item's or opportunity's own.
TICKET_SIDE = ("team", "agent", "channel", "category")


def _feedback(params: ReportParams) -> Table:
    # One filter() call: the counts below read only the links in the range whose ticket the filters keep.
    links = Q(links__created_at__gte=params.start, links__created_at__lt=params.end)
    links &= filters_q(params.filters, prefix="links__ticket__", allowed=(*TICKET_SIDE, "organization"))
    links &= spam_out("links__ticket__")
    items = FeedbackItem.objects.filter(links).order_by()
    if params.filters.get("product"):
        items = items.filter(product=params.filters["product"])
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in items.values("pk", "title", "status")
        .annotate(
            tickets=Count("links__ticket", distinct=True),
            customers=Count("links__ticket__requester", distinct=True),
            organizations=Count("links__ticket__organization", distinct=True),
            latest=Max("links__created_at"),
        )
        .order_by("-tickets", "-customers", "-latest", "pk")[:SHOWN]
    ]
    statuses = dict(FeedbackItem.Status.choices)
    for row in rows:
        row["status"] = str(statuses.get(row["status"], row["status"]))
    columns = [
        Column("title", _("Feedback item"), "text"),
        Column("status", _("Status"), "label"),
        Column("tickets", _("Tickets")),
        Column("customers", _("Customers")),
        Column("organizations", _("Organizations")),
        Column("latest", _("Latest request"), "date"),
    ]
    return Table("feedback", _("Feedback items by demand"), columns, rows)


def _opportunities(params: ReportParams) -> tuple[Table, Chart, list[Figure]]:
    found = Opportunity.objects.filter(
        filters_q(params.filters, prefix="ticket__", allowed=TICKET_SIDE),
        spam_out("ticket__"),
        created_at__gte=params.start,
        created_at__lt=params.end,
    ).order_by()
    for key in ("product", "organization"):
        if params.filters.get(key):
            found = found.filter(**{key: params.filters[key]})
    totals: dict[str, dict[str, Any]] = {
        row["state"]: dict(row)
        for row in found.values("state").annotate(opportunities=Count("pk"), value=Sum("estimated_value"))
    }
    rows = [
        {
            "state": str(label),
            "opportunities": totals.get(state, {}).get("opportunities", 0),
            "value": totals.get(state, {}).get("value") or 0,
        }
        for state, label in Opportunity.State.choices
    ]
    columns = [
        Column("state", _("State"), "label"),
        Column("opportunities", _("Opportunities")),
        Column("value", _("Estimated value"), "money"),
    ]
    chart = Chart(
        kind="bar",
        title=str(_("Opportunities by state")),
        categories=[r["state"] for r in rows],
        series=[Series(str(_("Opportunities")), [r["opportunities"] for r in rows])],
    )
    won = next(r for r in rows if r["state"] == str(Opportunity.State.WON.label))
    figures = [
        Figure("opportunities", _("Opportunities"), sum(r["opportunities"] for r in rows)),
        Figure("won_value", _("Estimated value won"), won["value"], "money"),
    ]
    return Table("opportunities", _("Opportunities by state"), columns, rows), chart, figures


def compute(params: ReportParams) -> ReportResult:
    opportunities, chart, figures = _opportunities(params)
    return ReportResult(
        tables=[_feedback(params), opportunities],
        figures=figures,
        chart=chart,
        notes=[
            _(
                "Feedback items by the tickets linked to them in the range (the first %(shown)s); opportunities marked in the range."
            )
            % {"shown": digits(SHOWN)}
        ],
    )


register(
    Report(
        slug="feedback",
        title=_("Feedback and opportunities"),
        description=_("Product feedback items by demand, and sales opportunities by state and value."),
        position=80,
        compute=compute,
        filters=TICKET_FILTERS,
    )
)
