"""The sender hears when files of their mail were not accepted (tickets.email.refusal_notice): one mail, in
their language, naming each file and why (a program or script; larger than the limit, in MB in their
digits), with how to send it instead. A mail that opened a ticket gets it inside the acknowledgement, a
reply as a notice of its own threaded on the ticket. Never to automatic mail or our own addresses, and
within the acknowledgement's hourly limit per address. The ticket records for agents whether the sender
was told; the mail and its other files are kept either way."""

import pytest
from django.urls import reverse

from customers.models import Contact
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests.factories import ContactFactory
from tests.tickets.conftest import make_mail, message_id_of
from tickets.email.ingest import email_ingest
from tickets.models import EventKind, InboundEmail, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nreport\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60
MB = 1024 * 1024
SENT_ON_ITS_OWN = ("ticket_created", "files_refused")


def _mail(sender: str, *files, **kwargs) -> bytes:
    return make_mail(sender=sender, body="The invoice and the rest.", attachments=files, **kwargs)


def _invoice():
    return ("invoice.pdf", PDF, "application", "pdf")


def _program(name="tool.pdf.exe"):
    return (name, EXE, "application", "octet-stream")


def _video(size=MB + 1):
    return ("site-visit.mp4", b"\x00" * size, "video", "mp4")


def _reply_to(ticket, sender, *files, **kwargs) -> InboundEmail:
    return email_ingest(raw=_mail(sender, *files, subject=f"Re: [#{ticket.pk}] {ticket.subject}", **kwargs))


def _rows(ticket) -> list[NotificationLog]:
    return list(NotificationLog.objects.filter(ticket_id=ticket.pk, template__in=SENT_ON_ITS_OWN).order_by("id"))


def _notices(ticket) -> list[NotificationLog]:
    return [row for row in _rows(ticket) if row.template == "files_refused"]


def _send(row, mailoutbox):
    assert notification_send(notification_id=row.pk)
    return mailoutbox[-1]


def _notice_event(ticket) -> TicketEvent:
    return TicketEvent.objects.get(ticket=ticket, kind=EventKind.REFUSED_FILES_NOTICE)


@pytest.fixture
def small_limit(settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = MB


# --- a new ticket: inside the acknowledgement ----------------------------------------------------


def test_a_new_tickets_program_is_named_inside_the_acknowledgement_one_mail_only(smtp_settings, customer, mailbox):
    inbound = email_ingest(raw=_mail(customer.email, _invoice(), _program()))
    ticket = inbound.ticket
    [ack] = _rows(ticket)
    assert ack.template == "ticket_created"
    for row in NotificationLog.objects.filter(ticket_id=ticket.pk):
        notification_send(notification_id=row.pk)

    [(envelope, mail)] = [(e, m) for e, m in smtp_settings.messages if m["Auto-Submitted"] == "auto-replied"]
    assert envelope.rcpt_tos == [customer.email]
    text = mail.get_body(("plain",)).get_content()
    assert "We received your request" in str(mail["Subject"])
    assert "- tool.pdf.exe: EXE files (programs and scripts) are not accepted" in text
    assert "put it in a ZIP archive" in text  # zip is not refused unless configured
    assert "invoice.pdf" not in text  # the accepted file is not named
    html = mail.get_body(("html",)).get_content()
    assert "<bdi>tool.pdf.exe</bdi>" in html
    event = _notice_event(ticket)
    assert (event.public, event.data["told"], event.data["recipient"]) == (False, "acknowledgement", customer.email)
    assert event.data["files"] == [{"name": "tool.pdf.exe", "reason": "type", "extension": "EXE"}]


def test_nothing_is_lost_the_message_and_the_other_files_are_stored(customer, mailbox):
    inbound = email_ingest(raw=_mail(customer.email, _invoice(), _program()))
    assert inbound.status == InboundEmail.Status.PROCESSED
    message = inbound.ticket_message
    assert message.body_text == "The invoice and the rest."
    assert [a.original_name for a in message.attachments.all()] == ["invoice.pdf"]
    assert inbound.ticket.events.filter(kind=EventKind.ATTACHMENT_WITHHELD, new_value="tool.pdf.exe").exists()
    assert inbound.raw.open("rb").read().count(b"tool.pdf.exe")


def test_a_mail_whose_files_were_all_accepted_gets_the_plain_acknowledgement(customer, mailbox, mailoutbox):
    ticket = email_ingest(raw=_mail(customer.email, _invoice())).ticket
    [ack] = _rows(ticket)
    assert "refused" not in ack.context
    assert "not accepted" not in _send(ack, mailoutbox).body
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REFUSED_FILES_NOTICE).exists()


# --- a reply: one notice -------------------------------------------------------------------------


