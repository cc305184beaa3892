"""Reports: one module per report, each registering itself (see `base`). To add one, write its
module (a `compute(params) -> ReportResult` and a `register(Report(...))`) and import it below."""

from tickets.reports import (  # noqa: F401
    quality,
    recurring,
    referrals,
    sales,
    satisfaction,
    sla,
    time_spent,
    times,
    trends,
    volume,
    workload,
)
from tickets.reports.base import REPORTS, Report, ReportParams, ReportResult, register, report_run

__all__ = ["REPORTS", "Report", "ReportParams", "ReportResult", "register", "report_run"]
