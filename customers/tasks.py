"""Thin Celery tasks of customer accounts.

Account mail goes through the outbox (helpdesk.outbox); this task only keeps the jobs that an
earlier version queued under this name working: it queues the outbox row they stand for.
"""

from celery import shared_task

from customers import accounts


@shared_task
def password_reset_mail(email: str) -> None:
    """A reset request queued before account mail went through the outbox: queue its outbox row."""
    accounts.password_reset_request(email=email)
