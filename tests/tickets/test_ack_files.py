"""The acknowledgement of a ticket an agent opened for a customer (the new-ticket form, the API) carries the
first message's files, as an agent's reply does (tickets.email.reply_files): real MIME attachments read when
the outbox sends the mail, up to HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES together, the rest listed by name and
size. A customer's own files are not mailed back to them, and a note's files (a logged call) never go out."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Contact
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests.tickets.conftest import make_mail
from tickets import calls, services
from tickets.attachments.store import IncomingFile
from tickets.email.ingest import email_ingest
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"x" * 2000 + b"\n%%EOF\n"
PERSIAN_NAME = "قرارداد ۱۴۰۳.pdf"


def _ack(ticket, mailoutbox):
    row = NotificationLog.objects.get(ticket_id=ticket.pk, template="ticket_created")
    assert "%PDF" not in str(row.context)  # the row names the message, never holds the bytes
    assert notification_send(notification_id=row.pk)
    return mailoutbox[-1]


def _parts(mail):
    return [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in mail.message().walk()
        if part.get_content_disposition() == "attachment"
    ]


def _pdf(name=PERSIAN_NAME, content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_new_ticket_forms_files_go_with_the_acknowledgement_persian_name_included(agent_client, mailoutbox):
    response = agent_client.post(
        reverse("agent:ticket-new"),
        {"email": "sara@parsian.example", "subject": "Contract", "body": "The contract, as discussed."}
        | {"channel": "phone", "type": "question", "attachments": [_pdf()]},
    )
    assert response.status_code == 302, response.content.decode()
    mail = _ack(Ticket.objects.get(subject="Contract"), mailoutbox)
    assert mail.to == ["sara@parsian.example"]
    assert _parts(mail) == [(PERSIAN_NAME, "application/pdf", PDF)]
    assert "filename*=utf-8''" in mail.message().as_string()
    assert "not attached" not in mail.body


def test_an_agents_api_ticket_mails_its_file_with_the_acknowledgement(token_client, agent, mailoutbox):
    response = token_client(agent).post(
        "/api/v1/tickets/",
        {"subject": "Report", "body": "Attached.", "requester_email": "r@example.org", "attachments": [_pdf("r.pdf")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert _parts(_ack(Ticket.objects.get(pk=response.json()["id"]), mailoutbox)) == [("r.pdf", "application/pdf", PDF)]


def test_over_the_cap_what_fits_is_attached_and_the_rest_listed(agent, requester, mailoutbox, settings):
    settings.HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES = 3000
    big = b"%PDF-1.4\n" + b"y" * 5000
    ticket = services.ticket_open(
        actor=agent,
        requester=requester,
        subject="Files",
        body="Two files.",
        channel="agent",
        attachments=[
            IncomingFile(name="small.pdf", content=PDF, content_type="application/pdf"),
            IncomingFile(name="بزرگ.pdf", content=big, content_type="application/pdf"),
        ],
    )
    mail = _ack(ticket, mailoutbox)
    assert [name for name, _kind, _content in _parts(mail)] == ["small.pdf"]
    assert "not attached" in mail.body and "بزرگ.pdf (4.9\xa0KB)" in mail.body
    assert "بزرگ.pdf" in mail.alternatives[0][0]


def test_the_listed_files_are_said_in_persian_for_a_persian_customer(agent, requester, mailoutbox, settings):
    settings.HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES = 10
    requester.language = "fa"
    requester.save(update_fields=["language"])
    ticket = services.ticket_open(
        actor=agent,
        requester=requester,
        subject="Files",
        body="A file.",
        channel="agent",
        attachments=[IncomingFile(name="قرارداد.pdf", content=PDF, content_type="application/pdf")],
    )
    mail = _ack(ticket, mailoutbox)
    assert _parts(mail) == []
    assert "این فایل‌ها به این ایمیل پیوست نشدند" in mail.body and "- قرارداد.pdf (" in mail.body


def test_a_customers_own_files_are_not_mailed_back_to_them(client, customer, mailoutbox):
    client.force_login(customer)
    response = client.post(
        reverse("portal:new"),
        {"subject": "Mine", "description": "My file.", "impact": "slows", "attachments": [_pdf("mine.pdf")]},
    )
    assert response.status_code == 302
    assert _parts(_ack(Ticket.objects.get(subject="Mine"), mailoutbox)) == []


def test_an_emailed_requests_files_are_not_mailed_back(customer, mailoutbox):
    raw = make_mail(sender=customer.email, attachments=[("scan.pdf", PDF, "application", "pdf")])
    ticket = email_ingest(raw=raw).ticket
    assert _parts(_ack(ticket, mailoutbox)) == []


def test_a_ticket_opened_with_an_agents_note_never_mails_the_notes_files(agent, requester, mailoutbox):
    ticket = services.ticket_open(
        actor=agent,
        requester=requester,
        subject="Call",
        body="Internal: customer was rude.",
        internal=True,
        channel="phone",
        attachments=[IncomingFile(name="recording.pdf", content=PDF, content_type="application/pdf")],
    )
    mail = _ack(ticket, mailoutbox)
    assert _parts(mail) == [] and "recording.pdf" not in mail.body and "rude" not in mail.body


def test_a_logged_calls_acknowledgement_carries_no_files_nor_notes(agent, requester, mailoutbox):
    ticket = calls.call_log(
        actor=agent, contact=requester, direction="inbound", duration_minutes=2, notes="Secret notes", subject="Call"
    )
    mail = _ack(ticket, mailoutbox)
    assert _parts(mail) == [] and "Secret notes" not in mail.body


def test_a_contact_without_an_address_gets_no_mail_and_nothing_fails(agent, caller):
    ticket = services.ticket_open(
        actor=agent,
        requester=Contact.objects.get(pk=caller.pk),
        subject="No address",
        body="Phone only.",
        channel="phone",
        attachments=[IncomingFile(name="a.pdf", content=PDF, content_type="application/pdf")],
    )
    assert ticket.attachments.count() == 1
