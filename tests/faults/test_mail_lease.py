"""Issue #20, "a killed worker delays its claimed mails by ten minutes, and stale warnings go out after
the breach": a worker's claim is a short lease (renewed while a slow mail is being sent), so the mail
of a SIGKILLed worker goes out with the next sweep after the lease; an "SLA due soon" warning is
checked again just before it is sent and dropped (recorded as dropped) when the ticket was answered
or has breached. Real Celery workers, a real SMTP server on loopback, PostgreSQL or SQLite."""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget
from helpdesk.models import NotificationLog
from helpdesk.outbox import tasks as outbox_tasks
from helpdesk.outbox.headers import new_message_id
from helpdesk.outbox.sending import notification_send
from tests.conftest import start_worker, stop_worker, wait_for
from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket
from tickets.notifications import notification_queue

pytestmark = [pytest.mark.faults]
LEASE = 4  # seconds, for the workers of these tests (HELPDESK_OUTBOX_CLAIM_LEASE; 60 by default)


def _row(key: str) -> NotificationLog:
    return NotificationLog.objects.create(
        key=key,
        recipient="carla@acme.test",
        template="account_exists",
        context={"language": "en", "login_url": "/account/login/", "reset_url": "/account/password-reset/"},
        message_id=new_message_id(),
        created_at=timezone.now() - timedelta(minutes=1),
    )


class _Beat:
    """Stands in for celery beat: the notification sweep every `every` seconds until stopped."""

    def __init__(self, every: float) -> None:
        self.every, self.stop = every, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(self.every):
            outbox_tasks.sweep_notifications.delay()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)


def test_the_default_lease_brings_a_dead_workers_mail_back_within_about_a_minute():
    assert settings.HELPDESK_OUTBOX_CLAIM_LEASE <= 90


@pytest.mark.worker
@pytest.mark.slow
def test_a_killed_workers_mail_goes_out_with_the_first_sweep_after_its_lease(transactional_db, faulty_smtp, tmp_path):
    row = _row("lease:killed")
    faulty_smtp.delay = 30  # the first worker hangs in DATA ...
    stuck = start_worker(tmp_path / "stuck.log", EMAIL_URL=faulty_smtp.url, HELPDESK_OUTBOX_CLAIM_LEASE=str(LEASE))
    try:
        outbox_tasks.send_notification.delay(row.pk)
        assert wait_for(lambda: faulty_smtp.attempts == 1)
    finally:
        stop_worker(stuck, kill=True)  # ... and is killed there (the server never stored that copy)
    killed_at = time.monotonic()
    faulty_smtp.delay = 0
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=faulty_smtp.url, HELPDESK_OUTBOX_CLAIM_LEASE=str(LEASE))
    try:
        with _Beat(every=1.0):
            assert wait_for(lambda: NotificationLog.objects.get(pk=row.pk).sent_at is not None, timeout=LEASE + 20)
        took = time.monotonic() - killed_at
    finally:
        stop_worker(worker)
    assert took < LEASE + 20  # not the ten minutes of a fixed claim timeout
    assert len(faulty_smtp.by_message_id(row.message_id)) == 1


@pytest.mark.worker
@pytest.mark.slow
def test_a_slow_mail_keeps_its_claim_while_it_is_sent_and_goes_out_once(transactional_db, faulty_smtp, tmp_path):
    row = _row("lease:slow")
    faulty_smtp.delay = 3 * LEASE  # the server takes three leases to answer DATA
    env = {"EMAIL_URL": faulty_smtp.url, "HELPDESK_OUTBOX_CLAIM_LEASE": str(LEASE)}
    workers = [start_worker(tmp_path / f"worker-{i}.log", **env) for i in range(2)]
    try:
        with _Beat(every=0.5):  # the other worker sweeps all along
            outbox_tasks.send_notification.delay(row.pk)
            assert wait_for(lambda: NotificationLog.objects.get(pk=row.pk).sent_at is not None, timeout=6 * LEASE)
            time.sleep(LEASE)
    finally:
        for worker in workers:
            stop_worker(worker)
    assert len(faulty_smtp.by_message_id(row.message_id)) == 1


@pytest.fixture
def policy(db):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    return policy


def _warning(ticket: Ticket, agent) -> NotificationLog:
    """The warning the SLA sweep queued when the first response was due soon (unsent so far)."""
    return notification_queue(
        key=f"sla-warning:{ticket.pk}:first_response:{ticket.first_response_due_at.isoformat()}:{agent.email}",
        recipient=agent.email,
        template="sla_warning",
        ticket=ticket,
        context={"language": "en", "target": "first_response", "due": ticket.first_response_due_at.isoformat()},
    )


def test_an_sla_warning_is_checked_again_when_it_is_sent_and_a_stale_one_is_dropped(
    policy, customer, agent, smtp_settings
):
    contact = Contact.objects.get(user=customer)
    answered, breached, still_due = (
        make_ticket(requester=contact, actor=customer, subject=subject) for subject in ("Answered", "Late", "Soon")
    )
    warnings = {ticket.subject: _warning(ticket, agent) for ticket in (answered, breached, still_due)}
    # while the warnings waited (a worker killed, the mail server down), one ticket was answered ...
    services.ticket_reply(ticket=answered, actor=agent, body="On it")
    # ... and another one's first response came due: it has breached (the breach mail is its own row)
    late = timezone.now() - timedelta(minutes=1)
    Ticket.objects.filter(pk=breached.pk).update(first_response_due_at=late)
    NotificationLog.objects.filter(pk=warnings["Late"].pk).update(
        context={"language": "en", "target": "first_response", "due": late.isoformat()}
    )

    sent = {subject: notification_send(notification_id=row.pk) for subject, row in warnings.items()}
    assert sent == {"Answered": False, "Late": False, "Soon": True}
    assert [str(mail["Subject"]) for _e, mail in smtp_settings.messages] == [
        f"[#{still_due.pk}] SLA: first response due soon: Soon"
    ]
    for subject in ("Answered", "Late"):
        row = NotificationLog.objects.get(pk=warnings[subject].pk)
        assert row.sent_at is not None and row.dropped and "out of date" in row.last_error
    assert not NotificationLog.objects.get(pk=warnings["Soon"].pk).dropped
