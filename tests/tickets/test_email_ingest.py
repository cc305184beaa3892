"""Inbound mail to tickets: storage, quarantine, dedupe, loops, threading, participants, entrances."""

from __future__ import annotations

import io
import os
import sys
import threading
from collections import Counter
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import include, path
from django.utils import timezone

from customers.models import Contact, OrganizationDomain
from helpdesk.exceptions import DomainError
from helpdesk.models import NotificationLog
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email import ingest
from tickets.email.ingest import email_ingest, email_reprocess
from tickets.email.reply import extract_visible_text
from tickets.models import (
    Attachment,
    Channel,
    InboundEmail,
    Message,
    Status,
    Ticket,
    TicketLink,
)

from .conftest import contact_of

# Beside the repository (shared/ next to it); HELPDESK_EMAIL_CORPUS points elsewhere (a git worktree).
CORPUS = Path(
    os.environ.get("HELPDESK_EMAIL_CORPUS")
    or Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "email"
)
BODY_ONLY = (("email-reply-parser", (".txt",)), ("talon", (".txt", ".html")))

# A test URL conf: the project's URLs plus the email entrance (the project wires it under /api/v1/).
urlpatterns = [
    path("api/v1/", include("tickets.email.urls")),
    path("", include("helpdesk.urls")),
]

Processed = InboundEmail.Status.PROCESSED


def _ticket_mail(customer, **kwargs) -> tuple[Ticket, InboundEmail]:
    inbound = email_ingest(raw=make_mail(sender=f"Carla <{customer.email}>", **kwargs))
    assert inbound.status == Processed, inbound.reason
    return inbound.ticket, inbound


def _ack(ticket: Ticket) -> NotificationLog:
    return NotificationLog.objects.get(ticket_id=ticket.pk, template="ticket_created")


# --- new tickets ------------------------------------------------------------------------------


def test_a_mail_from_an_unknown_sender_opens_a_ticket_for_a_new_contact_of_the_claiming_organization(
    mailbox, organization
):
    OrganizationDomain.objects.create(organization=organization, domain="acme.test")
    raw = make_mail(sender="Dana Doe <Dana@Acme.test>", cc="boss@acme.test, support@helpdesk.test")
    inbound = email_ingest(raw=raw, mailbox=mailbox)

    assert inbound.status == Processed
    ticket = inbound.ticket
    contact = Contact.objects.get(email="dana@acme.test")
    assert contact.organization == organization and contact.full_name == "Dana Doe"
    assert ticket.requester == contact and ticket.channel == Channel.EMAIL and ticket.team == mailbox.team
    assert ticket.subject == "Printer on fire" and ticket.cc_emails == ["boss@acme.test"]
    message = inbound.ticket_message
    assert message.body_text == "It is on fire." and message.inbound_email == inbound
    assert message.email_message_id == inbound.message_id and inbound.message_id.endswith("@customer.test")
    assert inbound.raw.open("rb").read() == raw  # the full original stays downloadable
    assert _ack(ticket).recipient == "dana@acme.test"


def test_the_mailbox_is_found_by_the_address_when_the_entrance_does_not_say(mailbox):
    inbound = email_ingest(raw=make_mail(to="support@helpdesk.test"))
    assert inbound.mailbox == mailbox and inbound.ticket.team == mailbox.team


def test_the_visible_reply_is_the_body_and_the_sanitized_html_stays_beside_it(customer):
    ticket, _inbound = _ticket_mail(customer)
    body = (
        "Still burning.\n\nOn Mon, 1 Jan 2024 at 10:00, Support <support@helpdesk.test> wrote:\n> Try turning it off."
    )
    html = "<p>Still burning.</p><script>alert(1)</script><blockquote>Try turning it off.</blockquote>"
    inbound = email_ingest(raw=make_mail(sender=customer.email, subject=f"Re: [#{ticket.pk}]", body=body, html=html))

    message = inbound.ticket_message
    assert message.body_text == "Still burning."
    assert "Still burning." in message.body_html and "<script" not in message.body_html


