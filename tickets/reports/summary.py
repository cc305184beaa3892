"""The reports' summary (tickets.models.reporting): filled by the Celery job `report_summary_refresh`
(every 10 minutes, helpdesk/celery.py) and read by the heavy reports through the view `ReportRow`.

A refresh first summarises whole days not yet covered, oldest first, one transaction per batch of
days, moving `covered_until` in the same transaction (so a reader sees every ticket exactly once:
from the table before it, live after it, whatever a refresh is doing); then, in one transaction, it
re-reads the tickets created in the last HELPDESK_REPORT_SUMMARY_RECENT_DAYS days and every older
ticket updated (ticket_updated_idx) or given a status or SLA event (the events' primary key) since
the previous refresh, deleting and inserting their rows.
Both steps insert from the view `tickets_reportfactsource`, the same SQL that serves today live, so
the summary and the live computation cannot disagree. The summary row is locked for the whole
refresh: two workers or two beats never fill at once.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from tickets.models import ReportFact, ReportSummary, Ticket, TicketEvent
from tickets.reports.params import site_zone

COLUMNS = [field.column for field in ReportFact._meta.concrete_fields]
# Tickets updated this long before a refresh began are re-read again by the next one: a transaction
# that stamped updated_at just before the refresh may commit just after its snapshot.
OVERLAP = timedelta(minutes=5)
# The same for events: ids are handed out before their transaction commits, so the last few hundred
# below the highest seen are read again.
EVENT_OVERLAP = 1000
# Tickets created before the recent days (param 1) that changed since the last refresh: updated
# (param 2, ticket_updated_idx) or given a status or SLA event (ids above param 3, the events' pkey).
CHANGED = (
    "SELECT t.id FROM tickets_ticket t WHERE t.created_at < %s AND (t.updated_at >= %s OR t.id IN"
    " (SELECT e.ticket_id FROM tickets_ticketevent e WHERE e.id > %s"
    " AND e.kind IN ('status_changed', 'sla_met', 'sla_breached')))"
)


def day_start(day: date) -> datetime:
    """The first moment of a site-time-zone day."""
    return datetime.combine(day, time(0), tzinfo=site_zone())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment, site_zone()).date()


def _insert(where: str, params: list) -> int:
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO tickets_reportfact ({columns}) SELECT {columns} FROM tickets_reportfactsource WHERE {where}",  # noqa: S608 (our constants, values as params)
            params,
        )
        return cursor.rowcount


def _locked() -> ReportSummary:
    ReportSummary.objects.get_or_create(pk=1)
    return ReportSummary.objects.select_for_update().get(pk=1)


def _fill_next_days(*, today: date, batch_days: int) -> int | None:
    """Summarises the next `batch_days` whole days not yet covered (one transaction); None when none
    is left."""
    with transaction.atomic():
        state = _locked()
        if state.covered_until is not None:
            first = _local_day(state.covered_until)
        else:
            oldest = Ticket.objects.aggregate(oldest=Min("created_at"))["oldest"]
            first = _local_day(oldest) if oldest is not None else today
        if first >= today:
            if state.covered_until is None or state.covered_until < day_start(today):
                state.covered_until = day_start(today)
                state.save(update_fields=["covered_until"])
            return None
        end = min(first + timedelta(days=batch_days), today)
        # nothing there in normal runs; a covered_until set back by hand is refilled, not doubled
        ReportFact.objects.filter(created_at__gte=day_start(first), created_at__lt=day_start(end)).delete()
        inserted = _insert("created_at >= %s AND created_at < %s", [day_start(first), day_start(end)])
        state.covered_until = day_start(end)
        state.save(update_fields=["covered_until"])
        return inserted


def _reread_recent(*, today: date, now: datetime) -> tuple[int, int]:
    """Re-reads the recent days and the older tickets changed since the last refresh (one transaction)."""
    with transaction.atomic():
        state = _locked()
        recent_from = day_start(today - timedelta(days=settings.HELPDESK_REPORT_SUMMARY_RECENT_DAYS))
        covered = state.covered_until or day_start(today)
        recent_from = min(recent_from, covered)
        ReportFact.objects.filter(created_at__gte=recent_from).delete()
        recent = _insert("created_at >= %s AND created_at < %s", [recent_from, covered])
        changed = 0
        last_event = TicketEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        if state.changes_since is not None:
            params = [recent_from, state.changes_since, max(0, state.events_after_id - EVENT_OVERLAP)]
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM tickets_reportfact WHERE ticket_id IN ({CHANGED})", params)  # noqa: S608 (a constant)
            changed = _insert(f"ticket_id IN ({CHANGED})", params)
        state.changes_since = now - OVERLAP
        state.events_after_id = last_event
        state.refreshed_at = timezone.now()
        state.save(update_fields=["changes_since", "events_after_id", "refreshed_at"])
        return recent, changed


def _prune() -> int:
    """Drops the rows of tickets deleted since (the retention rules); once a day, when a day is added."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tickets_reportfact WHERE NOT EXISTS"
            " (SELECT 1 FROM tickets_ticket t WHERE t.id = tickets_reportfact.ticket_id)"
        )
        return cursor.rowcount


def report_summary_refresh(*, now: datetime | None = None, batch_days: int = 31) -> dict[str, int]:
    """Brings the summary up to the start of today (site time zone) and re-reads what may have changed.
    Safe to run at any time and twice at once (the second waits for the first's lock)."""
    now = now or timezone.now()
    today = _local_day(now)
    filled = days_added = 0
    while (inserted := _fill_next_days(today=today, batch_days=batch_days)) is not None:
        filled += inserted
        days_added += 1
    pruned = _prune() if days_added else 0
    if days_added and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_reportfact")  # the planner's row estimates for the new days
    recent, changed = _reread_recent(today=today, now=now)
    return {"filled": filled, "recent": recent, "changed": changed, "pruned": pruned}


def summary_state() -> ReportSummary | None:
    """The summary's row (None before the first refresh); one query."""
    return ReportSummary.objects.filter(pk=1).first()
