"""Thin Celery tasks: take ids, call a service that re-checks state."""

from celery import shared_task
from django.utils import timezone

from tickets import notifications, webhooks


@shared_task(bind=True, max_retries=6, default_retry_delay=30, retry_backoff=True)
def send_notification(self, notification_id: int) -> None:
    try:
        notifications.notification_send(notification_id=notification_id)
    except webhooks.WebhookFailed:
        return  # the row now says when to try again; the notification sweep does it
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def sweep_notifications() -> int:
    """Re-send what a dead worker or a lost broker message left unsent."""
    due = notifications.notifications_due(now=timezone.now())
    for notification_id in due:
        send_notification.delay(notification_id)
    return len(due)


@shared_task
def purge_webhook_deliveries() -> int:
    """Nightly: delete webhook deliveries older than HELPDESK_WEBHOOK_KEEP_DAYS."""
    return webhooks.webhook_deliveries_purge(now=timezone.now())


@shared_task
def sla_sweep() -> dict:
    """Warnings, breaches and escalations that have come due (claimed per ticket)."""
    from tickets.sla.escalation import sla_sweep as sweep

    return sweep(now=timezone.now())
