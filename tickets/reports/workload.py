"""Agent and team workload: open tickets assigned now, tickets solved in the range, public replies
written in the range; per agent or per team (three grouped queries, joined by the group's id). Without
filters each reads indexes alone (ticket_open_assignee_idx, ticket_solved_report_idx, and
message_agent_public_idx joined to ticket_id_created_idx)."""

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from helpdesk.charts import Chart, Series
from tickets.models import Message
from tickets.reports.base import Column, Figure, Report, ReportParams, ReportResult, Table, register
from tickets.reports.dimensions import filters_q
from tickets.reports.query import TICKET_FILTERS, grouped, open_tickets, spam_out, tickets_for

COLUMNS = [
    Column("group", _("Group"), "text"),
    Column("open_assigned", _("Open, assigned")),
    Column("solved", _("Solved in range")),
    Column("replies", _("Replies in range")),
]


def compute(params: ReportParams) -> ReportResult:
    key = params.group_by or "agent"
    open_now = grouped(open_tickets(params).filter(assignee__isnull=False), key, n=Count("pk"))
    solved = grouped(
        tickets_for(params).filter(solved_at__gte=params.start, solved_at__lt=params.end), key, n=Count("pk")
    )
    messages = Message.objects.filter(
        filters_q(params.filters, prefix="ticket__"),
        spam_out("ticket__"),
        created_at__gt=F("ticket__created_at"),  # a reply, not the opening message of a ticket an agent opened
        author_contact__isnull=True,
        internal=False,
        created_at__gte=params.start,
        created_at__lt=params.end,
    ).order_by()
    # COUNT(*), grouped by the id alone: message_agent_public_idx and ticket_id_created_idx answer
    # without reading a row (a year at 1M tickets: 2.0 s -> 0.7 s)
    authored = messages.filter(author_user__isnull=False)
    if key == "agent":  # replies count for their author, whoever owns the ticket
        replies = grouped(authored, "agent", path="author_user", labels_apart=True, n=Count("*"))
    else:
        replies = grouped(authored, key, "ticket__", labels_apart=True, n=Count("*"))
    merged: dict = {}
    for column, found in (("open_assigned", open_now), ("solved", solved), ("replies", replies)):
        for row in found:
            entry = merged.setdefault(
                row["group_id"], {"group": row["group"], "open_assigned": 0, "solved": 0, "replies": 0}
            )
            entry[column] = row["n"]
    rows = sorted(merged.values(), key=lambda r: (-r["open_assigned"] - r["solved"], str(r["group"]).casefold()))
    chart = Chart(
        kind="bar",
        title=str(_("Workload")),
        categories=[r["group"] for r in rows],
        series=[Series(str(c.label), [r[c.key] for r in rows]) for c in COLUMNS[1:]],
    )
    return ReportResult(
        tables=[Table("workload", _("Workload"), COLUMNS, rows)],
        figures=[Figure("open_assigned", _("Open, assigned"), sum(r["open_assigned"] for r in rows))],
        chart=chart,
        notes=[_("Open tickets are counted now; solved tickets and public replies in the date range.")],
    )


register(
    Report(
        slug="workload",
        title=_("Agent and team workload"),
        description=_("Open tickets each agent or team holds, tickets solved and replies written."),
        position=70,
        compute=compute,
        filters=TICKET_FILTERS,
        group_by=("agent", "team"),
        default_group="agent",
    )
)
