"""CSV import of requesters known by phone (`requester_phone`, no address): found or created through the
same find-or-create as every channel (contact_get_or_create), the number written any way."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from customers import services as customer_services
from customers.models import Contact
from tickets.models import ImportRecord, Ticket

pytestmark = pytest.mark.django_db


def run_csv(folder: Path, text: str) -> str:
    path = folder / "calls.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_tickets", "csv", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def imported(source_id: str) -> Ticket:
    record = ImportRecord.objects.get(source__startswith="csv:", kind="ticket", source_id=source_id)
    return Ticket.objects.get(pk=record.object_id)


def test_rows_without_an_email_column_import_by_phone_and_find_a_known_caller(tmp_path):
    reza = customer_services.contact_create(full_name="رضا کریمی", phone="0912 123 4567")
    report = run_csv(
        tmp_path,
        "ticket_id,subject,requester_phone,requester_name,message_date,author_role,internal,body\n"
        "P1,مودم خاموش است,+98 912 123 4567,رضا کریمی,2024-03-01T09:00:00+03:30,customer,no,از صبح خاموش است.\n"
        "P1,,,,2024-03-01T10:00:00+03:30,customer,no,هنوز خاموش است.\n"
        "P1,,,,2024-03-01T11:00:00+03:30,agent,yes,Sent a technician.\n"
        "P2,Invoice question,۰۹۳۵ ۰۰۰ ۱۱۲۲,Sara Ahmadi,2024-03-02T09:00:00Z,customer,no,Where is my invoice?\n",
    )

    first = imported("P1")
    assert first.requester == reza and first.organization is None
    customer_messages = first.messages.filter(internal=False).order_by("created_at")
    assert [m.author_contact for m in customer_messages] == [reza, reza]  # both rows are the requester's
    sara = imported("P2").requester
    assert (sara.full_name, sara.email, sara.phone_digits) == ("Sara Ahmadi", None, "09350001122")
    assert Contact.objects.count() == 2
    assert "ticket: 2 imported, 0 already there, 0 skipped" in report
    # Numbers are kept as hashes only: erasing the contact leaves nothing of them here.
    assert not ImportRecord.objects.filter(source_id__contains="0935").exists()
    assert not ImportRecord.objects.filter(source_id__contains="912").exists()

    again = run_csv(tmp_path, (tmp_path / "calls.csv").read_text(encoding="utf-8"))
    assert "ticket: 0 imported, 2 already there" in again and Contact.objects.count() == 2


def test_email_and_phone_rows_mix_and_a_row_with_neither_is_reported_with_its_line(tmp_path):
    report = run_csv(
        tmp_path,
        "ticket_id,subject,requester_email,requester_phone,requester_name,message_date,body\n"
        "M1,By email,mina@x.example,,Mina,2024-03-01T09:00:00Z,Hello.\n"
        "M2,By both,new@x.example,0912 555 0000,New Person,2024-03-01T09:00:00Z,Hello.\n"
        "M3,By neither,,,Nobody,2024-03-01T09:00:00Z,Hello.\n"
        "M4,Too short,,1234,Short,2024-03-01T09:00:00Z,Hello.\n",
    )

    assert imported("M1").requester.email == "mina@x.example"
    both = imported("M2").requester
    assert (both.email, both.phone) == ("new@x.example", "0912 555 0000")  # the address finds; the number is kept
    assert "row line 4: ticket_id, subject and requester_email (or requester_phone) are required." in report
    assert (
        "ticket M4: Its requester cannot be imported: "
        "This phone number is too short: a number needs at least 5 digits." in report
    )
    assert not Contact.objects.filter(full_name__in=("Nobody", "Short")).exists()


def test_a_file_needs_a_requester_email_or_a_requester_phone_column(tmp_path):
    with pytest.raises(CommandError, match=r"Missing columns: requester_email \(or requester_phone\)\."):
        run_csv(tmp_path, "ticket_id,subject,requester_name,message_date,body\nX,s,n,2024-03-01T09:00:00Z,b\n")
