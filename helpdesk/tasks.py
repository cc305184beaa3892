from celery import shared_task
from django.core import management
from django.utils import timezone

from . import services


@shared_task
def worker_heartbeat(name: str = "worker") -> None:
    services.worker_heartbeat_record(name=name, now=timezone.now())


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task
def delete_expired_api_tokens() -> None:
    services.api_tokens_delete_expired(now=timezone.now())
