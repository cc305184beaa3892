"""Volume: tickets created per day, week or month by channel, product and category (from the reports'
summary, tickets.reports.summary); the backlog open now by age (live, through the open-status index)."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from helpdesk.names import name_in_language
from tickets.models import Channel
from tickets.reports import periods
from tickets.reports.base import Column, Figure, Period, Report, ReportParams, ReportResult, Table, register
from tickets.reports.query import TICKET_FILTERS, open_tickets, report_rows, site_day

TOP_PRODUCTS = 8
# Backlog age buckets: (key, label, younger than this many days); the last has no upper bound.
AGES = (
    ("age_1d", _("Under a day"), 1),
    ("age_3d", _("1–3 days"), 3),
    ("age_7d", _("3–7 days"), 7),
    ("age_30d", _("7–30 days"), 30),
    ("age_older", _("Over 30 days"), None),
)


def _per_period(params: ReportParams, rows, series_keys: list[str]) -> tuple[list[Period], list[dict[str, Any]]]:
    first, last = params.start.date(), (params.end - timedelta(days=1)).date()
    buckets = periods.periods(first, last, params.bucket)
    totals = periods.sum_by_period(rows, params.bucket)
    table: list[dict[str, Any]] = []
    for period in buckets:
        counts = {key: totals.get((period.start, key), 0) for key in series_keys}
        table.append({"period": period, **counts, "total": sum(counts.values())})
    return buckets, table


def _created(params: ReportParams) -> list[tuple]:
    """(day, channel, product, its name, its Persian name, tickets): one pass over the range's summary
    rows for both tables (a day has at most channels x products groups)."""
    return list(
        report_rows(params)
        .annotate(day=site_day("created_at"))
        .values_list("day", "channel", "product", "product__name", "product__name_fa")
        .annotate(n=Count("ticket_id"))
        .order_by()
    )


def _channel_table(params: ReportParams, created: list[tuple]) -> tuple[Table, Chart]:
    by_channel: dict[tuple, int] = {}
    for day, channel, _product, _name, _name_fa, count in created:
        by_channel[day, channel] = by_channel.get((day, channel), 0) + count
    rows = [(day, channel, count) for (day, channel), count in by_channel.items()]
    keys = list(Channel.values)
    buckets, table = _per_period(params, rows, keys)
    columns = [Column("period", _("Period"), "period")]
    columns += [Column(key, label, "int") for key, label in Channel.choices] + [Column("total", _("Total"))]
    chart = Chart(
        kind="line",
        title=str(_("Tickets created by channel")),
        categories=[p.label for p in buckets],
        axis_labels=[p.short for p in buckets],
        over_time=True,
        series=[Series(str(label), [row[key] for row in table]) for key, label in Channel.choices],
    )
    return Table("by_channel", _("Tickets created by channel"), columns, table), chart


def _ranked_table(params: ReportParams, rows: list[tuple], *, key: str, labels: tuple) -> Table:
    """Tickets created per period of the top TOP_PRODUCTS values of a dimension (the rest summed as one
    column) from (day, id, name, Persian name, tickets) rows. `labels`: the table's title, the label of
    tickets without a value, and of the rest."""
    title, none_label, other_label = labels
    totals: dict[str, int] = {}
    names: dict[str, str] = {}
    for _day, pk, name, name_fa, count in rows:
        value = str(pk or "none")
        totals[value] = totals.get(value, 0) + count
        names[value] = name_in_language(name, name_fa) if pk else str(none_label)
    ranked = sorted(totals, key=lambda k: (-totals[k], names[k]))
    shown = ranked[:TOP_PRODUCTS]
    other = set(ranked[TOP_PRODUCTS:])
    day_rows = [(day, "other" if str(p or "none") in other else str(p or "none"), n) for day, p, _n, _f, n in rows]
    keys = shown + (["other"] if other else [])
    _buckets, table = _per_period(params, day_rows, keys)
    columns = [Column("period", _("Period"), "period")]
    columns += [Column(f"{key}_{value}", names[value], "int") for value in shown]
    if other:
        columns.append(Column(f"{key}_other", other_label, "int"))
    columns.append(Column("total", _("Total")))
    renamed = [{"period": r["period"], "total": r["total"]} | {f"{key}_{k}": r[k] for k in keys} for r in table]
    return Table(f"by_{key}", title, columns, renamed)


def _product_table(params: ReportParams, created: list[tuple]) -> Table:
    rows = [(day, product, name, name_fa, count) for day, _channel, product, name, name_fa, count in created]
    labels = (_("Tickets created by product"), _("No product"), _("Other products"))
    return _ranked_table(params, rows, key="product", labels=labels)


def _category_table(params: ReportParams) -> Table:
    """A second pass over the summary rows: by day and category (a subcategory on its own)."""
    rows = list(
        report_rows(params)
        .annotate(day=site_day("created_at"))
        .values_list("day", "category", "category__name", "category__name_fa")
        .annotate(n=Count("ticket_id"))
        .order_by()
    )
    labels = (_("Tickets created by category"), _("No category"), _("Other categories"))
    return _ranked_table(params, rows, key="category", labels=labels)


def _backlog(params: ReportParams) -> tuple[Table, list[Figure]]:
    open_now = open_tickets(params)
    counts = {"open": Count("pk")}
    younger = None
    for key, _label, days in AGES:
        since = params.now - timedelta(days=days) if days else None
        condition = Q(created_at__gt=since) if since else Q()
        if younger is not None:
            condition &= Q(created_at__lte=younger)
        counts[key] = Count("pk", filter=condition) if condition else Count("pk")
        younger = since
    figures = open_now.aggregate(**counts)
    row = dict(figures)
    columns = [Column(key, label, "int") for key, label, _days in AGES] + [Column("open", _("Open now"))]
    table = Table("backlog", _("Backlog (open now) by age"), columns, [row])
    return table, [Figure("open", _("Open now"), figures["open"])]


def compute(params: ReportParams) -> ReportResult:
    created = _created(params)
    channels, chart = _channel_table(params, created)
    backlog, figures = _backlog(params)
    total = sum(row["total"] for row in channels.rows)
    return ReportResult(
        tables=[channels, _product_table(params, created), _category_table(params), backlog],
        figures=[Figure("created", _("Tickets created"), total), *figures],
        chart=chart,
        notes=[_("The backlog is the open tickets now, whatever the date range.")],
    )


register(
    Report(
        slug="volume",
        title=_("Ticket volume"),
        description=_("Tickets created by channel, product and category over time, and the backlog by age."),
        position=10,
        compute=compute,
        filters=TICKET_FILTERS,
        options=("bucket",),
        summary=True,
    )
)
