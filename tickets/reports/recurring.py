"""Recurring issues: customers and organizations that came back about the same product within N days.

A ticket created in the range is a return when the same requester (or organization) opened one about
the same product in the N days before it. The database finds them with a window function: LAG of
created_at over each (customer, product) in creation order, among the tickets created from N days
before the range to its end (ticket_created_idx); the returns are then counted per customer.
"""

from datetime import timedelta

from django.db.models import Count, F, Max, Window
from django.db.models.functions import Lag
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.query import TICKET_FILTERS, digits, tickets_for

SHOWN = 50


def _returns(params: ReportParams, who: str):
    """The ids of the tickets in the range that came back within `days` on the same `who` and product."""
    window = (
        tickets_for(params)
        .filter(
            **{f"{who}__isnull": False},
            product__isnull=False,
            created_at__gte=params.start - timedelta(days=params.days),
            created_at__lt=params.end,
        )
        .annotate(
            previous=Window(Lag("created_at"), partition_by=[F(who), F("product")], order_by=[F("created_at"), F("pk")])
        )
        .filter(created_at__gte=params.start, previous__gte=F("created_at") - timedelta(days=params.days))
    )
    return window.values("pk")


def _table(params: ReportParams, who: str, columns: list[Column], label_fields: list[str]) -> tuple[Table, int]:
    rows = list(
        Ticket.objects.filter(pk__in=_returns(params, who))
        .values(who, *label_fields)
        .annotate(returns=Count("pk"), products=Count("product", distinct=True), latest=Max("created_at"))
        .order_by("-returns", "-latest", who)
    )
    for row in rows:
        row["name"] = row.get(f"{who}__full_name") or row.get(f"{who}__email") or row.get(f"{who}__name")
    title = _("Customers who came back") if who == "requester" else _("Organizations that came back")
    shown = [{c.key: row[c.key] for c in columns} for row in rows[:SHOWN]]
    return Table(who, title, columns, shown), len(rows)


def compute(params: ReportParams) -> ReportResult:
    columns = [
        Column("name", _("Name"), "text"),
        Column("returns", _("Returns")),
        Column("products", _("Products")),
        Column("latest", _("Latest"), "date"),
    ]
    customers, customer_count = _table(params, "requester", columns, ["requester__full_name", "requester__email"])
    organizations, organization_count = _table(params, "organization", columns, ["organization__name"])
    return ReportResult(
        tables=[customers, organizations],
        figures=[
            Figure("customers", _("Customers who came back"), customer_count),
            Figure("organizations", _("Organizations that came back"), organization_count),
        ],
        notes=[
            _(
                "A return is a ticket about the same product as one the customer opened in the days before it. The %(shown)s with the most returns are listed; the CSV and the API have the same."
            )
            % {"shown": digits(SHOWN)}
        ],
    )


register(
    Report(
        slug="recurring",
        title=_("Recurring issues"),
        description=_("Customers and organizations that came back about the same product within a few days."),
        position=50,
        compute=compute,
        filters=TICKET_FILTERS,
        options=("days",),
    )
)
