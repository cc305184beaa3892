"""The files of an agent's public reply reach the customer by email: real MIME attachments (name, incl.
Persian as RFC 2231, and content type), read from storage when the outbox sends the mail, up to
HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES together; the rest listed by name and size. A note's files never go out."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from customers.models import Contact
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests.factories import make_ticket
from tickets import services
from tickets.attachments.store import IncomingFile
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n"


@pytest.fixture
def ticket(customer) -> Ticket:
    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer)


def _reply(ticket, agent, *files, internal=False):
    return services.ticket_reply(
        ticket=ticket,
        actor=agent,
        body="Here is the invoice.",
        internal=internal,
        attachments=[IncomingFile(name=name, content=content, content_type=kind) for name, content, kind in files],
    )


def _customer_mail(ticket, mailoutbox):
    row = NotificationLog.objects.get(ticket_id=ticket.pk, template="agent_reply")
    assert "invoice" not in str(row.context)  # the row references the message, never the bytes
    assert notification_send(notification_id=row.pk)
    return mailoutbox[-1]


def _parts(mail):
    parsed = mail.message()
    return [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in parsed.walk()
        if part.get_content_disposition() == "attachment"
    ]


def test_a_public_replys_pdf_is_attached_to_the_customers_mail(ticket, agent, customer, mailoutbox):
    _reply(ticket, agent, ("invoice.pdf", PDF, "application/pdf"))
    mail = _customer_mail(ticket, mailoutbox)
    assert mail.to == [customer.email]
    assert _parts(mail) == [("invoice.pdf", "application/pdf", PDF)]
    assert "Here is the invoice." in mail.body and "not attached" not in mail.body


def test_a_persian_file_name_goes_out_as_rfc_2231(ticket, agent, mailoutbox):
    _reply(ticket, agent, ("فاکتور ۱۴۰۳.pdf", PDF, "application/pdf"))
    mail = _customer_mail(ticket, mailoutbox)
    assert _parts(mail) == [("فاکتور ۱۴۰۳.pdf", "application/pdf", PDF)]
    assert "filename*=utf-8''" in mail.message().as_string()


def test_over_the_cap_what_fits_is_attached_and_the_rest_listed_by_name_and_size(ticket, agent, mailoutbox, settings):
    settings.HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES = 3000
    big = b"%PDF-1.4\n" + b"y" * 5000
    _reply(
        ticket,
        agent,
        ("small.pdf", PDF, "application/pdf"),
        ("big.pdf", big, "application/pdf"),
        ("notes.txt", b"short", "text/plain"),
    )
    mail = _customer_mail(ticket, mailoutbox)
    assert [name for name, _kind, _content in _parts(mail)] == ["small.pdf", "notes.txt"]
    assert "not attached" in mail.body and "big.pdf (4.9\xa0KB)" in mail.body
    assert "small.pdf" not in mail.body
    assert "big.pdf" in mail.alternatives[0][0]


def test_an_internal_notes_files_never_go_out(ticket, agent, mailoutbox):
    _reply(ticket, agent, ("secret.pdf", PDF, "application/pdf"), internal=True)
    _reply(ticket, agent)
    mail = _customer_mail(ticket, mailoutbox)
    assert _parts(mail) == [] and "secret.pdf" not in mail.body


def test_a_retry_after_a_failed_send_attaches_the_file_once(ticket, agent, mailoutbox, monkeypatch):
    _reply(ticket, agent, ("invoice.pdf", PDF, "application/pdf"))
    row = NotificationLog.objects.get(ticket_id=ticket.pk, template="agent_reply")
    send = EmailBackend.send_messages
    calls = []

    def fail_once(self, messages):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionResetError("the server went away")
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_once)
    with pytest.raises(ConnectionResetError):
        notification_send(notification_id=row.pk)
    assert notification_send(notification_id=row.pk, now=timezone.now() + timedelta(hours=1))
    [mail] = mailoutbox
    assert _parts(mail) == [("invoice.pdf", "application/pdf", PDF)]


def test_an_agents_reply_through_the_api_mails_its_file_too(ticket, agent, as_user, mailoutbox):
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    response = as_user(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "Here is the invoice.", "attachments": [upload]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert _parts(_customer_mail(ticket, mailoutbox)) == [("report.pdf", "application/pdf", PDF)]
