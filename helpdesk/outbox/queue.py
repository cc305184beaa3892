"""Queueing: an outbound mail or webhook delivery becomes a row in the caller's transaction, once
per key, and a worker is woken up to send it after that transaction commits."""

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.aftercommit import enqueue_on_commit
from helpdesk.outbox import tasks
from helpdesk.outbox.headers import new_message_id
from helpdesk.outbox.models import NotificationLog
from helpdesk.outbox.schedule import unclaimed

logger = logging.getLogger(__name__)


def notification_queue(
    *, key: str, recipient: str, template: str, context: dict[str, Any], ticket_id: int | None = None
) -> NotificationLog | None:
    """Store one outbound mail (once per key) and send it after the transaction commits.

    Returns the new row, or None when there is no recipient or the key was queued before. No
    recipient is no mail, decided here for every sender: a customer known by phone only has no
    address, and what was written to them stays on the ticket (they hear it on the phone)."""
    if not recipient:
        logger.info("mail %s not queued (%s): no recipient address", key, template)
        return None
    try:
        with transaction.atomic():
            row = NotificationLog.objects.create(
                key=key[:200],
                recipient=recipient,
                template=template,
                ticket_id=ticket_id,
                context=context,
                # Chosen once, before the first attempt: a retry sends the same id, and a reply
                # to it threads back (tickets.email.ingest looks it up).
                message_id=new_message_id(),
            )
    except IntegrityError:
        return None  # already queued: exactly once
    enqueue_on_commit(tasks.send_notification, row.pk)
    return row


def notifications_queue_many(*, items: list[dict[str, Any]], now: datetime) -> int:
    """`notification_queue` for many rows in one INSERT (the SLA sweep's batches, webhook deliveries).

    Each item has key, recipient, template, ticket_id and context; a webhook delivery also `webhook`
    (its endpoint). Keys already queued are skipped (exactly once); the new rows are sent after the
    transaction commits. Returns how many are new.
    """
    rows = [
        NotificationLog(
            kind=NotificationLog.Kind.WEBHOOK if item.get("webhook") else NotificationLog.Kind.EMAIL,
            key=item["key"][:200],
            recipient=item["recipient"][:320],
            template=item["template"],
            ticket_id=item.get("ticket_id"),
            context=item["context"],
            webhook=item.get("webhook"),
            message_id="" if item.get("webhook") else new_message_id(),
            created_at=now,
        )
        for item in items
        if item["recipient"]
    ]
    if len(rows) < len(items):
        logger.info("%s of %s mails not queued: no recipient address", len(items) - len(rows), len(items))
    if not rows:
        return 0
    NotificationLog.objects.bulk_create(rows, ignore_conflicts=True)
    # The rows this call inserted carry its `now`; a key queued before keeps its older row.
    new_ids = list(
        NotificationLog.objects.filter(key__in=[row.key for row in rows], created_at=now).values_list("pk", flat=True)
    )
    for notification_id in new_ids:
        enqueue_on_commit(tasks.send_notification, notification_id)
    return len(new_ids)


def notifications_resend(*, ids: list[int]) -> int:
    """Send these unsent rows again from scratch (attempts and backoff reset): the admin's retry.

    A row a worker is sending right now (its claim's lease runs) is left to that worker: letting its
    claim go would have a second worker send the same mail beside it. Returns how many were reset.
    """
    with transaction.atomic():
        unsent = NotificationLog.objects.select_for_update().filter(
            unclaimed(timezone.now()), pk__in=ids, sent_at__isnull=True
        )
        ids = list(unsent.values_list("pk", flat=True))
        NotificationLog.objects.filter(pk__in=ids).update(attempts=0, claimed_at=None, next_attempt_at=None)
        for notification_id in ids:
            enqueue_on_commit(tasks.send_notification, notification_id)
    return len(ids)