def test_a_replys_program_gets_one_notice_threaded_on_the_ticket(customer, ticket, mailbox, mailoutbox):
    raw = _mail(customer.email, _invoice(), _program(), subject=f"Re: [#{ticket.pk}] Printer on fire")
    inbound = email_ingest(raw=raw)
    assert inbound.ticket == ticket
    [notice] = _notices(ticket)
    assert notice.recipient == customer.email

    mail = _send(notice, mailoutbox)
    assert mail.to == [customer.email]
    assert mail.subject == f"[#{ticket.pk}] Files not accepted: Printer on fire"
    assert mail.extra_headers["In-Reply-To"] == message_id_of(raw)
    assert message_id_of(raw) in mail.extra_headers["References"]
    assert mail.extra_headers["Auto-Submitted"] == "auto-replied"
    assert mail.extra_headers["Reply-To"] == "Support <support@helpdesk.test>"
    assert f"We added your email to your request #{ticket.pk}." in mail.body
    assert "- tool.pdf.exe: EXE files (programs and scripts) are not accepted" in mail.body
    assert _notice_event(ticket).data["told"] == "notice"
    assert [a.original_name for a in inbound.ticket_message.attachments.all()] == ["invoice.pdf"]


def test_a_portal_user_is_pointed_at_the_request_page_a_contact_without_login_is_not(ticket, customer, mailoutbox):
    _reply_to(ticket, customer.email, _program())
    body = _send(_notices(ticket)[-1], mailoutbox).body
    link = f"{reverse('portal:ticket', args=[ticket.pk])}"
    assert "or add it on your request's page:" in body and link in body

    stranger = ContactFactory(email="dana@example.org", full_name="Dana")
    own = email_ingest(raw=_mail(stranger.email, _program())).ticket
    [ack] = _rows(own)
    body = _send(ack, mailoutbox).body
    assert "Reply to this email with the file." in body and "or add it on your request's page" not in body


# --- too large, and both in one mail -------------------------------------------------------------


def test_a_file_over_the_limit_is_named_with_the_limit_in_mb(small_limit, customer, ticket, mailoutbox):
    inbound = _reply_to(ticket, customer.email, _invoice(), _video())
    assert "site-visit.mp4" in inbound.ticket_message.body_text  # the message says so too, as before
    body = _send(_notices(ticket)[-1], mailoutbox).body
    assert "- site-visit.mp4: it is larger than the limit of 1 MB" in body
    assert "A file larger than 1 MB is not accepted by email or on the portal" in body
    assert "ZIP" not in body  # the zip advice is for programs
    assert _notice_event(ticket).data["files"] == [{"name": "site-visit.mp4", "reason": "size", "limit": MB}]


def test_a_program_and_a_large_file_in_one_mail_make_one_notice_naming_both(small_limit, customer, ticket, mailoutbox):
    _reply_to(ticket, customer.email, _program("setup.msi"), _invoice(), _video())
    [notice] = _notices(ticket)
    body = _send(notice, mailoutbox).body
    assert body.index("- setup.msi: MSI files") < body.index("- site-visit.mp4: it is larger")
    assert "put it in a ZIP archive" in body and "A file larger than 1 MB" in body
    assert len(mailoutbox) == 1


def test_when_zip_files_are_refused_too_the_mail_does_not_suggest_one(settings, customer, ticket, mailoutbox):
    settings.HELPDESK_BLOCKED_FILE_EXTENSIONS = ["exe", "zip"]
    _reply_to(ticket, customer.email, _program())
    body = _send(_notices(ticket)[-1], mailoutbox).body
    assert "ZIP archive" not in body and "not even in an archive" in body


# --- Persian -------------------------------------------------------------------------------------


def test_a_persian_contact_reads_it_in_persian_with_persian_digits(settings, mailbox, mailoutbox):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = int(2.5 * MB)
    sara = ContactFactory(email="sara@parsian.example", full_name="سارا رضایی", language="fa")
    ticket = email_ingest(raw=_mail(sara.email, _program(), _video(3 * MB), subject="چاپگر")).ticket
    [ack] = _rows(ticket)
    mail = _send(ack, mailoutbox)
    assert "پذیرفته نشدند" in mail.body
    assert "- tool.pdf.exe: فایل‌های EXE (برنامه‌ها و اسکریپت‌ها) پذیرفته نمی‌شوند" in mail.body
    assert "از سقف ۲٫۵ مگابایت بزرگ‌تر است" in mail.body
    assert "2.5" not in mail.body and "2٫5" not in mail.body
    html = mail.alternatives[0][0]
    assert 'dir="rtl"' in html and "۲٫۵" in html


def test_a_persian_contacts_reply_notice_has_a_persian_subject(mailbox, mailoutbox):
    sara = ContactFactory(email="sara@parsian.example", full_name="سارا", language="fa")
    ticket = email_ingest(raw=_mail(sara.email, subject="چاپگر")).ticket
    _reply_to(ticket, sara.email, _program())
    notice = _rows(ticket)[-1]
    assert notice.template == "files_refused" and notice.context["language"] == "fa"
    mail = _send(notice, mailoutbox)
    assert mail.subject == f"[#{ticket.pk}] فایل‌های پذیرفته‌نشده: چاپگر"
    assert f"ایمیل شما به درخواست #{_fa(ticket.pk)} افزوده شد." in mail.body


