"""The sender's name on our mail is in its reader's language while the operator has not named it: the
default "Helpdesk" becomes «میز خدمت» for a Persian reader (RFC 2047 in the header); a name the
operator gave (DEFAULT_FROM_EMAIL, a team mailbox) stays as given. Sent through the real outbox to a
real SMTP server on loopback (helpdesk.outbox.headers.sender_address)."""

from __future__ import annotations

import pytest

from helpdesk.models import NotificationLog
from helpdesk.outbox.headers import sender_address
from helpdesk.outbox.sending import notification_send
from tickets import services
from tickets.models import Mailbox

from .conftest import contact_of

pytestmark = pytest.mark.django_db

PERSIAN_NAME = "میز خدمت"


def _speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    contact = contact_of(user)
    contact.language = language
    contact.save(update_fields=["language"])
    return contact


def _mail_to(smtp, person, team) -> tuple[str, object]:
    """Open a ticket for `person` through the portal's service, send the outbox for real, and return the
    acknowledgement's raw header block and its parsed mail."""
    ticket = services.ticket_open(actor=None, requester=contact_of(person), subject="Hi", body="x", team=team)
    row = NotificationLog.objects.filter(ticket_id=ticket.pk, template="ticket_created").latest("id")
    assert notification_send(notification_id=row.pk)
    envelope, mail = next((e, m) for e, m in smtp.messages if e.rcpt_tos == [person.email])
    return envelope.content.split(b"\r\n\r\n", 1)[0].decode("ascii"), mail


def test_a_persian_reader_gets_the_default_sender_name_in_persian_encoded(smtp_settings, settings, customer, team):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <support@helpdesk.test>"
    _speaking(customer, "fa")
    raw, mail = _mail_to(smtp_settings, customer, team)

    assert mail["From"].addresses[0].display_name == PERSIAN_NAME
    assert mail["From"].addresses[0].addr_spec == "support@helpdesk.test"
    assert mail["Reply-To"].addresses[0].display_name == PERSIAN_NAME  # no team mailbox: the default sender
    from_line = next(line for line in raw.split("\r\n") if line.startswith("From:"))
    assert "=?utf-8?" in from_line.lower() and "Helpdesk" not in from_line  # RFC 2047, nothing raw


def test_an_english_reader_gets_the_english_name(smtp_settings, settings, customer, team):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <support@helpdesk.test>"
    _speaking(customer, "en")
    raw, mail = _mail_to(smtp_settings, customer, team)

    assert str(mail["From"]) == "Helpdesk <support@helpdesk.test>"
    assert "From: Helpdesk <support@helpdesk.test>" in raw


def test_a_name_the_operator_configured_stays_for_a_persian_reader(smtp_settings, settings, customer, team):
    settings.DEFAULT_FROM_EMAIL = "Acme Support <help@acme.test>"
    Mailbox.objects.create(name="First line", address="first@helpdesk.test", team=team)
    _speaking(customer, "fa")
    _raw, mail = _mail_to(smtp_settings, customer, team)

    assert str(mail["From"]) == "Acme Support <help@acme.test>"
    assert str(mail["Reply-To"]) == "First line <first@helpdesk.test>"  # the team mailbox's own name


def test_the_configured_product_name_is_the_persian_senders_name(smtp_settings, settings, customer, team):
    settings.DEFAULT_FROM_EMAIL = "support@helpdesk.test"  # no name at all
    settings.HELPDESK_SITE_NAME, settings.HELPDESK_SITE_NAME_FA = "Acme Care", "پشتیبانی اکمه"
    _speaking(customer, "fa")
    _raw, mail = _mail_to(smtp_settings, customer, team)

    assert mail["From"].addresses[0].display_name == "پشتیبانی اکمه"


def test_each_reader_of_one_change_gets_their_own_language(settings):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <support@helpdesk.test>"
    assert sender_address(settings.DEFAULT_FROM_EMAIL, language="en") == "Helpdesk <support@helpdesk.test>"
    persian = sender_address(settings.DEFAULT_FROM_EMAIL, language="fa")
    assert persian.startswith("=?utf-8?b?") and persian.endswith(" <support@helpdesk.test>")
