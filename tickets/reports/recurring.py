"""Recurring issues: customers and organizations that came back about the same product (or, as chosen,
the same category) within N days.

A ticket created in the range is a return when the same requester (or organization) opened one about
the same product (category) in the N days before it (that one may be before the range). The database
finds them with window functions: LAG of created_at over each (customer, product) and each
(organization, product) in creation order, among the tickets created from N days before the range to its end; the
returns are then counted per customer and per organization, in the same statement.

Read from the reports' summary (tickets.reports.summary, the view ReportRow: whole past days from the
summary table, today live), which carries each ticket's requester, organization, product and the
filters' dimensions: one scan of a narrow table, two sorts, instead of two passes over the tickets.
"""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import Lag
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Organization
from tickets.models import ReportRow
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.dimensions import filters_q
from tickets.reports.query import TICKET_FILTERS, digits

SHOWN = 50
WHO = ("requester", "organization")
# Per customer (0) and per organization (1): the returns, their products (or categories: the column
# `about`) and the latest, most first.
# `rows` is the window query below (our SQL, compiled by Django); nothing from the request is pasted.
COUNTS = """
WITH rows AS ({rows})
SELECT 0, requester, COUNT(*), COUNT(DISTINCT about_id), MAX(created_at) FROM rows
 WHERE in_range AND requester IS NOT NULL AND requester_previous >= cutoff GROUP BY requester
UNION ALL
SELECT 1, organization, COUNT(*), COUNT(DISTINCT about_id), MAX(created_at) FROM rows
 WHERE in_range AND organization IS NOT NULL AND organization_previous >= cutoff GROUP BY organization
ORDER BY 1, 3 DESC, 5 DESC, 2"""


def _rows(params: ReportParams):
    """The filtered summary rows from `days` before the range to its end, each with the creation time
    of the one before it on the same customer and product (category: `params.about`), and on the same
    organization and product. The range's start is a column, not a filter: a filter would drop the
    earlier tickets before LAG."""
    earlier = timedelta(days=params.days)
    about = "category" if params.about == "category" else "product"
    previous = {
        f"{who}_previous": Window(
            Lag("created_at"), partition_by=[F(who), F(about)], order_by=[F("created_at"), F("pk")]
        )
        for who in WHO
    }
    return (
        ReportRow.objects.order_by()
        .filter(
            filters_q(params.filters),
            Q(requester__isnull=False) | Q(organization__isnull=False),
            **{f"{about}__isnull": False},
            created_at__gte=params.start - earlier,
            created_at__lt=params.end,
        )
        .annotate(
            **previous,
            about_id=F(about),
            cutoff=F("created_at") - earlier,
            in_range=ExpressionWrapper(Q(created_at__gte=params.start), output_field=BooleanField()),
        )
        .values(*WHO, "about_id", "created_at", "cutoff", "in_range", *previous)
    )


def _moment(value) -> datetime:
    if isinstance(value, str):  # SQLite answers text
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _counts(params: ReportParams) -> dict[str, list[dict]]:
    sql, query_params = _rows(params).query.sql_with_params()
    found: dict[str, list[dict]] = {who: [] for who in WHO}
    with connection.cursor() as cursor:
        cursor.execute(COUNTS.format(rows=sql), query_params)
        for kind, pk, returns, products, latest in cursor.fetchall():
            found[WHO[kind]].append({"pk": pk, "returns": returns, "products": products, "latest": _moment(latest)})
    return found


def _names(who: str, rows: list[dict]) -> None:
    """Each shown row's name (one query)."""
    pks = [row["pk"] for row in rows]
    if who == "requester":
        names = {
            pk: full_name or email
            for pk, full_name, email in Contact.objects.filter(pk__in=pks).values_list("pk", "full_name", "email")
        }
    else:
        names = dict(Organization.objects.filter(pk__in=pks).values_list("pk", "name"))
    for row in rows:
        row["name"] = names.get(row["pk"])


def compute(params: ReportParams) -> ReportResult:
    by_category = params.about == "category"
    columns = [
        Column("name", _("Name"), "text"),
        Column("returns", _("Returns")),
        Column("products", _("Categories") if by_category else _("Products")),
        Column("latest", _("Latest"), "date"),
    ]
    counts = _counts(params)
    tables = []
    for who, title in (
        ("requester", _("Customers who came back")),
        ("organization", _("Organizations that came back")),
    ):
        shown = counts[who][:SHOWN]
        _names(who, shown)
        tables.append(Table(who, title, columns, [{c.key: row[c.key] for c in columns} for row in shown]))
    return ReportResult(
        tables=tables,
        figures=[
            Figure("customers", _("Customers who came back"), len(counts["requester"])),
            Figure("organizations", _("Organizations that came back"), len(counts["organization"])),
        ],
        notes=[
            _(
                "A return is a ticket about the same category as one the customer opened in the days before it. The %(shown)s with the most returns are listed; the CSV and the API have the same."
            )
            % {"shown": digits(SHOWN)}
            if by_category
            else _(
                "A return is a ticket about the same product as one the customer opened in the days before it. The %(shown)s with the most returns are listed; the CSV and the API have the same."
            )
            % {"shown": digits(SHOWN)}
        ],
    )


register(
    Report(
        slug="recurring",
        title=_("Recurring issues"),
        description=_(
            "Customers and organizations that came back about the same product or category within a few days."
        ),
        position=50,
        compute=compute,
        filters=TICKET_FILTERS,
        options=("days", "about"),
        summary=True,
    )
)
