"""Issue #20, "sent twice after a lost database connection": a real Celery worker sends to a real
SMTP server on loopback while its PostgreSQL connection is cut (pg_terminate_backend, from another
connection) during DATA, or after it (at QUIT), or while the worker itself is SIGKILLed between the
server's acceptance and the sent mark. The mail is never sent twice unrecognisably: it is marked sent
on a fresh connection, and a hand-off that may have arrived goes again with the same Message-ID,
marked X-Helpdesk-Resend, and is counted."""

import os
import signal
import time
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from helpdesk.models import NotificationLog
from helpdesk.outbox import tasks as outbox_tasks
from helpdesk.outbox.headers import new_message_id
from tests.conftest import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("cuts PostgreSQL connections")


def _row(key: str) -> NotificationLog:
    return NotificationLog.objects.create(
        key=key,
        recipient="carla@acme.test",
        template="account_exists",
        context={"language": "en", "login_url": "/account/login/", "reset_url": "/account/password-reset/"},
        message_id=new_message_id(),
        created_at=timezone.now() - timedelta(minutes=1),
    )


def _cut_other_connections(keep_pid: int) -> int:
    """Terminate every backend on the test database but ours and the test's (a DBA's kill, a
    failover, a pooler restart): how many were cut."""
    db = connection.settings_dict
    with psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "127.0.0.1", port=db["PORT"]
    ) as killer:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
                [keep_pid],
            )
            return cursor.fetchone()[0]


def _later_sweep(tmp_path, smtp_url: str, name: str) -> None:
    """What happens eleven minutes later: every claim has run out and the sweep runs (on a new worker)."""
    NotificationLog.objects.filter(sent_at__isnull=True).update(
        claimed_at=timezone.now() - timedelta(minutes=11), next_attempt_at=None
    )
    worker = start_worker(tmp_path / f"{name}.log", EMAIL_URL=smtp_url)
    try:
        outbox_tasks.sweep_notifications.delay()
        wait_for(lambda: not NotificationLog.objects.filter(sent_at__isnull=True).exists(), timeout=20)
        time.sleep(2)  # a duplicate would show up now
    finally:
        stop_worker(worker)


@pytest.mark.parametrize("moment", ["during DATA", "after DATA (at QUIT)"])
def test_a_database_connection_cut_around_data_does_not_send_the_mail_twice(moment, faulty_smtp, tmp_path):
    row = _row(f"cut:{moment}")
    own_pid = connection.connection.get_backend_pid() if connection.connection else None
    if own_pid is None:
        connection.ensure_connection()
        own_pid = connection.connection.get_backend_pid()
    cuts = []

    def cut(*_args):
        if not cuts:
            cuts.append(_cut_other_connections(own_pid))

    if moment == "during DATA":
        faulty_smtp.on_data = cut  # the server has the mail; the worker's connection dies before the 250
    else:
        faulty_smtp.on_quit = cut
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=faulty_smtp.url)
    try:
        outbox_tasks.send_notification.delay(row.pk)
        assert wait_for(lambda: bool(cuts) and len(faulty_smtp.messages) == 1, timeout=30)
        time.sleep(3)  # the worker records what it can
    finally:
        stop_worker(worker)
    assert cuts[0] >= 1  # the worker's connection was among those cut

    faulty_smtp.on_data = faulty_smtp.on_quit = None
    _later_sweep(tmp_path, faulty_smtp.url, "later")
    row.refresh_from_db()
    assert len(faulty_smtp.by_message_id(row.message_id)) == 1, "the mail went out twice"
    assert row.sent_at is not None and row.resends == 0 and row.handoff_at is None


def test_a_worker_killed_after_the_server_took_the_mail_resends_it_recognisably_and_counts_it(faulty_smtp, tmp_path):
    row = _row("killed-after-data")
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=faulty_smtp.url)
    killed = []

    def kill_worker(_envelope):
        if not killed:  # the server has the mail; the worker dies before it hears the 250
            os.kill(worker.pid, signal.SIGKILL)
            killed.append(True)

    faulty_smtp.on_data = kill_worker
    try:
        outbox_tasks.send_notification.delay(row.pk)
        assert wait_for(lambda: bool(killed), timeout=30)
    finally:
        stop_worker(worker)
    faulty_smtp.on_data = None
    row.refresh_from_db()
    assert row.sent_at is None and row.claimed_at is not None  # in doubt: the server may have it

    _later_sweep(tmp_path, faulty_smtp.url, "later")
    first, second = faulty_smtp.by_message_id(row.message_id)
    assert first["X-Helpdesk-Resend"] is None
    assert second["X-Helpdesk-Resend"] == "1"  # the same Message-ID, marked as a resend
    row.refresh_from_db()
    assert row.sent_at is not None and row.resends == 1 and row.handoff_at is None
