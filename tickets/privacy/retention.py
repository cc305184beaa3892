"""Retention: closed tickets, raw inbound mail, finished outbox rows and audit history removed after N months.

Each rule is off until its HELPDESK_RETENTION_* setting gives a number of months. The nightly beat task
and `manage.py retention` call `retention_run`; with `dry_run` it only counts what would go. Work is
done in batches of HELPDESK_RETENTION_BATCH rows, each in its own transaction, so no table is locked
long; a rerun finds nothing left to do (anonymised tickets are stamped, deleted rows are gone).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from helpdesk.audit.services import history_prune
from helpdesk.models import NotificationLog
from helpdesk.outbox.delivery import WEBHOOK_MAX_ATTEMPTS
from tickets.models import Attachment, InboundEmail, Status, Ticket
from tickets.privacy.content import tickets_anonymise
from tickets.privacy.scrub import delete_files_on_commit

ANONYMISE, DELETE = "anonymise", "delete"


@dataclass(frozen=True)
class RetentionResult:
    rule: str  # closed_tickets, inbound_mail, outbox, audit_history
    action: str  # anonymise or delete
    months: int
    cutoff: datetime
    count: int  # rows changed, or with dry_run the rows that would be


def months_before(now: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when shorter)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    for day in range(now.day, 0, -1):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(now)  # unreachable: day 1 exists in every month


def retention_run(*, now: datetime, dry_run: bool = False) -> list[RetentionResult]:
    """Apply every retention rule that is switched on; returns one result per rule switched on."""
    results = []
    rules: list[tuple[str, int, str, Callable[[datetime], QuerySet], Callable[[list[int], datetime], int]]] = [
        (
            "closed_tickets",
            settings.HELPDESK_RETENTION_CLOSED_TICKETS_MONTHS,
            settings.HELPDESK_RETENTION_CLOSED_TICKETS_ACTION,
            _closed_tickets,
            _tickets_delete if settings.HELPDESK_RETENTION_CLOSED_TICKETS_ACTION == DELETE else _tickets_anonymise,
        ),
        ("inbound_mail", settings.HELPDESK_RETENTION_INBOUND_MAIL_MONTHS, DELETE, _inbound_mail, _inbound_delete),
        ("outbox", settings.HELPDESK_RETENTION_OUTBOX_MONTHS, DELETE, _outbox, _outbox_delete),
    ]
    for rule, months, action, select, apply in rules:
        if months <= 0:
            continue
        cutoff = months_before(now, months)
        due = select(cutoff)
        count = due.count() if dry_run else _in_batches(due, apply, now)
        results.append(RetentionResult(rule=rule, action=action, months=months, cutoff=cutoff, count=count))
    if settings.HELPDESK_RETENTION_AUDIT_MONTHS > 0:  # the audit trail's rows (helpdesk.audit)
        months = settings.HELPDESK_RETENTION_AUDIT_MONTHS
        cutoff = months_before(now, months)
        count = history_prune(before=cutoff, dry_run=dry_run, batch=settings.HELPDESK_RETENTION_BATCH)
        results.append(RetentionResult(rule="audit_history", action=DELETE, months=months, cutoff=cutoff, count=count))
    return results


def _in_batches(due: QuerySet, apply: Callable[[list[int], datetime], int], now: datetime) -> int:
    """Claim a batch of rows (locked, skipping rows another run holds: two beats never act twice on one
    row), apply the rule to it and commit; until no row is left."""
    total = 0
    while True:
        with transaction.atomic():
            claimed = due.select_for_update(skip_locked=True).order_by("pk")
            ids = list(claimed.values_list("pk", flat=True)[: settings.HELPDESK_RETENTION_BATCH])
            if not ids:
                return total
            total += apply(ids, now)


def _closed_tickets(cutoff: datetime) -> QuerySet[Ticket]:
    # served by ticket_retention_idx (closed, not anonymised, by closed_at)
    return Ticket.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True)


def _tickets_anonymise(ids: list[int], now: datetime) -> int:
    return tickets_anonymise(ticket_ids=ids, now=now, reason="retention")


def _tickets_delete(ids: list[int], now: datetime) -> int:
    """Delete the tickets with everything on them; their files and raw mail go once committed."""
    delete_files_on_commit(a.file for a in Attachment.objects.filter(ticket_id__in=ids))
    _inbound_delete(list(InboundEmail.objects.filter(ticket_id__in=ids).values_list("pk", flat=True)), now)
    Ticket.objects.filter(merged_into_id__in=ids).update(merged_into=None)
    Ticket.objects.filter(pk__in=ids).delete()
    return len(ids)


def _inbound_mail(cutoff: datetime) -> QuerySet[InboundEmail]:
    return InboundEmail.objects.filter(received_at__lt=cutoff)


def _inbound_delete(ids: list[int], now: datetime) -> int:
    mails = InboundEmail.objects.filter(pk__in=ids)
    delete_files_on_commit(mail.raw for mail in mails)
    return mails.delete()[0]


def _outbox(cutoff: datetime) -> QuerySet[NotificationLog]:
    """Mails and webhook deliveries that are finished: sent, dropped, or a webhook given up on."""
    finished = Q(sent_at__isnull=False) | Q(webhook__isnull=False, attempts__gte=WEBHOOK_MAX_ATTEMPTS)
    return NotificationLog.objects.filter(finished, created_at__lt=cutoff)


def _outbox_delete(ids: list[int], now: datetime) -> int:
    return NotificationLog.objects.filter(pk__in=ids).delete()[0]
