"""Time spent: the hours agents logged (tickets.timetrack), per agent, team, organization, contract or
activity, over the days the work was done. Agent means who logged the time (not the ticket's
assignee); team, organization and contract are the ticket's. One grouped query, one total; grouped by
contract, one more for the contracts' hours banks (used within each contract's own dates)."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from customers.models import ServiceContract
from helpdesk.charts import Chart, Series
from tickets.models import TimeEntry
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.dimensions import filters_q
from tickets.reports.query import grouped, hours, percent, spam_out
from tickets.timetrack.selectors import contracts_hours

GROUPS = ("agent", "team", "organization", "contract", "activity")
FILTERS = ("agent", "team", "organization", "contract", "activity", "product", "channel", "category")
# Filters read from the ticket; agent and activity are the entry's own.
TICKET_SIDE = ("team", "organization", "contract", "product", "channel", "category")
COLUMNS = [
    Column("group", _("Group"), "text"),
    Column("hours", _("Hours"), "number"),
    Column("entries", _("Entries")),
    Column("tickets", _("Tickets")),
    Column("share", _("Share of the time"), "percent"),
]
BANK_COLUMNS = [
    Column("contract", _("Contract"), "text"),
    Column("bank", _("Hours bank"), "number"),
    Column("used", _("Used (contract period)"), "number"),
    Column("left", _("Left"), "number"),
]


def entries_for(params: ReportParams):
    """The entries of the range (by the day the work was done) that the filters keep."""
    filters = params.filters
    q = filters_q(filters, prefix="ticket__", allowed=TICKET_SIDE) & spam_out("ticket__")
    if filters.get("agent"):
        q &= Q(agent_id=filters["agent"])
    if filters.get("activity"):
        q &= Q(activity_id=filters["activity"])
    last_day = (params.end - params.end.resolution).date()  # the range is [start, end)
    return TimeEntry.objects.filter(q, performed_on__gte=params.start.date(), performed_on__lte=last_day).order_by()


def _grouped(entries, key: str) -> list[dict]:
    aggregates = {"minutes": Sum("minutes"), "entries": Count("pk"), "tickets": Count("ticket_id", distinct=True)}
    if key in ("agent", "activity"):
        return grouped(entries, key, path=key, **aggregates)
    return grouped(entries, key, "ticket__", **aggregates)


def _banks(rows: list[dict]) -> Table:
    ids = [row["group_id"] for row in rows if row.get("group_id")]
    contracts = ServiceContract.objects.filter(pk__in=ids, hours_bank__isnull=False).order_by("name")
    banks = contracts_hours(contracts=contracts)
    bank_rows = [
        {
            "contract": bank.contract.name,
            "bank": hours(bank.bank_minutes),
            "used": hours(bank.used_minutes),
            "left": hours(bank.left_minutes),
        }
        for bank in banks
    ]
    return Table("hours_banks", _("Hours banks of these contracts"), BANK_COLUMNS, bank_rows)


def compute(params: ReportParams) -> ReportResult:
    key = params.group_by or "agent"
    entries = entries_for(params)
    total = entries.aggregate(minutes=Sum("minutes"), entries=Count("pk"), tickets=Count("ticket_id", distinct=True))
    whole = total["minutes"] or 0
    rows = [
        {
            "group": row["group"],
            "group_id": row["group_id"],
            "hours": hours(row["minutes"]),
            "entries": row["entries"],
            "tickets": row["tickets"],
            "share": percent(row["minutes"] or 0, whole),
        }
        for row in _grouped(entries, key)
    ]
    rows.sort(key=lambda r: (-(r["hours"] or 0), str(r["group"]).casefold()))
    tables = [Table("time_spent", _("Time spent"), COLUMNS, rows)]
    if key == "contract":
        tables.append(_banks(rows))
    chart = Chart(
        kind="bar",
        title=str(_("Hours")),
        categories=[str(r["group"]) for r in rows],
        series=[Series(str(_("Hours")), [r["hours"] or 0 for r in rows])],
    )
    return ReportResult(
        tables=tables,
        figures=[
            Figure("hours", _("Hours logged"), hours(whole) or 0, "number"),
            Figure("entries", _("Entries"), total["entries"] or 0),
            Figure("tickets", _("Tickets worked on"), total["tickets"] or 0),
        ],
        chart=chart,
        notes=[
            _("By the day the work was done. Agent: who logged the time; team, organization, contract: the ticket's.")
        ],
    )


register(
    Report(
        slug="time",
        title=_("Time spent"),
        description=_("Hours agents logged, per agent, team, organization, contract or activity."),
        position=75,
        compute=compute,
        filters=FILTERS,
        group_by=GROUPS,
        default_group="agent",
    )
)
