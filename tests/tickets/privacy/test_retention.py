"""Retention rules over real rows with an offset clock: off by default, a dry run counts and changes
nothing, a real run anonymises or deletes exactly what is older than the limit, in batches, and a rerun
does nothing more; the nightly task and `manage.py retention` use the same service."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpdesk.celery import app
from helpdesk.models import NotificationLog
from tests import factories
from tests.tickets.conftest import make_mail
from tickets import services, tasks
from tickets.attachments.store import IncomingFile
from tickets.email.ingest import email_ingest
from tickets.models import Attachment, EventKind, InboundEmail, Message, SatisfactionRating, Status, Ticket, TicketEvent
from tickets.privacy.retention import months_before, retention_run
from tickets.ratings import rating_submit

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - timedelta(days=400)  # more than 12 months before NOW
RECENTLY = NOW - timedelta(days=100)


def _closed_ticket(contact, agent, *, at: datetime, subject: str) -> Ticket:
    ticket = services.ticket_open(actor=None, requester=contact, subject=subject, body=f"{subject}: details", now=at)
    services.ticket_reply(
        ticket=ticket, actor=agent, body="Fixed.", attachments=[IncomingFile(name="log.txt", content=b"log")]
    )
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED, now=at)
    rating_submit(ticket=ticket, contact=contact, score=4, comment="Quick, thanks", now=at)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED, now=at + timedelta(days=1))
    return ticket


@pytest.fixture
def old_and_new(db, agent, settings):
    settings.HELPDESK_RETENTION_BATCH = 2  # several batches with a handful of rows
    contact = factories.ContactFactory(email="rita@retain.test", full_name="Rita Retain")
    old = [_closed_ticket(contact, agent, at=LONG_AGO, subject=f"Old problem {n}") for n in range(3)]
    recent = _closed_ticket(contact, agent, at=RECENTLY, subject="Recent problem")
    still_open = services.ticket_open(actor=None, requester=contact, subject="Open problem", body="x", now=LONG_AGO)
    old_mail = email_ingest(raw=make_mail(sender="Rita <rita@retain.test>", subject="Old mail"))
    InboundEmail.objects.filter(pk=old_mail.pk).update(received_at=LONG_AGO)
    new_mail = email_ingest(raw=make_mail(sender="Rita <rita@retain.test>", subject="New mail"))
    sent = dict(sent_at=LONG_AGO, template="agent_reply", recipient="rita@retain.test")
    NotificationLog.objects.create(key="old-sent", created_at=LONG_AGO, **sent)
    NotificationLog.objects.create(key="old-unsent", created_at=LONG_AGO, template="agent_reply", recipient="r@x.test")
    NotificationLog.objects.create(key="new-sent", created_at=RECENTLY, **sent)
    return {"old": old, "recent": recent, "open": still_open, "old_mail": old_mail, "new_mail": new_mail}


def _switch_on(settings, action="anonymise"):
    settings.HELPDESK_RETENTION_CLOSED_TICKETS_MONTHS = 12
    settings.HELPDESK_RETENTION_CLOSED_TICKETS_ACTION = action
    settings.HELPDESK_RETENTION_INBOUND_MAIL_MONTHS = 12
    settings.HELPDESK_RETENTION_OUTBOX_MONTHS = 12


def test_every_rule_is_off_by_default(old_and_new):
    assert retention_run(now=NOW) == []
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "No retention rule is switched on" in out.getvalue()


def test_a_dry_run_counts_and_changes_nothing(old_and_new, settings):
    _switch_on(settings)
    before = (Ticket.objects.filter(anonymised_at__isnull=True).count(), InboundEmail.objects.count())
    counts = {r.rule: r.count for r in retention_run(now=NOW, dry_run=True)}
    assert counts == {"closed_tickets": 3, "inbound_mail": 1, "outbox": 1}
    assert (Ticket.objects.filter(anonymised_at__isnull=True).count(), InboundEmail.objects.count()) == before
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "closed tickets older than 12 months" in text and "3 would be anonymised" in text
    assert "raw inbound mail older than 12 months" in text and "1 would be deleted" in text


def test_old_closed_tickets_are_anonymised_with_their_statistics_kept(
    old_and_new, settings, django_capture_on_commit_callbacks
):
    _switch_on(settings)
    old = Ticket.objects.get(pk=old_and_new["old"][0].pk)
    assert old.solved_at and old.closed_at and old.first_responded_at
    times = (old.created_at, old.solved_at, old.closed_at, old.first_responded_at, old.team_id)
    with django_capture_on_commit_callbacks(execute=True):
        results = retention_run(now=NOW)
    assert {r.rule: r.count for r in results} == {"closed_tickets": 3, "inbound_mail": 1, "outbox": 1}
    old.refresh_from_db()
    assert (old.created_at, old.solved_at, old.closed_at, old.first_responded_at, old.team_id) == times
    assert old.subject == "[erased]" and old.search_document == "" and old.anonymised_at is not None
    assert set(Message.objects.filter(ticket=old).values_list("body_text", flat=True)) == {"[erased]"}
    assert not Attachment.objects.filter(ticket=old).exists()
    rating = SatisfactionRating.objects.get(ticket=old)
    assert (rating.score, rating.comment) == (4, "")
    assert TicketEvent.objects.get(ticket=old, kind=EventKind.ANONYMISED).data == {"reason": "retention"}
    for kept in (old_and_new["recent"], old_and_new["open"]):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and "problem" in kept.subject
        assert Attachment.objects.filter(ticket=kept).exists() or kept.status != Status.CLOSED
    assert list(InboundEmail.objects.values_list("pk", flat=True)) == [old_and_new["new_mail"].pk]
    assert set(
        NotificationLog.objects.filter(key__in=["old-sent", "old-unsent", "new-sent"]).values_list("key", flat=True)
    ) == {
        "old-unsent",  # never sent: the outbox still owes it
        "new-sent",
    }


def test_a_rerun_does_nothing_more(old_and_new, settings):
    _switch_on(settings)
    retention_run(now=NOW)
    events = TicketEvent.objects.count()
    assert {r.rule: r.count for r in retention_run(now=NOW)} == {"closed_tickets": 0, "inbound_mail": 0, "outbox": 0}
    assert TicketEvent.objects.count() == events


def test_the_delete_action_deletes_old_closed_tickets_and_their_files(
    old_and_new, settings, django_capture_on_commit_callbacks
):
    _switch_on(settings, action="delete")
    files = [a.file.path for a in Attachment.objects.filter(ticket__in=old_and_new["old"])]
    with django_capture_on_commit_callbacks(execute=True):
        results = retention_run(now=NOW)
    assert {r.rule: r.count for r in results}["closed_tickets"] == 3
    assert not Ticket.objects.filter(pk__in=[t.pk for t in old_and_new["old"]]).exists()
    assert Ticket.objects.filter(pk=old_and_new["recent"].pk).exists()
    assert files and not any(Path(f).exists() for f in files)


def test_the_months_are_calendar_months():
    at = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert months_before(at, 1) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert months_before(at, 15) == datetime(2024, 12, 31, 12, tzinfo=UTC)


def test_the_nightly_task_is_scheduled_and_runs_the_rules(old_and_new, settings):
    _switch_on(settings)
    assert app.conf.beat_schedule["retention"]["task"] == "tickets.tasks.retention_run"
    result = tasks.retention_run.apply().get()
    assert {r["rule"]: r["count"] for r in result}["outbox"] >= 1


def test_the_command_applies_the_rules(old_and_new, settings):
    _switch_on(settings)
    out = StringIO()
    call_command("retention", stdout=out)
    assert "3 anonymised" in out.getvalue()
    assert Ticket.objects.filter(anonymised_at__isnull=False).count() == 3
