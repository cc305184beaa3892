"""Importing from osTicket (recorded answers of its ticket-read API on a real HTTP server) and from CSV."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpdesk.models import NotificationLog, Role, User
from tests.tickets.imports.conftest import RecordedApi, recorded
from tickets.imports.runner import Progress
from tickets.models import Attachment, ImportRecord, Message, Status, Ticket
from tickets.satisfaction.surveys import survey_sweep


def imported(prefix: str, source_id: str) -> Ticket:
    record = ImportRecord.objects.get(source__startswith=prefix, kind="ticket", source_id=source_id)
    return Ticket.objects.get(pk=record.object_id)


@pytest.mark.django_db
def test_osticket_tickets_threads_and_what_its_api_cannot_give(agent):
    User.objects.create_user(email="ops@desk.example", full_name="Ops Agent", role=Role.AGENT)
    with RecordedApi(recorded("osticket.json")) as api:
        out = StringIO()
        call_command(
            "import_tickets",
            "osticket",
            "--url",
            api.url,
            "--key",
            "KEY1",
            "--numbers",
            "849510,849511,849512",
            "--time-zone",
            "Asia/Tehran",
            stdout=out,
            stderr=StringIO(),
        )
        assert all(headers.get("x-api-key") == "KEY1" for _path, headers in api.requests)
    report = out.getvalue()
    mail = imported("osticket:", "849510")
    assert mail.subject == "سرور ایمیل قطع است" and mail.status == Status.OPEN and mail.priority == "high"
    assert mail.team.name == "Support" and mail.requester.full_name == "نگار احمدی" and mail.channel == "portal"
    assert mail.created_at == datetime(2019, 6, 26, 13, 6, 18, tzinfo=UTC)  # 17:36:18 in Tehran (+04:30)
    first, response, note = mail.messages.order_by("created_at")
    assert "از صبح ایمیل نمی‌رسد." in first.body_text and first.author_contact == mail.requester
    assert response.author_user.email == "ops@desk.example" and not response.internal
    assert note.internal and note.author_user is None
    assert "screenshot.png: osTicket's API serves no file contents." in report
    assert "Kept without its author" in report
    assert imported("osticket:", "849511").status == Status.CLOSED
    assert "ticket 849512: osTicket status Deleted is not imported." in report
    assert NotificationLog.objects.count() == 0


CSV_HEADER = "ticket_id,subject,requester_email,requester_name,status,priority,team,message_date,author_role,internal,body,attachments\n"


def write_csv(folder: Path, rows: str) -> Path:
    path = folder / "export.csv"
    path.write_text(CSV_HEADER + rows, encoding="utf-8")
    return path


def run_csv(path: Path) -> str:
    out = StringIO()
    call_command("import_tickets", "csv", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_csv_rows_become_tickets_and_a_bad_row_is_reported_with_its_line(tmp_path):
    (tmp_path / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0JPEG")
    path = write_csv(
        tmp_path,
        'A1,اینترنت قطع است,mina@x.example,مینا,solved,high,شبکه,2023-01-02T08:00:00+03:30,customer,no,"اینترنت از دیروز قطع است.\n'
        'خط دوم",scan.jpg\n'
        "A1,,mina@x.example,,,,,2023-01-02T09:00:00Z,agent,yes,Router replaced.,\n"
        "A2,Bad date,bob@x.example,,open,normal,,yesterday,customer,no,Hi,\n"
        "A3,Bad status,bob@x.example,,lost,normal,,2023-01-03T10:00:00Z,customer,no,Hi,\n",
    )
    report = run_csv(path)
    ticket = imported("csv:", "A1")
    assert ticket.subject == "اینترنت قطع است" and ticket.status == Status.SOLVED and ticket.team.name == "شبکه"
    assert ticket.created_at == datetime(2023, 1, 2, 4, 30, tzinfo=UTC)
    first, note = ticket.messages.order_by("created_at")
    assert first.body_text == "اینترنت از دیروز قطع است.\nخط دوم"
    assert note.internal
    assert Attachment.objects.get(message=first).file.read() == b"\xff\xd8\xff\xe0JPEG"
    # The first data row spans lines 2-3, so the bad rows are on lines 5 and 6.
    assert "row line 5: message_date is not a date and time (ISO 8601): yesterday" in report
    assert "row line 6: status must be one of:" in report
    assert Ticket.objects.count() == 1
    # People known only by address are recorded by its hash: erasing the contact leaves nothing here.
    assert not ImportRecord.objects.filter(source_id__icontains="mina@x.example").exists()

    again = run_csv(path)
    assert "ticket: 0 imported, 1 already there" in again
    assert Ticket.objects.count() == 1 and Message.objects.count() == 2


@pytest.mark.django_db
def test_a_csv_without_its_columns_or_not_in_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Missing columns: ticket_id, subject, requester_email"):
        run_csv(path)
    path.write_bytes(CSV_HEADER.encode() + "1,\u0633\u0644\u0627\u0645".encode("cp1256") + b",a@b.example\n")
    with pytest.raises(CommandError, match="UTF-8"):
        run_csv(path)
    with pytest.raises(CommandError, match="No such file"):
        run_csv(tmp_path / "missing.csv")


def test_the_progress_bar_draws_a_bar_and_a_count():
    out = StringIO()
    progress = Progress(stream=out, width=10)
    progress.start("tickets", 4)
    for _ in range(4):
        progress.advance()
    progress.finish()
    assert "tickets [##########] 4/4 100%" in out.getvalue()
    assert "tickets [#####.....] 2/4 50%" in out.getvalue()


@pytest.mark.django_db
def test_a_ticket_solved_yesterday_elsewhere_gets_no_survey_and_no_sla_clock(tmp_path, settings):
    settings.HELPDESK_SURVEYS = True
    yesterday = (timezone.now() - timedelta(days=2)).isoformat()
    run_csv(write_csv(tmp_path, f"S1,Done,sam@x.example,,solved,urgent,,{yesterday},customer,no,Thanks!,\n"))
    ticket = imported("csv:", "S1")
    assert ticket.status == Status.SOLVED and ticket.sla_next_check_at is None
    assert survey_sweep(now=timezone.now()) == 0
    assert NotificationLog.objects.count() == 0
