"""Thin Celery tasks of customer accounts."""

from celery import shared_task

from . import accounts


@shared_task
def password_reset_mail(email: str) -> None:
    """Mail the reset link for `email`, if it belongs to a login (queued by accounts.password_reset_request)."""
    accounts.password_reset_mail_send(email=email)
