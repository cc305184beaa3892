"""Outbound mail: our Message-ID, threading headers, Reply-To, Auto-Submitted, no header injection,
sent through a real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest

from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import mail_build, notification_send
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.models import Mailbox, Status

from .conftest import contact_of


def _email_ticket(customer, **kwargs):
    inbound = email_ingest(raw=make_mail(sender=f"Carla <{customer.email}>", **kwargs))
    assert inbound.status == "processed", inbound.reason
    return inbound.ticket, inbound


def _row(ticket, template) -> NotificationLog:
    return NotificationLog.objects.filter(ticket_id=ticket.pk, template=template).latest("id")


def test_every_outbox_row_gets_its_own_message_id_on_the_site_domain(customer, mailbox, settings):
    settings.SITE_URL = "https://help.example.org"
    ticket, _inbound = _email_ticket(customer)
    row = _row(ticket, "ticket_created")
    assert row.message_id.endswith("@help.example.org") and "<" not in row.message_id
    assert mail_build(row).extra_headers["Message-ID"] == f"<{row.message_id}>"


def test_the_acknowledgement_threads_under_the_customers_mail_and_is_auto_replied(customer, mailbox):
    ticket, inbound = _email_ticket(customer)
    mail = mail_build(_row(ticket, "ticket_created"))
    headers = mail.extra_headers

    assert headers["In-Reply-To"] == f"<{inbound.message_id}>"
    assert headers["References"] == f"<{inbound.message_id}>"
    assert headers["Reply-To"] == "Support <support@helpdesk.test>"
    assert headers["Auto-Submitted"] == "auto-replied" and headers["X-Auto-Response-Suppress"] == "All"
    assert mail.subject.startswith(f"[#{ticket.pk}] ")


def test_an_agent_reply_points_at_the_customers_last_mail_and_our_earlier_ones(customer, agent, mailbox):
    ticket, first = _email_ticket(customer)
    ack = _row(ticket, "ticket_created")
    second = email_ingest(raw=make_mail(sender=customer.email, subject=f"Re: [#{ticket.pk}]", body="More."))
    services.ticket_reply(ticket=ticket, actor=agent, body="We are on it.")
    mail = mail_build(_row(ticket, "agent_reply"))
    headers = mail.extra_headers

    assert headers["In-Reply-To"] == f"<{second.message_id}>"
    assert headers["References"].split() == [f"<{first.message_id}>", f"<{ack.message_id}>", f"<{second.message_id}>"]
    assert "Auto-Submitted" not in headers  # written by a person
    assert mail.subject == f"[#{ticket.pk}] Printer on fire"


def test_solved_is_auto_replied_and_agent_notifications_are_auto_generated(customer, agent, other_agent, mailbox):
    ticket, _inbound = _email_ticket(customer)
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": other_agent})
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    assert mail_build(_row(ticket, "ticket_solved")).extra_headers["Auto-Submitted"] == "auto-replied"
    assigned = mail_build(_row(ticket, "ticket_assigned"))
    assert assigned.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"[#{ticket.pk}]" in assigned.subject


def test_reply_to_is_the_teams_mailbox_else_the_default_sender(customer, team, settings):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <help@example.org>"
    portal_ticket = services.ticket_open(actor=None, requester=contact_of(customer), subject="Hi", body="x", team=team)
    assert mail_build(_row(portal_ticket, "ticket_created")).extra_headers["Reply-To"] == "Helpdesk <help@example.org>"

    Mailbox.objects.create(name="First line", address="first@helpdesk.test", team=team)
    assert (
        mail_build(_row(portal_ticket, "ticket_created")).extra_headers["Reply-To"]
        == "First line <first@helpdesk.test>"
    )


def test_cr_lf_in_subjects_and_names_never_reach_the_headers(customer, team):
    Mailbox.objects.create(name="Evil\r\nBcc: victim@example.org", address="evil@helpdesk.test", team=team)
    ticket = services.ticket_open(
        actor=None,
        requester=contact_of(customer),
        subject="Hello\r\nBcc: attacker@example.org\nX-Injected: 1",
        body="x",
        team=team,
    )
    message = mail_build(_row(ticket, "ticket_created")).message()
    header_block = message.as_bytes().split(b"\n\n", 1)[0]

    assert message["Bcc"] is None and message["X-Injected"] is None
    assert b"\nBcc:" not in header_block and b"\nX-Injected:" not in header_block
    # A long header may be folded ("\n" followed by a space); any other line break would be an injection.
    subject = str(message["Subject"])
    assert re.search(r"\n(?![ \t])", subject) is None
    assert "Hello Bcc: attacker@example.org" in " ".join(subject.split())
    assert "Evil Bcc: victim@example.org" in str(message["Reply-To"])


@pytest.mark.slow
def test_a_real_smtp_server_receives_our_threaded_mail_and_the_answer_threads_back(
    smtp_settings, customer, agent, mailbox
):
    ticket, inbound = _email_ticket(customer)
    services.ticket_reply(ticket=ticket, actor=agent, body="Please restart it.")
    reply_row = _row(ticket, "agent_reply")
    for row in NotificationLog.objects.filter(ticket_id=ticket.pk).order_by("id"):
        assert notification_send(notification_id=row.pk)

    by_subject = {str(mail["Subject"]): (envelope, mail) for envelope, mail in smtp_settings.messages}
    envelope, mail = by_subject[f"[#{ticket.pk}] Printer on fire"]
    assert envelope.rcpt_tos == [customer.email]
    assert mail["Message-ID"] == f"<{reply_row.message_id}>"
    assert mail["In-Reply-To"] == f"<{inbound.message_id}>"
    assert f"<{inbound.message_id}>" in mail["References"]
    assert mail["Reply-To"] == "Support <support@helpdesk.test>"
    assert mail["Auto-Submitted"] is None
    ack = next(m for _e, m in smtp_settings.messages if m["Auto-Submitted"] == "auto-replied")
    assert f"[#{ticket.pk}]" in str(ack["Subject"])

    answer = email_ingest(
        raw=make_mail(sender=customer.email, subject="Re: it worked", in_reply_to=str(mail["Message-ID"]))
    )
    assert answer.ticket == ticket and not answer.ticket_message.internal


def test_a_failed_send_stays_visible_and_is_retried(customer, mailbox, settings, smtp_server):
    ticket, _inbound = _email_ticket(customer)
    row = _row(ticket, "ticket_created")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    with pytest.raises(OSError):
        notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1 and row.last_error and row.claimed_at is None

    settings.EMAIL_PORT = smtp_server.port
    assert not notification_send(notification_id=row.pk)  # backing off: not before next_attempt_at
    assert notification_send(notification_id=row.pk, now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == ""
    assert smtp_server.messages[0][1]["Message-ID"] == f"<{row.message_id}>"  # the same id on the retry
