"""Issue #20, "given up after about five minutes of SMTP failure": a real SMTP server on loopback
answers 451 for hours. One attempt count and one backoff (helpdesk.outbox.schedule) decide when a
row is tried again, whoever tries it; the mail outlasts a day-long outage; a row that uses every
attempt tells the admins (one mail each, through the outbox), shows on /healthz, and the admin
sends it again in bulk."""

import contextlib
import smtplib
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from helpdesk.models import NotificationLog
from helpdesk.outbox import tasks as outbox_tasks
from helpdesk.outbox.alerts import outbox_health
from helpdesk.outbox.headers import new_message_id
from helpdesk.outbox.schedule import MAX_ATTEMPTS, retry_backoff, total_retry_span
from helpdesk.outbox.sending import notification_send, notifications_due
from tests import factories
from tests.conftest import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.faults]


def _row(key: str, created_at) -> NotificationLog:
    return NotificationLog.objects.create(
        key=key,
        recipient="carla@acme.test",
        template="account_exists",
        context={"language": "en", "login_url": "/account/login/", "reset_url": "/account/password-reset/"},
        message_id=new_message_id(),
        created_at=created_at,
    )


def _run_sweeps(*, start, until, every=timedelta(minutes=5)) -> None:
    """The beat's sweeps from `start` to `until` (a clock we move on), each sending what is due."""
    now = start
    while now <= until:
        for pk in notifications_due(now=now):
            with contextlib.suppress(smtplib.SMTPException):  # recorded on the row; the next sweep sees it
                notification_send(notification_id=pk, now=now)
        now += every


def test_the_schedule_outlasts_a_day_and_a_half():
    assert total_retry_span() >= timedelta(hours=36)
    assert [retry_backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]


@pytest.mark.django_db
def test_a_mail_outlasts_a_day_of_451_and_goes_out_once_the_server_takes_mail_again(faulty_smtp_settings):
    smtp = faulty_smtp_settings
    start = timezone.now()
    row = _row("outage:day", created_at=start - timedelta(minutes=1))
    smtp.refuse = 10**6  # down: 451 to everything
    _run_sweeps(start=start, until=start + timedelta(hours=24))
    row.refresh_from_db()
    assert row.sent_at is None and 1 < row.attempts < MAX_ATTEMPTS  # tried again and again, not given up
    assert row.attempts == smtp.attempts  # one count: every SMTP attempt is one attempt on the row
    smtp.refuse = 0  # the mail server is back
    _run_sweeps(start=start + timedelta(hours=24), until=start + timedelta(hours=31))
    row.refresh_from_db()
    assert row.sent_at is not None and len(smtp.by_message_id(row.message_id)) == 1


@pytest.mark.django_db
def test_a_row_that_finally_fails_tells_the_admins_once_shows_on_healthz_and_is_retried_in_bulk(
    faulty_smtp_settings, admin_user, settings
):
    smtp = faulty_smtp_settings
    other_admin = factories.UserFactory(role="admin", email="root@example.com")
    start = timezone.now()
    rows = [_row(f"outage:long:{i}", created_at=start - timedelta(minutes=1)) for i in range(2)]
    smtp.refuse = 10**6
    _run_sweeps(start=start, until=start + timedelta(days=2), every=timedelta(minutes=30))
    for row in rows:
        row.refresh_from_db()
        assert row.sent_at is None and row.attempts == MAX_ATTEMPTS
    assert not {row.pk for row in rows} & set(notifications_due(now=start + timedelta(days=5)))  # failed: left
    notices = NotificationLog.objects.filter(template="outbox_failed")
    assert sorted(notices.values_list("recipient", flat=True)) == sorted([admin_user.email, other_admin.email])

    health = Client().get("/healthz").json()
    assert health["outbox"]["failed"] == 2

    smtp.refuse = 0  # the notices, queued during the outage, go out with the next sweeps
    _run_sweeps(start=start + timedelta(days=3), until=start + timedelta(days=3, hours=7))
    [notice] = [mail for _e, mail in smtp.messages if mail["To"] == admin_user.email]
    assert "2 outgoing messages could not be delivered" in notice.get_body(("plain",)).get_content()

    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/helpdesk/notificationlog/?failed=1", {"action": "retry", "_selected_action": [r.pk for r in rows]}
    )
    assert response.status_code == 302
    _run_sweeps(start=timezone.now() + timedelta(minutes=1), until=timezone.now() + timedelta(minutes=1))
    assert all(len(smtp.by_message_id(row.message_id)) == 1 for row in rows)
    assert outbox_health() == {"failed": 0, "overdue": 0}


@pytest.mark.worker
@pytest.mark.slow
def test_a_worker_does_not_retry_on_its_own_the_row_says_when(transactional_db, faulty_smtp, tmp_path):
    row = _row("outage:worker", created_at=timezone.now())
    faulty_smtp.refuse = 10**6
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=faulty_smtp.url)
    try:
        queued = timezone.now()
        outbox_tasks.send_notification.delay(row.pk)
        assert wait_for(lambda: NotificationLog.objects.get(pk=row.pk).attempts == 1)
        failed_by = timezone.now()  # the attempt happened between `queued` and now
        time.sleep(5)
    finally:
        stop_worker(worker)
    row.refresh_from_db()
    assert faulty_smtp.attempts == 1 and row.attempts == 1 and row.claimed_at is None
    # the next try is the sweep's, the schedule's first backoff (a minute) after the failed attempt
    # (measured from the attempt, not from now: stopping a worker on a busy machine takes seconds)
    assert row.next_attempt_at is not None
    assert queued + timedelta(minutes=1) <= row.next_attempt_at <= failed_by + timedelta(minutes=1)
