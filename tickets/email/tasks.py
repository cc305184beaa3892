"""Celery tasks of the email channel (thin: the work is in tickets.email)."""

from celery import shared_task
from django.utils import timezone


@shared_task(ignore_result=True)
def poll_mailboxes() -> dict:
    """Fetch new mail of every active IMAP mailbox (each claimed, so two beats never fetch twice)."""
    from tickets.email.imap import mailboxes_poll

    return mailboxes_poll(now=timezone.now())
