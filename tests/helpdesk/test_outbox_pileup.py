"""One attempt per backoff step, however many jobs for a row pile up.

Found after a worker outage: the jobs queued while agents kept working, and one job per row from
every sweep that beat queued meanwhile, all ran back to back when a worker came again, and each made
an attempt on the same failing webhook (three requests within half a second; a row went from 2 to 5
attempts and its next try 16 minutes out instead of 4). The claim now takes only a row that is due.
Real parts: an HTTP receiver and an SMTP server on loopback, the database, a Celery worker.
"""

import contextlib
import re
import secrets
import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import NotificationLog
from helpdesk.outbox import tasks as outbox_tasks
from helpdesk.outbox import webhooks
from helpdesk.outbox.delivery import PING, WebhookFailed
from helpdesk.outbox.headers import new_message_id
from helpdesk.outbox.schedule import MAX_ATTEMPTS, retry_backoff
from helpdesk.outbox.sending import notification_send, notifications_due
from tests.conftest import start_worker, stop_worker, wait_for
from tests.tickets.test_webhooks import Receiver

JOBS = 3  # jobs queued for the row while no worker ran
SWEEPS = 3  # sweeps beat queued meanwhile: each one finds the row due and queues a job for it


@pytest.fixture
def failing_receiver():
    """A webhook receiver that is up but answers 500 to everything."""
    server = Receiver()
    server.statuses = [500] * 100
    yield server
    server.close()


@pytest.fixture
def hook(failing_receiver, admin_user):
    endpoint, _secret = webhooks.webhook_create(actor=admin_user, name="CRM", url=failing_receiver.url)
    return endpoint


def _delivery(hook, **fields) -> NotificationLog:
    """A webhook delivery written a while ago (so the sweep takes it), as its event queued it."""
    return NotificationLog.objects.create(
        kind=NotificationLog.Kind.WEBHOOK,
        key=f"webhook:{hook.pk}:ping:{secrets.token_hex(4)}",
        recipient=hook.url,
        template=PING,
        webhook=hook,
        created_at=timezone.now() - timedelta(minutes=10),
        **fields,
    )


def _mail(**fields) -> NotificationLog:
    return NotificationLog.objects.create(
        key=f"pileup:{secrets.token_hex(4)}",
        recipient="carla@acme.test",
        template="account_exists",
        context={"language": "en", "login_url": "/account/login/", "reset_url": "/account/password-reset/"},
        message_id=new_message_id(),
        created_at=timezone.now() - timedelta(minutes=10),
        **fields,
    )


def _pile_up(row: NotificationLog, *, now=None) -> None:
    """What a worker runs when it comes back: the row's queued jobs, and the job each stacked-up sweep
    queued for it (the sweeps ran first, and each found it due), one after another. Without `now`
    the task itself runs, as a worker runs it; with it, the same at that moment of the row's schedule."""
    swept = [pk for _ in range(SWEEPS) for pk in notifications_due(now=now or timezone.now()) if pk == row.pk]
    assert len(swept) == SWEEPS
    for pk in [row.pk] * JOBS + swept:
        if now is None:
            outbox_tasks.send_notification(pk)
        else:
            with contextlib.suppress(WebhookFailed, smtplib.SMTPException):  # recorded on the row
                notification_send(notification_id=pk, now=now)


@pytest.mark.django_db
def test_a_failing_webhook_gets_one_attempt_per_backoff_step_however_many_jobs_pile_up(hook, failing_receiver):
    row = _delivery(hook)
    before = timezone.now()
    _pile_up(row)
    row.refresh_from_db()
    assert len(failing_receiver.requests) == 1
    assert row.attempts == 1 and row.sent_at is None and "HTTP 500" in row.last_error and row.claimed_at is None
    assert before + retry_backoff(1) <= row.next_attempt_at <= timezone.now() + retry_backoff(1)

    due = row.next_attempt_at  # the next step: one more attempt, and the next backoff from it
    _pile_up(row, now=due)
    row.refresh_from_db()
    assert len(failing_receiver.requests) == 2
    assert row.attempts == 2 and row.next_attempt_at == due + retry_backoff(2)


@pytest.mark.django_db
def test_a_stray_job_for_a_delivery_that_is_not_due_sends_nothing_and_spends_no_attempt(hook, failing_receiver):
    failing_receiver.statuses = []  # the receiver is back: only the backoff holds the row
    later = timezone.now() + timedelta(minutes=3)
    row = _delivery(hook, attempts=2, next_attempt_at=later, last_error="HTTP 500 from the endpoint.")
    outbox_tasks.send_notification(row.pk)
    assert not notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert failing_receiver.requests == []
    assert (row.attempts, row.sent_at, row.claimed_at) == (2, None, None)
    assert row.last_error == "HTTP 500 from the endpoint." and row.next_attempt_at == later

    assert notification_send(notification_id=row.pk, now=later)  # its time: sent, once
    assert not notification_send(notification_id=row.pk, now=later)
    assert len(failing_receiver.requests) == 1


