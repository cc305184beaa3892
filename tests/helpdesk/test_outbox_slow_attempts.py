"""An attempt slower than its backoff step: the row still waits the whole step, and no second worker
sends the mail beside the first.

The defect: a failed attempt counted its backoff from the claim, so an SMTP attempt that ended with
a one-minute timeout, against a first backoff of one minute, let the row go already due, and the next
piled-up job or sweep tried it again at once. The backoff now counts from when the
attempt ended; while it runs, the claim's lease keeps every other worker away, the admin's "send
again" included. Real parts: an SMTP server on loopback that stalls, the database, threads for
workers; the attempt's length is set through `now` (the claim made a step and more ago).
"""

import secrets
import smtplib
import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from helpdesk.models import NotificationLog
from helpdesk.outbox import queue
from helpdesk.outbox.headers import new_message_id
from helpdesk.outbox.schedule import retry_backoff
from helpdesk.outbox.sending import RESEND_HEADER, notification_send, notifications_due
from tests.conftest import wait_for


def _mail() -> NotificationLog:
    return NotificationLog.objects.create(
        key=f"slow:{secrets.token_hex(4)}",
        recipient="carla@acme.test",
        template="account_exists",
        context={"language": "en", "login_url": "/account/login/", "reset_url": "/account/password-reset/"},
        message_id=new_message_id(),
        created_at=timezone.now() - timedelta(minutes=10),
    )


@pytest.mark.django_db
def test_a_mail_attempt_slower_than_its_backoff_waits_the_whole_step_from_when_it_ended(faulty_smtp_settings, settings):
    smtp = faulty_smtp_settings
    settings.EMAIL_TIMEOUT = 1
    smtp.delay = 3  # the server stalls after DATA: the attempt ends with the client's timeout
    row = _mail()
    claimed = timezone.now() - retry_backoff(1) - timedelta(seconds=10)  # the attempt began over a step ago
    before = timezone.now()
    with pytest.raises(smtplib.SMTPException):
        notification_send(notification_id=row.pk, now=claimed)
    row.refresh_from_db()
    assert smtp.attempts == 1 and row.attempts == 1 and row.sent_at is None and row.claimed_at is None
    assert before + retry_backoff(1) <= row.next_attempt_at <= timezone.now() + retry_backoff(1)

    # not due at once: neither the sweep nor a job queued meanwhile makes a second attempt
    assert row.pk not in notifications_due(now=timezone.now())
    assert not notification_send(notification_id=row.pk)
    assert smtp.attempts == 1

    smtp.delay = 0  # at its step it goes out, once, marked as a resend (the server may have the first)
    assert notification_send(notification_id=row.pk, now=row.next_attempt_at)
    copies = smtp.by_message_id(row.message_id)
    assert smtp.attempts == 2 and len(copies) == 1 and copies[0][RESEND_HEADER] == "1"


def _send_in_a_worker(notification_id: int, outcome: list) -> threading.Thread:
    """A worker sending the row on its own database connection."""

    def run() -> None:
        try:
            outcome.append(notification_send(notification_id=notification_id))
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_mail_in_flight_is_sent_by_its_worker_only_even_when_the_admin_sends_it_again(
    transactional_db, faulty_smtp_settings
):
    smtp = faulty_smtp_settings
    smtp.delay = 2  # a slow server: the first worker is still in DATA while the others try
    row = _mail()
    outcome: list = []
    first = _send_in_a_worker(row.pk, outcome)
    assert wait_for(lambda: smtp.attempts == 1, timeout=10)

    assert queue.notifications_resend(ids=[row.pk]) == 0  # the admin's "send again": left to the worker
    assert row.pk not in notifications_due(now=timezone.now())
    assert not notification_send(notification_id=row.pk)  # a second worker, or the job of the resend
    first.join(timeout=30)

    row.refresh_from_db()
    assert outcome == [True] and row.sent_at is not None and row.attempts == 1
    assert smtp.attempts == 1 and len(smtp.by_message_id(row.message_id)) == 1


def test_the_admins_send_again_resets_a_failed_row_nobody_holds(db, faulty_smtp_settings):
    row = _mail()
    NotificationLog.objects.filter(pk=row.pk).update(
        attempts=15, next_attempt_at=timezone.now() + timedelta(hours=1), claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert queue.notifications_resend(ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at, row.claimed_at) == (0, None, None)
    assert notification_send(notification_id=row.pk)
    assert len(faulty_smtp_settings.by_message_id(row.message_id)) == 1
