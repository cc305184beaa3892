from celery import shared_task
from django.core import management
from django.utils import timezone

from helpdesk import services

# The outbox's tasks, imported so that the worker's autodiscovery of helpdesk.tasks registers them.
from helpdesk.outbox.tasks import purge_webhook_deliveries, send_notification, sweep_notifications


@shared_task
def worker_heartbeat(name: str = "worker") -> None:
    services.worker_heartbeat_record(name=name, now=timezone.now())


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task
def delete_expired_api_tokens() -> None:
    services.api_tokens_delete_expired(now=timezone.now())


__all__ = [
    "worker_heartbeat",
    "clear_expired_sessions",
    "delete_expired_api_tokens",
    "send_notification",
    "sweep_notifications",
    "purge_webhook_deliveries",
]