@pytest.mark.django_db
def test_a_stray_job_for_a_row_that_used_every_attempt_sends_nothing(hook, failing_receiver):
    failing_receiver.statuses = []
    row = _delivery(hook, attempts=MAX_ATTEMPTS, next_attempt_at=timezone.now() - timedelta(hours=1))
    outbox_tasks.send_notification(row.pk)
    row.refresh_from_db()
    assert failing_receiver.requests == [] and row.attempts == MAX_ATTEMPTS and row.sent_at is None


@pytest.mark.django_db
def test_a_failing_mail_gets_one_attempt_per_backoff_step_and_then_goes_out_once(faulty_smtp_settings):
    smtp = faulty_smtp_settings
    smtp.refuse = 10**6  # 451 to everything
    row = _mail(attempts=2, next_attempt_at=timezone.now() - timedelta(seconds=30))
    before = timezone.now()
    _pile_up(row)
    row.refresh_from_db()
    assert smtp.attempts == 1
    assert row.attempts == 3 and row.sent_at is None and row.claimed_at is None
    assert before + retry_backoff(3) <= row.next_attempt_at <= timezone.now() + retry_backoff(3)  # 4 min, not 16

    smtp.refuse = 0  # the server takes mail again: at the row's next step it goes out, exactly once
    _pile_up(row, now=row.next_attempt_at)
    row.refresh_from_db()
    assert smtp.attempts == 2 and len(smtp.by_message_id(row.message_id)) == 1
    assert row.attempts == 4 and row.sent_at is not None


@pytest.mark.django_db
def test_a_stray_job_for_a_mail_that_is_not_due_sends_nothing(faulty_smtp_settings):
    smtp = faulty_smtp_settings
    later = timezone.now() + timedelta(minutes=1)
    row = _mail(attempts=1, next_attempt_at=later, last_error="451 4.3.0 Try again later")
    outbox_tasks.send_notification(row.pk)
    row.refresh_from_db()
    assert smtp.attempts == 0 and smtp.messages == []
    assert (row.attempts, row.sent_at, row.claimed_at, row.next_attempt_at) == (1, None, None, later)


def _worker_ran(log, task_ids: list[str]) -> bool:
    """Whether the worker's log shows these jobs finished, and every send job the sweeps among them
    queued (a sweep logs how many it queued; it finds the row due only before a send job failed it)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    finished = dict(re.findall(r"\[([0-9a-f-]{36})\] succeeded in \S+: (\S+)", text))
    if not all(task_id in finished for task_id in task_ids):
        return False
    queued_by_sweeps = sum(int(finished[task_id]) for task_id in task_ids if finished[task_id] != "None")
    sends = len(re.findall(r"send_notification\[[0-9a-f-]{36}\] succeeded", text))
    return sends >= JOBS + queued_by_sweeps


@pytest.mark.worker
@pytest.mark.slow
def test_after_a_worker_outage_the_piled_up_jobs_make_one_attempt(transactional_db, hook, failing_receiver, tmp_path):
    """The tester's steps: the receiver fails, no worker runs while jobs and sweeps queue up, a worker
    starts. The row had 2 attempts and was due: it gets its third, and its next try 4 minutes out."""
    row = _delivery(hook, attempts=2, next_attempt_at=timezone.now() - timedelta(minutes=1), last_error="HTTP 500")
    task_ids = [outbox_tasks.sweep_notifications.delay().id for _ in range(SWEEPS)]  # beat, every 30 s
    task_ids += [outbox_tasks.send_notification.delay(row.pk).id for _ in range(JOBS)]
    log = tmp_path / "worker.log"
    started = timezone.now()
    worker = start_worker(log)
    try:
        # a sweep that found the row due queued one more job for it, behind the others
        assert wait_for(lambda: _worker_ran(log, task_ids), timeout=60), log.read_text()
    finally:
        stop_worker(worker)
    row.refresh_from_db()
    assert len(failing_receiver.requests) == 1
    assert row.attempts == 3 and row.sent_at is None and row.claimed_at is None
    assert started + retry_backoff(3) <= row.next_attempt_at <= timezone.now() + retry_backoff(3)
