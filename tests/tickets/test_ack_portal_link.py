"""The acknowledgement of a new ticket by mail that carries the notice of files not accepted links the
request's portal page once, not in the notice and again in the footer: in the text and the HTML part, in
English and in Persian. Without a portal login the notice has no link, and the footer keeps its own."""

import pytest
from django.urls import reverse

from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests.factories import ContactFactory
from tests.tickets.conftest import make_mail
from tickets.email.ingest import email_ingest

pytestmark = pytest.mark.django_db

FOOTER = "Reply to this email to add to your request."
FOOTER_FA = "برای افزودن به درخواستتان به همین ایمیل پاسخ دهید."
EXE = ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "application", "octet-stream")


def _ack(sender: str, *files):
    """The acknowledgement of a new ticket opened by `sender`'s mail, as the SMTP server received it."""
    ticket = email_ingest(raw=make_mail(sender=sender, attachments=files)).ticket
    [row] = NotificationLog.objects.filter(ticket_id=ticket.pk, template="ticket_created")
    assert notification_send(notification_id=row.pk)
    return ticket, row


def _parts(smtp, address: str) -> tuple[str, str]:
    [mail] = [m for e, m in smtp.messages if e.rcpt_tos == [address]]
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_portal_user_reads_the_link_once_in_text_and_html(smtp_settings, mailbox, language):
    contact = ContactFactory(email="nima@acme.test", full_name="Nima", language=language, with_login=True)
    ticket, row = _ack(contact.email, EXE)
    assert row.context["refused"]
    text, html = _parts(smtp_settings, contact.email)
    link = reverse("portal:ticket", args=[ticket.pk])
    assert text.count(link) == 1 and html.count(link) == 1
    if language == "fa":
        notice, footer = "یا در صفحهٔ درخواستتان بیفزایید:", FOOTER_FA
        assert 'dir="rtl"' in html
    else:
        notice, footer = "or add it on your request's page:", FOOTER
    # the link follows the notice; the footer's line stays, without a second link
    assert text.index(notice) < text.index(link) < text.index(footer)
    assert text.rstrip().endswith(footer) and html.count(footer) == 1


@pytest.mark.parametrize("language", ["en", "fa"])
def test_without_refused_files_or_a_login_the_footer_keeps_its_link(smtp_settings, mailbox, language):
    with_login = ContactFactory(email="nima@acme.test", language=language, with_login=True)
    ticket, _row = _ack(with_login.email)  # nothing refused: the footer links the request
    text, html = _parts(smtp_settings, with_login.email)
    link = reverse("portal:ticket", args=[ticket.pk])
    assert text.count(link) == 1 and html.count(link) == 1
    stranger = ContactFactory(email="dana@example.org", language=language)
    ticket, _row = _ack(stranger.email, EXE)  # refused, but no login: the notice has no link
    text, html = _parts(smtp_settings, stranger.email)
    link = reverse("portal:ticket", args=[ticket.pk])
    assert text.count(link) == 1 and html.count(link) == 1
