"""First-contact resolution and reopen rate of the tickets created in the range.

Solved at first contact: solved now with exactly one public agent reply and never reopened. Reopened:
the audit trail has a status change from solved back to an open status (`STATUS_CHANGED` events).
Both are columns of the reports' summary (tickets.reports.summary): past days precomputed, today live.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.models import Status
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.query import TICKET_FILTERS, grouped, percent, report_rows

GROUPS = ("team", "agent", "product", "organization", "channel", "category", "priority")
DONE = (Status.SOLVED, Status.CLOSED)


def _aggregates() -> dict:
    return {
        "tickets": Count("pk"),
        "solved": Count("pk", filter=Q(status__in=DONE)),
        "ever_solved": Count("pk", filter=Q(status__in=DONE) | Q(reopened=True)),
        "first_contact": Count("pk", filter=Q(status__in=DONE, agent_replies=1, reopened=False)),
        "reopened_tickets": Count("pk", filter=Q(reopened=True)),
    }


def _row(found: dict) -> dict:
    return {
        "group": found["group"],
        "tickets": found["tickets"],
        "solved": found["solved"],
        "first_contact": found["first_contact"],
        "first_contact_percent": percent(found["first_contact"], found["solved"]),
        "reopened": found["reopened_tickets"],
        "reopened_percent": percent(found["reopened_tickets"], found["ever_solved"]),
    }


COLUMNS = [
    Column("group", _("Group"), "text"),
    Column("tickets", _("Tickets")),
    Column("solved", _("Solved")),
    Column("first_contact", _("Solved at first contact")),
    Column("first_contact_percent", _("First-contact resolution"), "percent"),
    Column("reopened", _("Reopened")),
    Column("reopened_percent", _("Reopen rate"), "percent"),
]


def compute(params: ReportParams) -> ReportResult:
    tickets = report_rows(params)  # agent_replies and reopened are summary columns
    rows = [_row(r) for r in grouped(tickets, params.group_by, **_aggregates())]
    [total] = [_row(r) for r in grouped(tickets, "", **_aggregates())]
    chart = Chart(
        kind="bar",
        title=str(_("First-contact resolution and reopen rate (%)")),
        categories=[row["group"] for row in rows],
        series=[
            Series(str(_("First-contact resolution")), [r["first_contact_percent"] for r in rows]),
            Series(str(_("Reopen rate")), [r["reopened_percent"] for r in rows]),
        ],
    )
    return ReportResult(
        tables=[Table("quality", _("First-contact resolution and reopens"), COLUMNS, rows)],
        figures=[
            Figure("first_contact_percent", _("First-contact resolution"), total["first_contact_percent"], "percent"),
            Figure("reopened_percent", _("Reopen rate"), total["reopened_percent"], "percent"),
        ],
        chart=chart,
        notes=[
            _(
                "First-contact resolution: solved tickets with one public agent reply that were never reopened, of the solved tickets. Reopen rate: of the tickets ever solved."
            )
        ],
    )


register(
    Report(
        slug="resolution",
        title=_("First-contact resolution and reopens"),
        description=_("How many tickets were solved with one answer, and how many came back after being solved."),
        position=30,
        compute=compute,
        filters=TICKET_FILTERS,
        group_by=GROUPS,
        default_group="team",
        summary=True,
    )
)
