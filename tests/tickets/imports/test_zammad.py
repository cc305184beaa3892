"""Importing from Zammad's REST API, served by a real HTTP server answering recorded Zammad answers."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers.models import Contact
from helpdesk.models import NotificationLog, Role, Team, User, WebhookEndpoint
from tests.conftest import ROOT, _worker_database_url, wait_for
from tests.tickets.imports.conftest import RecordedApi, recorded
from tickets.models import Attachment, EventKind, ImportRecord, Message, Status, Ticket

PDF = b"%PDF-1.4\n\xd9\x85\x00\xff"


@pytest.fixture
def zammad():
    answers = recorded("zammad.json") | {"api/v1/ticket_attachment/11/101/501": PDF}
    with RecordedApi(answers) as api:
        yield api


def run(api: RecordedApi) -> str:
    out = StringIO()
    call_command("import_tickets", "zammad", "--url", api.url, "--token", "secret-token", stdout=out, stderr=StringIO())
    return out.getvalue()


def ticket_from(source_id: str) -> Ticket:
    record = ImportRecord.objects.get(source__startswith="zammad:", kind="ticket", source_id=source_id)
    return Ticket.objects.get(pk=record.object_id)


@pytest.mark.django_db
def test_zammad_history_keeps_its_times_authors_notes_status_and_files(zammad):
    WebhookEndpoint.objects.create(name="CRM", url="https://crm.example.test/hook", events=[])
    report = run(zammad)

    assert all(headers.get("authorization") == "Token token=secret-token" for _path, headers in zammad.requests)
    printer = ticket_from("11")
    assert printer.subject == "چاپگر کار نمی‌کند"
    assert printer.status == Status.OPEN and printer.priority == "high"
    assert printer.team == Team.objects.get(name="پشتیبانی فنی")
    assert printer.assignee.email == "maryam@desk.example" and printer.assignee.role == Role.AGENT
    assert set(printer.assignee.teams.values_list("name", flat=True)) == {"Users", "پشتیبانی فنی"}
    assert set(printer.tags.values_list("name", flat=True)) == {"printer", "vip"}
    assert printer.requester.full_name == "علی رضایی" and printer.requester.organization.name == "Acme Iran"
    assert printer.requester.language == "fa"  # guessed from what they wrote
    assert printer.created_at == datetime(2022, 5, 1, 6, 30, tzinfo=UTC)
    assert printer.first_responded_at == datetime(2022, 5, 1, 8, 0, tzinfo=UTC)
    assert printer.sla_policy is None and printer.sla_state == ""
    first, reply, note = printer.messages.order_by("created_at")
    assert first.body_text == "سلام، چاپگر طبقه دوم کاغذ را گیر می‌اندازد." and first.author_contact == printer.requester
    assert reply.author_user == printer.assignee and not reply.internal and "<b>photo</b>" in reply.body_html
    assert note.internal and note.created_at == datetime(2022, 5, 2, 10, 0, tzinfo=UTC)
    attachment = Attachment.objects.get(message=first)
    assert attachment.original_name == "گزارش.pdf" and attachment.file.read() == PDF

    own = ticket_from("15")  # an agent's own request: they are its requester as a contact
    assert own.requester.email == "maryam@desk.example" and own.messages.get().author_user == own.assignee
    invoice = ticket_from("12")
    assert invoice.status == Status.CLOSED and invoice.closed_at == datetime(2022, 4, 2, 12, 0, tzinfo=UTC)
    assert invoice.assignee is None  # Zammad's owner "-" is nobody
    # History, not news: no mail, no webhook, no in-app alert for anything imported.
    assert NotificationLog.objects.count() == 0
    assert printer.events.filter(kind=EventKind.REPLIED).count() == 2
    assert printer.events.filter(kind=EventKind.NOTE_ADDED, public=False).count() == 1
    assert "ticket 13: Zammad state removed is not imported." in report
    assert "ticket 14: The ticket has no requester." in report
    assert "person user:6: No valid email address (-)." in report


@pytest.mark.django_db
def test_a_second_zammad_run_imports_nothing_twice(zammad):
    run(zammad)
    counts = (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count(), Contact.objects.count())
    report = run(zammad)
    assert (
        Ticket.objects.count(),
        Message.objects.count(),
        Attachment.objects.count(),
        Contact.objects.count(),
    ) == counts
    assert "ticket: 0 imported, 3 already there, 2 skipped" in report
    assert User.objects.filter(email="maryam@desk.example").count() == 1


@pytest.mark.django_db
def test_a_zammad_run_that_died_resumes_without_duplicates(zammad):
    zammad.fail_once.add("api/v1/ticket_articles/by_ticket/12")
    with pytest.raises(CommandError, match="run the same command again to resume"):
        run(zammad)
    assert Ticket.objects.count() == 1  # ticket 11 was committed before the source failed

    report = run(zammad)
    assert "ticket: 2 imported, 1 already there, 2 skipped" in report
    assert Ticket.objects.count() == 3 and Message.objects.count() == 6
    assert ImportRecord.objects.filter(kind="message").count() == 6


@pytest.mark.django_db
def test_an_unreachable_zammad_is_a_clear_error_not_a_traceback():
    with pytest.raises(CommandError, match="cannot be reached"):
        call_command("import_tickets", "zammad", "--url", "http://127.0.0.1:9", "--token", "x", stderr=StringIO())
    with pytest.raises(CommandError, match="http:// or https://"):
        call_command("import_tickets", "zammad", "--url", "desk.example", "--token", "x", stderr=StringIO())


@pytest.mark.django_db(transaction=True)
def test_an_import_process_killed_mid_run_resumes_without_duplicates(zammad, settings, tmp_path):
    """A real crash: the command runs in its own process, is killed (SIGKILL) while it waits for the
    second ticket's articles, and the next run finishes the job."""
    zammad.hold.add("api/v1/ticket_articles/by_ticket/12")
    env = {
        **os.environ,
        "DATABASE_URL": _worker_database_url(),
        "DJANGO_DEBUG": "1",
        "HELPDESK_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [sys.executable, "manage.py", "import_tickets", "zammad", "--url", zammad.url, "--token", "t"]
    with open(tmp_path / "import.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: Ticket.objects.count() == 1 and any("by_ticket/12" in p for p, _h in zammad.requests))
    finally:
        process.kill()
        process.wait(timeout=10)
        zammad.release.set()
    assert Ticket.objects.count() == 1

    run(zammad)
    assert Ticket.objects.count() == 3 and Message.objects.count() == 6 and Attachment.objects.count() == 1
    assert ImportRecord.objects.filter(kind="ticket").count() == 3


@pytest.mark.django_db
def test_a_rerun_brings_only_the_articles_added_since(zammad):
    run(zammad)
    zammad.answers["api/v1/ticket_articles/by_ticket/11"].append(
        {
            "id": 104,
            "ticket_id": 11,
            "type": "email",
            "sender": "Customer",
            "body": "ممنون، درست شد.",
            "content_type": "text/plain",
            "internal": False,
            "created_by_id": 4,
            "created_at": "2022-05-03T07:00:00.000Z",
            "attachments": [],
        }
    )
    report = run(zammad)
    printer = ticket_from("11")
    assert "message: 1 imported" in report
    assert printer.messages.count() == 4 and printer.messages.last().body_text == "ممنون، درست شد."
    assert printer.updated_at == datetime(2022, 5, 3, 7, 0, tzinfo=UTC)
    assert printer.last_customer_activity_at == datetime(2022, 5, 3, 7, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_reported_and_not_downloaded(zammad, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 5
    report = run(zammad)
    assert "attachment attachment:101:501: گزارش.pdf: The file is larger than the limit" in report
    assert not any("ticket_attachment" in path for path, _headers in zammad.requests)
    assert Attachment.objects.count() == 0 and ticket_from("11").messages.count() == 3