def test_inline_images_become_attachments_shown_in_the_html_and_files_keep_their_names(customer):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    raw = make_mail(
        sender=customer.email,
        html='<p>See <img src="cid:shot1@customer.test"></p>',
        attachments=[
            ("screenshot.png", png, "image", "png", "shot1@customer.test"),
            ("Rechnung März.pdf", b"%PDF-1.4 test", "application", "pdf"),
        ],
    )
    message = email_ingest(raw=raw).ticket_message

    inline = Attachment.objects.get(message=message, is_inline=True)
    assert inline.content_id == "shot1@customer.test" and inline.original_name == "screenshot.png"
    assert f'src="/api/v1/attachments/{inline.pk}/download/"' in message.body_html
    assert "cid:" not in message.body_html
    assert Attachment.objects.get(message=message, is_inline=False).original_name == "Rechnung März.pdf"


def test_an_oversized_attachment_is_left_out_with_a_note_but_the_mail_is_kept(customer, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 1000
    raw = make_mail(
        sender=customer.email,
        attachments=[("huge.bin", b"x" * 5000, "application", "octet-stream"), ("small.txt", b"ok", "text", "plain")],
    )
    inbound = email_ingest(raw=raw)

    assert inbound.status == Processed
    message = inbound.ticket_message
    assert [a.original_name for a in message.attachments.all()] == ["small.txt"]
    assert "huge.bin" in message.body_text and "not kept" in message.body_text
    assert "(4.9\xa0KB) is larger than the limit of 1000\xa0bytes" in message.body_text
    assert inbound.raw.open("rb").read() == raw


def test_the_note_on_an_oversized_attachment_names_its_size_in_persian_units(customer, settings):
    from django.utils import translation

    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 2048
    raw = make_mail(sender=customer.email, attachments=[("بزرگ.bin", b"x" * 5000, "application", "octet-stream")])
    with translation.override("fa"):  # the language the mail is read in writes the note
        message = email_ingest(raw=raw).ticket_message
    assert "(۴٫۹\xa0کیلوبایت) از سقف ۲٫۰\xa0کیلوبایت" in message.body_text
    assert "KB" not in message.body_text


# --- dedupe -----------------------------------------------------------------------------------


def test_the_same_message_id_twice_makes_one_ticket(customer):
    raw = make_mail(sender=customer.email)
    first = email_ingest(raw=raw)
    second = email_ingest(raw=raw)

    assert first.status == Processed and second.status == InboundEmail.Status.DUPLICATE
    assert second.ticket == first.ticket
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1
    assert second.raw.open("rb").read() == raw


def test_a_racing_duplicate_loses_on_the_unique_constraint(customer, monkeypatch):
    """The early check saw nothing (the other delivery had not committed yet): the constraint decides."""
    raw = make_mail(sender=customer.email)
    first = email_ingest(raw=raw)
    real_holder = ingest._holder
    calls = []

    def blind_first_time(message_id, *, exclude):
        calls.append(message_id)
        return None if len(calls) == 1 else real_holder(message_id, exclude=exclude)

    monkeypatch.setattr(ingest, "_holder", blind_first_time)
    second = email_ingest(raw=raw)

    assert len(calls) == 2  # the early check, then the check after the IntegrityError
    assert second.status == InboundEmail.Status.DUPLICATE and second.ticket == first.ticket
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_of_one_mail_make_one_ticket(customer):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    raw = make_mail(sender=customer.email)
    barrier = threading.Barrier(2)
    results: list = []

    def deliver():
        try:
            barrier.wait()
            results.append(email_ingest(raw=raw).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(results) == [InboundEmail.Status.DUPLICATE, Processed]
    assert Ticket.objects.count() == 1


# --- loops ------------------------------------------------------------------------------------


def test_an_auto_reply_is_recorded_and_never_acknowledged(customer):
    raw = make_mail(sender=customer.email, subject="Out of office", headers={"Auto-Submitted": "auto-replied"})
    inbound = email_ingest(raw=raw)

    assert inbound.status == InboundEmail.Status.IGNORED_LOOP and "auto-replied" in inbound.reason
    assert inbound.ticket is None and not Ticket.objects.exists()
    assert not NotificationLog.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Precedence": "bulk"}, {"X-Autoreply": "yes"}, {"Precedence": "list", "List-Id": "<news.acme.test>"}],
)
def test_bulk_and_flagged_mail_is_ignored(customer, headers):
    inbound = email_ingest(raw=make_mail(sender=customer.email, headers=headers))
    assert inbound.status == InboundEmail.Status.IGNORED_LOOP
    assert not NotificationLog.objects.exists()


def test_an_auto_reply_to_our_mail_becomes_a_note_for_review_and_is_not_answered(customer):
    ticket, _inbound = _ticket_mail(customer)
    ack = _ack(ticket)
    raw = make_mail(
        sender=customer.email,
        subject=f"Automatic reply: [#{ticket.pk}]",
        body="I am on holiday.",
        in_reply_to=f"<{ack.message_id}>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    inbound = email_ingest(raw=raw)

    assert inbound.status == InboundEmail.Status.IGNORED_LOOP and inbound.ticket == ticket
    note = inbound.ticket_message
    assert note.internal and note.needs_review and "I am on holiday." in note.body_text
    assert NotificationLog.objects.count() == 1  # only the first acknowledgement
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_a_bounce_is_recorded_and_not_answered(db):
    raw = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.acme.test>\r\n"
        b"To: support@helpdesk.test\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-1@mx.acme.test>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.acme.test\r\n\r\n"
        b"Final-Recipient: rfc822; gone@acme.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--b--\r\n"
    )
    inbound = email_ingest(raw=raw)

    assert inbound.status == InboundEmail.Status.IGNORED_LOOP
    assert not Ticket.objects.exists() and not NotificationLog.objects.exists()
    assert not Contact.objects.filter(email__iexact="mailer-daemon@mx.acme.test").exists()


# --- threading --------------------------------------------------------------------------------


def _reply_lands_on(ticket: Ticket, raw: bytes) -> Message:
    before = Ticket.objects.count()
    inbound = email_ingest(raw=raw)
    assert inbound.status == Processed, inbound.reason
    assert inbound.ticket == ticket and Ticket.objects.count() == before
    message = inbound.ticket_message
    assert not message.internal and not message.needs_review and message.channel == Channel.EMAIL
    return message


def test_a_reply_to_our_message_id_threads(customer):
    ticket, _inbound = _ticket_mail(customer)
    ack = _ack(ticket)
    message = _reply_lands_on(
        ticket, make_mail(sender=customer.email, subject="Thanks", in_reply_to=f"<{ack.message_id}>")
    )
    assert message.email_in_reply_to == ack.message_id


def test_a_reply_with_references_only_threads(customer):
    ticket, first = _ticket_mail(customer)
    refs = f"<unrelated@elsewhere.test> <{first.message_id}> <other@elsewhere.test>"
    _reply_lands_on(ticket, make_mail(sender=customer.email, subject="more", references=refs))


def test_a_reply_whose_client_dropped_the_headers_threads_on_the_subject_tag(customer):
    ticket, _inbound = _ticket_mail(customer)
    _reply_lands_on(ticket, make_mail(sender=customer.email, subject=f"Re: [#{ticket.pk}] Printer on fire"))


def test_a_subject_rewritten_by_another_helpdesk_threads(customer):
    ticket, _inbound = _ticket_mail(customer)
    _reply_lands_on(ticket, make_mail(sender=customer.email, subject=f"RE: AW: [#{ticket.pk}] Printer on fire"))


def test_a_tag_at_the_end_of_the_subject_threads(customer):
    ticket, _inbound = _ticket_mail(customer)
    _reply_lands_on(ticket, make_mail(sender=customer.email, subject=f"Re: Printer on fire [#{ticket.pk}]"))


def test_an_outlook_reply_without_headers_or_tag_threads_on_the_senders_own_subject(customer, other_customer):
    ticket, _inbound = _ticket_mail(customer)
    _reply_lands_on(ticket, make_mail(sender=customer.email, subject="RE: Printer on fire"))
    # the same words from someone else, or without a reply prefix, are a new request
    assert email_ingest(raw=make_mail(sender=other_customer.email, subject="RE: Printer on fire")).ticket != ticket
    assert email_ingest(raw=make_mail(sender=customer.email, subject="Printer on fire")).ticket != ticket


def test_a_reply_to_a_solved_ticket_reopens_it(customer, agent):
    ticket, _inbound = _ticket_mail(customer)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    _reply_lands_on(ticket, make_mail(sender=customer.email, subject=f"Re: [#{ticket.pk}] Printer on fire"))
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_reply_to_a_closed_ticket_opens_a_linked_follow_up(customer, agent):
    ticket, _inbound = _ticket_mail(customer)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    inbound = email_ingest(raw=make_mail(sender=customer.email, subject=f"Re: [#{ticket.pk}] Printer on fire"))

    follow_up = inbound.ticket
    assert inbound.status == Processed and follow_up != ticket
    assert follow_up.channel == Channel.EMAIL and follow_up.requester == ticket.requester
    assert TicketLink.objects.filter(from_ticket=follow_up, to_ticket=ticket, kind=TicketLink.Kind.FOLLOW_UP).exists()


# --- participants -----------------------------------------------------------------------------


def test_a_reply_from_a_stranger_becomes_an_internal_note_for_review(customer, other_customer):
    ticket, _inbound = _ticket_mail(customer)
    inbound = email_ingest(
        raw=make_mail(sender=other_customer.email, subject=f"Re: [#{ticket.pk}] Printer on fire", body="Let me in.")
    )

    note = inbound.ticket_message
    assert inbound.status == Processed and inbound.ticket == ticket
    assert note.internal and note.needs_review and "Let me in." in note.body_text
    assert note.author_contact == contact_of(other_customer)
    assert not ticket.messages.filter(internal=False).exclude(pk=inbound.ticket.messages.first().pk).exists()


def test_a_stranger_with_a_stolen_message_id_is_still_only_a_note(customer):
    ticket, first = _ticket_mail(customer)
    inbound = email_ingest(raw=make_mail(sender="mallory@evil.test", in_reply_to=f"<{first.message_id}>"))
    assert inbound.ticket == ticket and inbound.ticket_message.internal and inbound.ticket_message.needs_review


def test_colleagues_of_a_sharing_organization_and_cc_addresses_are_participants(customer, colleague, private_customer):
    ticket, _inbound = _ticket_mail(customer, cc="pat@initech.test")
    _reply_lands_on(ticket, make_mail(sender=colleague.email, subject=f"Re: [#{ticket.pk}]"))
    _reply_lands_on(ticket, make_mail(sender=private_customer.email, subject=f"Re: [#{ticket.pk}]"))


def test_a_colleague_of_an_organization_that_does_not_share_is_not_a_participant(private_customer, private_colleague):
    ticket, _inbound = _ticket_mail(private_customer)
    inbound = email_ingest(raw=make_mail(sender=private_colleague.email, subject=f"Re: [#{ticket.pk}]"))
    assert inbound.ticket_message.internal and inbound.ticket_message.needs_review


# --- acknowledgement limit --------------------------------------------------------------------


def test_acknowledgements_are_limited_per_sender_and_hour(customer, settings):
    settings.HELPDESK_EMAIL_ACK_PER_HOUR = 3
    for number in range(5):
        email_ingest(raw=make_mail(sender=customer.email, subject=f"Request {number}"))
    assert Ticket.objects.count() == 5
    assert NotificationLog.objects.filter(template="ticket_created", recipient=customer.email).count() == 3

    email_ingest(raw=make_mail(sender="someone@else.test", subject="Mine"))
    assert NotificationLog.objects.filter(template="ticket_created", recipient="someone@else.test").count() == 1

    NotificationLog.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    email_ingest(raw=make_mail(sender=customer.email, subject="An hour later"))
    assert NotificationLog.objects.filter(template="ticket_created", recipient=customer.email).count() == 4


# --- quarantine -------------------------------------------------------------------------------


def test_garbage_is_quarantined_with_the_raw_bytes_kept(db):
    raw = bytes(range(256)) * 8
    inbound = email_ingest(raw=raw)

    assert inbound.status == InboundEmail.Status.QUARANTINED and inbound.reason
    assert inbound.raw.open("rb").read() == raw and inbound.raw_size == len(raw)
    assert email_reprocess(inbound=inbound).status == InboundEmail.Status.QUARANTINED


def test_a_quarantined_mail_is_processed_by_reprocess_once_the_fault_is_fixed(customer, monkeypatch):
    raw = make_mail(sender=customer.email)

    def broken_parser(*, raw):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(ingest, "parse_message", broken_parser)
    inbound = email_ingest(raw=raw)
    assert inbound.status == InboundEmail.Status.QUARANTINED and "parser bug" in inbound.reason
    assert not Ticket.objects.exists()

    monkeypatch.undo()
    inbound = email_reprocess(inbound=inbound)
    assert inbound.status == Processed and inbound.ticket.requester == contact_of(customer)
    with pytest.raises(DomainError):
        email_reprocess(inbound=inbound)


def test_a_failure_while_processing_quarantines_and_rolls_back(customer, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "ticket_open", explode)
    inbound = email_ingest(raw=make_mail(sender=customer.email))
    assert inbound.status == InboundEmail.Status.QUARANTINED and "database on fire" in inbound.reason
    assert inbound.ticket is None and not Ticket.objects.exists()


def test_nul_characters_in_broken_mail_are_dropped_so_any_database_stores_it(customer):
    raw = (
        f"From: {customer.email}\r\nSubject: broken\x00 subject\r\nMessage-ID: <nul@customer.test>\r\n\r\n"
        "text with a \x00 NUL\r\n"
    ).encode()
    inbound = email_ingest(raw=raw)
    assert inbound.status == Processed, inbound.reason
    assert "\x00" not in inbound.ticket_message.body_text and "NUL" in inbound.ticket_message.body_text
    assert inbound.raw.open("rb").read() == raw


def test_mail_without_a_usable_sender_is_quarantined(db):
    inbound = email_ingest(raw=b"Subject: who am I\r\nMessage-ID: <x@y.test>\r\n\r\nNo From header.\r\n")
    assert inbound.status == InboundEmail.Status.QUARANTINED and "sender" in inbound.reason


# --- the corpus -------------------------------------------------------------------------------


def _corpus_files() -> tuple[list[Path], list[Path]]:
    files = [
        p
        for p in sorted(CORPUS.rglob("*"))
        if p.is_file() and not p.name.endswith((".expect.json", ".md")) and "source-yml" not in p.parts
    ]
    top = len(CORPUS.parts)

    def body_only(p: Path) -> bool:
        return any(p.parts[top] == folder and p.suffix in suffixes for folder, suffixes in BODY_ONLY)

    return [p for p in files if not body_only(p)], [p for p in files if body_only(p)]


@pytest.mark.slow
def test_every_corpus_message_ends_in_a_ticket_or_the_quarantine(team):
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    messages, bodies = _corpus_files()
    assert messages
    outcomes: Counter = Counter()
    problems = []
    for path_ in messages:
        raw = path_.read_bytes()
        # Each message on its own (rolled back), so shared Message-IDs in the corpus do not dedupe.
        with transaction.atomic():
            inbound = email_ingest(raw=raw)
            outcomes[inbound.status] += 1
            if inbound.raw.open("rb").read() != raw:
                problems.append(f"{path_}: raw bytes changed")
            if inbound.status == Processed and (inbound.ticket is None or inbound.ticket_message is None):
                problems.append(f"{path_}: processed without a ticket message")
            if inbound.status not in (Processed, InboundEmail.Status.QUARANTINED, InboundEmail.Status.IGNORED_LOOP):
                problems.append(f"{path_}: ended {inbound.status}")
            transaction.set_rollback(True)
    for path_ in bodies:
        extract_visible_text(text=path_.read_text(errors="replace"))
    print(f"\ncorpus: {len(messages)} messages, {dict(outcomes)}; {len(bodies)} body-only files stripped")
    assert not problems, problems


# --- entrances --------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_push_endpoint_ingests_raw_mime_with_the_mailbox_secret(api, mailbox):
    raw = make_mail()
    url = f"/api/v1/email/inbound/{mailbox.pk}/"
    response = api.post(url, data=raw, content_type="message/rfc822", HTTP_X_MAILBOX_SECRET=mailbox.push_secret)

    assert response.status_code == 202, response.content
    inbound = InboundEmail.objects.get()
    assert response.json() == {"id": inbound.pk, "status": "processed", "ticket": inbound.ticket_id}
    assert inbound.mailbox == mailbox and inbound.raw.open("rb").read() == raw

    octet = api.post(
        url,
        data=make_mail(),
        content_type="application/octet-stream",
        HTTP_X_MAILBOX_SECRET=mailbox.push_secret,
    )
    assert octet.status_code == 202


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("secret", [None, "", "wrong"])
def test_the_push_endpoint_refuses_a_wrong_or_missing_secret(api, mailbox, secret):
    headers = {} if secret is None else {"HTTP_X_MAILBOX_SECRET": secret}
    response = api.post(
        f"/api/v1/email/inbound/{mailbox.pk}/", data=make_mail(), content_type="message/rfc822", **headers
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not InboundEmail.objects.exists()


@pytest.mark.urls(__name__)
def test_the_push_endpoint_answers_an_unknown_or_inactive_mailbox_like_a_wrong_secret(api, mailbox):
    missing = api.post(
        "/api/v1/email/inbound/999999/",
        data=make_mail(),
        content_type="message/rfc822",
        HTTP_X_MAILBOX_SECRET=mailbox.push_secret,
    )
    mailbox.is_active = False
    mailbox.save()
    inactive = api.post(
        f"/api/v1/email/inbound/{mailbox.pk}/",
        data=make_mail(),
        content_type="message/rfc822",
        HTTP_X_MAILBOX_SECRET=mailbox.push_secret,
    )
    assert missing.status_code == inactive.status_code == 403


@pytest.mark.urls(__name__)
def test_the_push_endpoint_keeps_garbage_in_quarantine(api, mailbox):
    response = api.post(
        f"/api/v1/email/inbound/{mailbox.pk}/",
        data=b"\x00\x01\x02" * 100,
        content_type="application/octet-stream",
        HTTP_X_MAILBOX_SECRET=mailbox.push_secret,
    )
    assert response.status_code == 202 and response.json()["status"] == "quarantined"


def test_the_ingest_command_reads_one_message_from_stdin(mailbox, monkeypatch):
    raw = make_mail(sender="erin@customer.test")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", "--mailbox", str(mailbox.pk), stdout=out)

    inbound = InboundEmail.objects.get()
    assert inbound.mailbox == mailbox and inbound.status == Processed
    assert f"ticket #{inbound.ticket_id}" in out.getvalue()


def test_the_ingest_command_exits_cleanly_for_quarantined_mail(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\x00garbage\x00" * 50)))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    assert "quarantined" in out.getvalue()


# --- admin ------------------------------------------------------------------------------------


def test_the_admin_lists_the_quarantine_serves_the_raw_file_and_reprocesses(client, admin_user, customer, monkeypatch):
    raw = make_mail(sender=customer.email, message_id=make_msgid(domain="customer.test"))
    monkeypatch.setattr(ingest, "parse_message", lambda *, raw: (_ for _ in ()).throw(RuntimeError("bug")))
    inbound = email_ingest(raw=raw)
    monkeypatch.undo()
    client.force_login(admin_user)

    listing = client.get("/admin/tickets/inboundemail/?status__exact=quarantined")
    assert listing.status_code == 200 and f"/admin/tickets/inboundemail/{inbound.pk}/raw/".encode() in listing.content
    download = client.get(f"/admin/tickets/inboundemail/{inbound.pk}/raw/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == raw

    response = client.post(
        "/admin/tickets/inboundemail/", {"action": "reprocess", "_selected_action": [inbound.pk]}, follow=True
    )
    assert response.status_code == 200
    inbound.refresh_from_db()
    assert inbound.status == Processed and inbound.ticket is not None


def test_the_admin_retries_a_failed_notification(client, admin_user, customer):
    ticket, _inbound = _ticket_mail(customer)
    NotificationLog.objects.filter(ticket_id=ticket.pk).update(attempts=8, last_error="SMTP down")
    row = _ack(ticket)
    client.force_login(admin_user)
    assert client.get("/admin/helpdesk/notificationlog/").status_code == 200
    response = client.post("/admin/helpdesk/notificationlog/", {"action": "retry", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.attempts == 0 and row.claimed_at is None and row.last_error == "SMTP down"
