"""SLA compliance: per policy, team, priority (or any dimension) over tickets created in a range.

A target counts as met or breached by the audit trail the SLA code writes (SLA_MET / SLA_BREACHED
events per target), so the report agrees with what agents saw on each ticket; a breach is final (a
later "met late" does not turn it into met). Computed in one grouped query over the reports' summary
(tickets.reports.summary: each ticket's outcomes precomputed for past days, today's EXISTS over its
events), counted per group with median and 90th percentile.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from helpdesk.models import User
from helpdesk.rounding import round_half_up
from tickets.models import ReportRow
from tickets.reports.dimensions import filters_q
from tickets.reports.query import column_percentiles, grouped, percent

GROUPS = {"policy": "sla_policy", "team": "team", "priority": "priority"}


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
        return percent(self.first_response_met, done)

    @property
    def resolution_met_percent(self) -> float | None:
        done = self.resolution_met + self.resolution_breached
        return percent(self.resolution_met, done)


def _aggregates() -> dict[str, Any]:
    found: dict[str, Any] = {"tickets": Count("pk")}
    for target in ("first_response", "resolution"):
        found[f"{target}_met"] = Count("pk", filter=Q(**{f"{target}_met": True, f"{target}_breached": False}))
        found[f"{target}_breached"] = Count("pk", filter=Q(**{f"{target}_breached": True}))
    return found | column_percentiles("first_response_minutes", "frt") | column_percentiles("resolution_minutes", "res")


def _minutes(value: float | None) -> float | None:
    return None if value is None else float(round_half_up(value))


def sla_compliance(
    *, user: User, start: datetime, end: datetime, group_by: str = "policy", filters: dict | None = None
) -> list[ComplianceRow]:
    """Compliance of tickets created in [start, end), grouped by a dimension key ("" for one row of
    everything); agents only (others get nothing)."""
    if not user.is_agent:
        return []
    tickets = ReportRow.objects.filter(filters_q(filters or {}), created_at__gte=start, created_at__lt=end)
    return [
        ComplianceRow(
            group=row["group"],
            tickets=row["tickets"],
            first_response_met=row["first_response_met"],
            first_response_breached=row["first_response_breached"],
            resolution_met=row["resolution_met"],
            resolution_breached=row["resolution_breached"],
            first_response_median_minutes=_minutes(row["frt_percentiles"][0]),
            first_response_p90_minutes=_minutes(row["frt_percentiles"][1]),
            resolution_median_minutes=_minutes(row["res_percentiles"][0]),
            resolution_p90_minutes=_minutes(row["res_percentiles"][1]),
        )
        for row in grouped(tickets.order_by(), group_by, **_aggregates())
        if row["tickets"]
    ]
