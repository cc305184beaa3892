"""SLA compliance reports: per policy, team or priority over a date range (tickets created in it).

A target counts as met or breached by the audit trail the SLA code writes (SLA_MET / SLA_BREACHED
events per target), so the report agrees with what agents saw on each ticket.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation

from helpdesk.models import User
from tickets.models import EventKind, Ticket, TicketEvent

GROUPS = {"policy": "sla_policy", "team": "team", "priority": "priority"}


def _group_column(group_by: str) -> str | Coalesce:
    """What a row is grouped by: the priority, or the policy's or team's name in the active language."""
    column = GROUPS[group_by]
    if column == "priority":
        return column
    if (translation.get_language() or "").startswith("fa"):
        return Coalesce(NullIf(f"{column}__name_fa", Value("")), f"{column}__name")
    return f"{column}__name"


@dataclass(frozen=True)
class ComplianceRow:
    group: str
    tickets: int
    first_response_met: int
    first_response_breached: int
    resolution_met: int
    resolution_breached: int
    first_response_median_minutes: float | None
    first_response_p90_minutes: float | None
    resolution_median_minutes: float | None
    resolution_p90_minutes: float | None

    @property
    def first_response_met_percent(self) -> float | None:
        done = self.first_response_met + self.first_response_breached
        return round(100 * self.first_response_met / done, 1) if done else None

    @property
    def resolution_met_percent(self) -> float | None:
        done = self.resolution_met + self.resolution_breached
        return round(100 * self.resolution_met / done, 1) if done else None


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return round(ordered[index], 1)


def sla_compliance(*, user: User, start: datetime, end: datetime, group_by: str = "policy") -> list[ComplianceRow]:
    """Compliance of tickets created in [start, end), grouped; agents only (others get nothing)."""
    if not user.is_agent or group_by not in GROUPS:
        return []
    column = _group_column(group_by)
    rows = list(
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end, merged_into__isnull=True).values_list(
            "pk", column, "created_at", "first_responded_at", "solved_at"
        )
    )
    ids = [row[0] for row in rows]
    outcome: dict[tuple[int, str], str] = {}
    for ticket_id, kind, field in (
        TicketEvent.objects.filter(ticket_id__in=ids, kind__in=[EventKind.SLA_MET, EventKind.SLA_BREACHED])
        .order_by("id")
        .values_list("ticket_id", "kind", "field")
    ):
        # a breach is final: a later "met late" or a second record does not turn it into met
        if outcome.get((ticket_id, field)) != EventKind.SLA_BREACHED:
            outcome[(ticket_id, field)] = kind
    groups: dict[str, dict] = defaultdict(lambda: {"tickets": 0, "frt": [], "res": [], "counts": defaultdict(int)})
    for pk, group, created_at, first_responded_at, solved_at in rows:
        bucket = groups[str(group) if group is not None else "—"]
        bucket["tickets"] += 1
        if first_responded_at:
            bucket["frt"].append((first_responded_at - created_at).total_seconds() / 60)
        if solved_at:
            bucket["res"].append((solved_at - created_at).total_seconds() / 60)
        for target in ("first_response", "resolution"):
            result = outcome.get((pk, target))
            if result:
                bucket["counts"][(target, result)] += 1
    report = []
    for name, bucket in sorted(groups.items()):
        counts = bucket["counts"]
        report.append(
            ComplianceRow(
                group=name,
                tickets=bucket["tickets"],
                first_response_met=counts[("first_response", EventKind.SLA_MET)],
                first_response_breached=counts[("first_response", EventKind.SLA_BREACHED)],
                resolution_met=counts[("resolution", EventKind.SLA_MET)],
                resolution_breached=counts[("resolution", EventKind.SLA_BREACHED)],
                first_response_median_minutes=round(median(bucket["frt"]), 1) if bucket["frt"] else None,
                first_response_p90_minutes=_percentile(bucket["frt"], 0.9),
                resolution_median_minutes=round(median(bucket["res"]), 1) if bucket["res"] else None,
                resolution_p90_minutes=_percentile(bucket["res"], 0.9),
            )
        )
    return report