def _fa(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


# --- who is never told ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"Auto-Submitted": "auto-replied"}, {"Precedence": "bulk"}, {"X-Autoreply": "yes"}],
)
def test_an_automatic_mail_on_a_ticket_gets_no_notice(headers, customer, ticket, mailbox):
    inbound = _reply_to(ticket, customer.email, _program(), headers=headers)
    assert inbound.status == InboundEmail.Status.IGNORED_LOOP and inbound.ticket == ticket
    assert _notices(ticket) == []


def test_a_mailer_daemons_mail_gets_nothing(mailbox):
    inbound = email_ingest(raw=_mail("MAILER-DAEMON@mx.example.org", _program(), subject="Undelivered Mail"))
    assert inbound.status == InboundEmail.Status.IGNORED_LOOP
    assert not NotificationLog.objects.filter(template__in=SENT_ON_ITS_OWN).exists()


def test_mail_to_our_own_address_is_never_sent(customer, ticket, mailbox):
    """A participant whose address is one of our mailboxes (a forwarding loop): recorded, not mailed."""
    ours = ContactFactory(email="help@helpdesk.test")
    mailbox.pk, mailbox.address = None, ours.email  # a second mailbox of ours
    mailbox.save()
    ticket.cc_emails = [ours.email]
    ticket.save(update_fields=["cc_emails"])
    _reply_to(ticket, ours.email, _program())
    assert _notices(ticket) == []
    assert _notice_event(ticket).data | {"files": None} == {
        "message": ticket.messages.latest("id").pk,
        "recipient": ours.email,
        "files": None,
        "told": "",
        "not_told": "our_address",
    }


# --- the hourly limit ----------------------------------------------------------------------------


def test_notices_and_acknowledgements_share_the_hourly_limit_per_address(settings, customer, mailbox):
    settings.HELPDESK_EMAIL_ACK_PER_HOUR = 2
    ticket = email_ingest(raw=_mail(customer.email, subject="Printer")).ticket  # the acknowledgement: 1
    _reply_to(ticket, customer.email, _program())  # a notice: 2
    _reply_to(ticket, customer.email, _program("again.exe"))  # over the limit: not mailed
    assert [row.template for row in _rows(ticket)] == ["ticket_created", "files_refused"]
    told = list(ticket.events.filter(kind=EventKind.REFUSED_FILES_NOTICE).order_by("id").values_list("data", flat=True))
    assert [(d["told"], d["not_told"]) for d in told] == [("notice", ""), ("", "rate_limited")]
    assert ticket.messages.filter(body_text="The invoice and the rest.").count() == 3  # the mail and both replies kept

    other = email_ingest(raw=_mail(customer.email, _program(), subject="Another")).ticket
    assert _rows(other) == []  # neither an acknowledgement nor a notice
    assert _notice_event(other).data["not_told"] == "rate_limited"


def test_the_limit_is_per_address(settings, customer, colleague, ticket, mailbox):
    settings.HELPDESK_EMAIL_ACK_PER_HOUR = 2  # the customer had the ticket's acknowledgement
    _reply_to(ticket, customer.email, _program())
    _reply_to(ticket, customer.email, _program())
    _reply_to(ticket, colleague.email, _program())  # Acme shares tickets: Bob is a participant
    assert [row.recipient for row in _notices(ticket)] == [customer.email, colleague.email]


# --- what agents see -----------------------------------------------------------------------------


def test_agents_see_whether_the_customer_was_told_customers_do_not(customer, agent, ticket, as_user, client):
    _reply_to(ticket, customer.email, _program())
    kinds = [e["kind"] for e in as_user(customer).get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]]
    assert EventKind.REFUSED_FILES_NOTICE not in kinds
    kinds = [e["kind"] for e in as_user(agent).get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]]
    assert EventKind.REFUSED_FILES_NOTICE in kinds

    client.force_login(agent)
    page = client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert f'<bdi class="ev-recipient">{customer.email}</bdi> was sent a notice that these files' in page
    agent.language = "fa"
    agent.save(update_fields=["language"])
    page = client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "پذیرفته نشدند" in page and '<bdi class="ev-files">tool.pdf.exe</bdi>' in page


def test_a_follow_up_opened_by_a_reply_carries_the_notice_in_its_acknowledgement(customer, ticket, mailbox):
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    inbound = _reply_to(ticket, customer.email, _program())
    follow_up = inbound.ticket
    assert follow_up != ticket
    [ack] = _rows(follow_up)
    assert ack.template == "ticket_created" and ack.context["refused"][0]["name"] == "tool.pdf.exe"
    assert _notice_event(follow_up).data["told"] == "acknowledgement"
    assert Contact.objects.filter(email=customer.email).count() == 1
