"""The outbox's Celery tasks: thin, they take ids and call the outbox's functions.

Their names are the ones they had when the outbox lived in `tickets`: jobs already in the broker
and the beat schedule keep working across the upgrade.
"""

import logging

from celery import shared_task
from django.utils import timezone

from helpdesk.outbox import delivery, sending

logger = logging.getLogger(__name__)


@shared_task(name="tickets.tasks.send_notification")
def send_notification(notification_id: int) -> None:
    """Send one row if it is due; a job for a row that is sent, held or backing off does nothing (jobs
    pile up while workers are away). A failure is recorded on the row, which says when to try again;
    the sweep does it (Celery never retries on its own: one attempt count, one backoff,
    helpdesk.outbox.schedule)."""
    try:
        sending.notification_send(notification_id=notification_id)
    except delivery.WebhookFailed:
        return
    except Exception as exc:  # noqa: BLE001 - recorded on the row already
        logger.info("notification %s not sent (%s); the sweep retries it after its backoff", notification_id, exc)


@shared_task(name="tickets.tasks.sweep_notifications")
def sweep_notifications() -> int:
    """Re-send what a dead worker, a failed send or a lost broker message left unsent."""
    due = sending.notifications_due(now=timezone.now())
    for notification_id in due:
        send_notification.delay(notification_id)
    return len(due)


@shared_task(name="tickets.tasks.purge_webhook_deliveries")
def purge_webhook_deliveries() -> int:
    """Nightly: delete webhook deliveries older than HELPDESK_WEBHOOK_KEEP_DAYS."""
    return delivery.webhook_deliveries_purge(now=timezone.now())
