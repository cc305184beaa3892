"""Nothing lost, nothing doubled, with real worker processes and a real broker:
a worker killed mid-send, the broker restarted with queued jobs, the worker down for an hour."""

import shutil
import socket
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget
from helpdesk.celery import app as celery_app
from helpdesk.models import NotificationLog
from helpdesk.outbox import tasks as outbox_tasks
from tests.conftest import start_worker, stop_worker, wait_for
from tests.factories import make_ticket
from tickets import services, tasks
from tickets.models import TicketEvent

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def policy(transactional_db):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    return policy


def _row(ticket, key: str) -> NotificationLog:
    """An outbox row as notification_queue writes it (its send task is published by the test)."""
    return NotificationLog.objects.create(
        key=key, recipient="carla@acme.test", template="ticket_created", ticket_id=ticket.pk, context={"language": "en"}
    )


def _mails(folder) -> int:
    """Mails the file backend wrote: each ends with a line of 79 dashes. (Counting files is not enough:
    two connections in the same second may get the same file name, and the second appends to it.)"""
    if not folder.exists():
        return 0
    return sum(path.read_bytes().count(b"\n" + b"-" * 79 + b"\n") for path in folder.iterdir())


def test_worker_down_for_an_hour_catches_up_without_stale_warnings(policy, customer, agent, tmp_path):
    contact = Contact.objects.get(user=customer)
    two_hours_ago = timezone.now() - timedelta(hours=2)
    forgotten = make_ticket(requester=contact, actor=customer, subject="Forgotten", now=two_hours_ago)
    answered = make_ticket(requester=contact, actor=customer, subject="Answered", now=two_hours_ago)
    services.ticket_reply(ticket=answered, actor=agent, body="On it", now=two_hours_ago + timedelta(minutes=30))

    worker = start_worker(tmp_path / "worker.log", EMAIL_URL="dummymail://")
    try:
        with transaction.atomic():
            tasks.sla_sweep.delay_on_commit()
        assert wait_for(lambda: TicketEvent.objects.filter(ticket=forgotten, kind="sla_breached").exists())
    finally:
        stop_worker(worker)
    # the first response is breached (not a late warning); the answered ticket got nothing stale
    assert list(
        TicketEvent.objects.filter(ticket=forgotten, kind__in=["sla_warning", "sla_breached"]).values_list(
            "kind", "field"
        )
    ) == [("sla_breached", "first_response")]
    assert not TicketEvent.objects.filter(ticket=answered, kind__in=["sla_warning", "sla_breached"]).exists()


class _SilentSmtp:
    """A TCP server that accepts connections and never answers: an SMTP send blocks on it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        for conn in self.connections:
            conn.close()
        self.sock.close()


def test_worker_killed_mid_send_loses_nothing_and_sends_once(policy, customer, tmp_path):
    contact = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=contact, actor=customer)
    NotificationLog.objects.all().delete()
    row = _row(ticket, "ack:killed-worker")
    silent = _SilentSmtp()
    outbox = tmp_path / "mail"
    stuck = start_worker(tmp_path / "stuck.log", EMAIL_URL=f"smtp://127.0.0.1:{silent.port}")
    try:
        outbox_tasks.send_notification.delay(row.pk)
        # the worker claimed the row and now hangs in the SMTP conversation: kill it there
        assert wait_for(lambda: NotificationLog.objects.get(pk=row.pk).claimed_at is not None)
        stop_worker(stuck, kill=True)
    finally:
        silent.close()
    row.refresh_from_db()
    assert row.sent_at is None  # not sent, but not lost: the row is still there
    # ten minutes later the claim counts as abandoned; the sweep hands the row to a live worker
    NotificationLog.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=11), created_at=timezone.now() - timedelta(minutes=11)
    )
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=f"filemail:///{outbox}")
    try:
        outbox_tasks.sweep_notifications.delay()
        assert wait_for(lambda: NotificationLog.objects.get(pk=row.pk).sent_at is not None)
        outbox_tasks.sweep_notifications.delay()
        outbox_tasks.send_notification.delay(row.pk)  # a redelivered copy of the original job
        time.sleep(3)
    finally:
        stop_worker(worker)
    assert _mails(outbox) == 1


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server")
def test_broker_restart_with_queued_jobs_loses_no_mail_and_doubles_none(policy, customer, tmp_path):
    """A private Redis (no persistence) is restarted while send jobs wait in it: the jobs are gone,
    the outbox rows are not, and the sweep sends each exactly once."""
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"

    def redis():
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(
            lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
            timeout=10,
        )
        return process

    contact = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=contact, actor=customer)
    NotificationLog.objects.all().delete()
    rows = [_row(ticket, f"ack:restart-{i}") for i in range(3)]
    NotificationLog.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    outbox = tmp_path / "mail"
    server = redis()
    worker = None
    try:
        with celery_app.connection_for_write(url) as connection:
            for row in rows:
                outbox_tasks.send_notification.apply_async(args=[row.pk], connection=connection)
        server.terminate()  # the broker goes away with the three jobs in it
        server.wait(timeout=10)
        server = redis()
        worker = start_worker(tmp_path / "worker.log", REDIS_URL=url, EMAIL_URL=f"filemail:///{outbox}")
        with celery_app.connection_for_write(url) as connection:
            outbox_tasks.sweep_notifications.apply_async(connection=connection)
        assert wait_for(lambda: not NotificationLog.objects.filter(sent_at__isnull=True).exists())
        with celery_app.connection_for_write(url) as connection:
            outbox_tasks.sweep_notifications.apply_async(connection=connection)
        time.sleep(3)
    finally:
        if worker is not None:
            stop_worker(worker)
        server.terminate()
        server.wait(timeout=10)
    assert _mails(outbox) == 3


def test_two_sweeps_on_two_workers_at_once_record_each_breach_once(policy, customer, tmp_path):
    """What two beat schedulers started by mistake would do: sweep at the same moment, in two processes."""
    contact = Contact.objects.get(user=customer)
    long_ago = timezone.now() - timedelta(hours=2)
    tickets = [make_ticket(requester=contact, actor=customer, subject=f"Late {i}", now=long_ago) for i in range(30)]
    workers = [start_worker(tmp_path / f"worker-{i}.log", EMAIL_URL="dummymail://") for i in range(2)]
    try:
        with transaction.atomic():
            for _ in range(4):
                tasks.sla_sweep.delay_on_commit()
        breached = TicketEvent.objects.filter(kind="sla_breached", field="first_response")
        assert wait_for(lambda: breached.count() >= len(tickets), timeout=60)
        time.sleep(2)  # let any late duplicate show itself
    finally:
        for worker in workers:
            stop_worker(worker)
    assert breached.count() == len(tickets)
    assert NotificationLog.objects.filter(key__startswith="sla-breach:").values("key").distinct().count() == (
        NotificationLog.objects.filter(key__startswith="sla-breach:").count()
    )
