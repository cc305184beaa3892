"""Who a mail is from and where replies go, end to end: spoofed display names, several From
addresses, Reply-To, uuencoded files (raw messages written here byte for byte)."""

from __future__ import annotations

import binascii

from customers.models import Contact
from helpdesk.models import NotificationLog
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.models import Attachment, InboundEmail, Message

from .conftest import contact_of

Processed = InboundEmail.Status.PROCESSED


def _raw(headers: str, body: bytes = b"It is on fire.\r\n") -> bytes:
    return headers.strip("\n").replace("\n", "\r\n").encode("utf-8") + b"\r\n\r\n" + body


def _open_ticket(customer):
    inbound = email_ingest(raw=make_mail(sender=f"Carla <{customer.email}>"))
    assert inbound.status == Processed, inbound.reason
    return inbound.ticket


# --- spoofing through the display name (issue 21) ----------------------------------------------


def test_a_display_name_holding_the_customers_address_does_not_make_a_public_reply_from_the_customer(mailbox, customer):
    ticket = _open_ticket(customer)
    raw = _raw(
        f'From: "{customer.email} <{customer.email}>" <attacker@evil.example>\n'
        f"To: support@helpdesk.test\nSubject: Re: [#{ticket.pk}] Printer on fire\n"
        "Message-ID: <spoof@evil.example>",
        b"Please send the invoice to my new bank account.\r\n",
    )
    inbound = email_ingest(raw=raw, mailbox=mailbox)

    assert inbound.status == Processed and inbound.sender == "attacker@evil.example"
    spoofed = Message.objects.filter(ticket=ticket, body_text__contains="bank account")
    assert not spoofed.filter(author_contact=contact_of(customer)).exists()
    assert not spoofed.filter(internal=False).exists()
    note = spoofed.get()
    assert note.internal and note.needs_review and note.author_contact.email == "attacker@evil.example"
    assert customer.email not in note.author_contact.full_name


def test_a_display_name_with_an_angle_bracket_is_processed_not_quarantined(mailbox):
    raw = _raw('From: "Smith <Accounting>" <smith@acme.test>\nTo: support@helpdesk.test\nSubject: Invoice 42')
    inbound = email_ingest(raw=raw, mailbox=mailbox)

    assert inbound.status == Processed, inbound.reason
    assert inbound.ticket.requester.email == "smith@acme.test"
    assert inbound.ticket.requester.full_name == "Smith <Accounting>"


def test_of_several_from_addresses_the_first_valid_one_becomes_the_requester(mailbox):
    raw = _raw('From: "Nobody" <>, Dana <dana@acme.test>, eve@acme.test\nTo: support@helpdesk.test\nSubject: Hi')
    inbound = email_ingest(raw=raw, mailbox=mailbox)

    assert inbound.status == Processed, inbound.reason
    assert (inbound.ticket.requester.email, inbound.ticket.requester.full_name) == ("dana@acme.test", "Dana")


# --- Reply-To ---------------------------------------------------------------------------------


def _reply_to_ticket(mailbox, reply_to: str = "Assistant <assistant@acme.test>"):
    raw = _raw(
        f"From: Boss <boss@acme.test>\nReply-To: {reply_to}\nTo: support@helpdesk.test, assistant@acme.test\n"
        "Subject: Projector broken\nMessage-ID: <boss-1@acme.test>"
    )
    inbound = email_ingest(raw=raw, mailbox=mailbox)
    assert inbound.status == Processed, inbound.reason
    return inbound.ticket


def test_the_author_is_the_requester_and_mail_for_them_goes_to_the_reply_to_address(mailbox, agent):
    ticket = _reply_to_ticket(mailbox)

    assert ticket.requester.email == "boss@acme.test"
    assert not Contact.objects.filter(email="assistant@acme.test").exists()
    assert ticket.reply_to_email == "assistant@acme.test" and ticket.cc_emails == []
    assert (
        NotificationLog.objects.get(ticket_id=ticket.pk, template="ticket_created").recipient == "assistant@acme.test"
    )

    reply = services.ticket_reply(ticket=ticket, actor=agent, body="A technician comes at 3.")
    recipients = NotificationLog.objects.filter(ticket_id=ticket.pk, template="agent_reply").values_list(
        "recipient", flat=True
    )
    assert list(recipients) == ["assistant@acme.test"] and reply.pk


def test_the_reply_to_address_answering_the_ticket_is_a_participant(mailbox):
    ticket = _reply_to_ticket(mailbox)
    raw = _raw(
        f"From: Assistant <assistant@acme.test>\nTo: support@helpdesk.test\nSubject: Re: [#{ticket.pk}] Projector"
        "\nIn-Reply-To: <boss-1@acme.test>",
        b"Room 4 is free at 3.\r\n",
    )
    message = email_ingest(raw=raw, mailbox=mailbox).ticket_message

    assert message.ticket == ticket and not message.internal and not message.needs_review


def test_a_reply_to_pointing_at_our_own_mailbox_is_ignored(mailbox):
    ticket = _reply_to_ticket(mailbox, reply_to="support@helpdesk.test")

    assert ticket.reply_to_email == ""
    assert NotificationLog.objects.get(ticket_id=ticket.pk, template="ticket_created").recipient == "boss@acme.test"


def test_a_later_mail_with_another_reply_to_does_not_redirect_the_tickets_mail(mailbox, customer):
    ticket = _open_ticket(customer)
    raw = _raw(
        f"From: Carla <{customer.email}>\nReply-To: collector@evil.example\nTo: support@helpdesk.test\n"
        f"Subject: Re: [#{ticket.pk}] Printer on fire",
        b"Still burning.\r\n",
    )
    assert email_ingest(raw=raw, mailbox=mailbox).status == Processed

    ticket.refresh_from_db()
    assert ticket.reply_to_email == "" and ticket.requester_address == customer.email


def test_a_reply_to_equal_to_from_changes_nothing(mailbox):
    ticket = _reply_to_ticket(mailbox, reply_to="BOSS@acme.test")
    assert ticket.reply_to_email == "" and ticket.requester_address == "boss@acme.test"


# --- uuencoded files --------------------------------------------------------------------------


def test_a_file_uuencoded_into_the_text_is_stored_as_an_attachment_and_left_out_of_the_reply(mailbox):
    data = b"date;printer;error\r\n2024-06-03;floor 3;jam\r\n" * 5
    uu = b"".join(binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45)).replace(b"\n", b"\r\n")
    body = b"The error log is attached.\r\n\r\nbegin 644 errors.csv\r\n" + uu + b"`\r\nend\r\n"
    inbound = email_ingest(raw=_raw("From: dana@acme.test\nTo: support@helpdesk.test\nSubject: Log", body))

    message = inbound.ticket_message
    assert message.body_text == "The error log is attached."
    attachment = Attachment.objects.get(message=message)
    assert attachment.original_name == "errors.csv" and attachment.file.open("rb").read() == data
