"""The one rule for mail the helpdesk writes on its own (tickets.email.auto_mail): the acknowledgement of a
new ticket and the notice of files not accepted never go to automatic mail, a mail system's, our own
(a mailbox, the From address) or a staff account's address. Mail is fetched from a real IMAP server and
sent through a real SMTP server on loopback."""

import pytest

from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests.factories import ContactFactory, make_ticket
from tests.tickets.conftest import make_mail
from tests.tickets.test_email_imap import _append, dovecot, imap_box, imap_mailbox  # noqa: F401 (fixtures)
from tickets.email import tasks as tasks_email
from tickets.email.auto_mail import auto_mail_refusal
from tickets.email.ingest import email_ingest
from tickets.models import EventKind, InboundEmail, Mailbox, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

EXE = ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "application", "octet-stream")


def _send_all(ticket: Ticket) -> None:
    for row in NotificationLog.objects.filter(ticket_id=ticket.pk):
        notification_send(notification_id=row.pk)


def _acks(ticket: Ticket) -> list[str]:
    return list(
        NotificationLog.objects.filter(ticket_id=ticket.pk, template="ticket_created").values_list(
            "recipient", flat=True
        )
    )


@pytest.fixture
def sales(team):
    """A second mailbox of ours."""
    return Mailbox.objects.create(name="Sales", address="Sales@Helpdesk.test", team=team)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("carla@acme.test", ""),
        ("", "no_address"),
        ("sales@helpdesk.test", "our_address"),  # a mailbox, in any letter case
        ("SUPPORT@helpdesk.test", "our_address"),
        ("<noreply@helpdesk.test>", "our_address"),  # the From address
        ("postmaster@acme.test", "our_address"),  # a mail system's
        ("agent@test.example", "our_address"),  # a staff account's
    ],
)
def test_who_may_be_written_to_on_our_own(settings, mailbox, sales, agent, address, why):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <NoReply@helpdesk.test>"
    assert auto_mail_refusal(recipient=address) == why
    assert auto_mail_refusal(recipient=address, automatic=True) == "automatic"


def test_mail_from_another_of_our_mailboxes_gets_no_acknowledgement(smtp_settings, mailbox, sales):
    inbound = email_ingest(raw=make_mail(sender="Sales <sales@helpdesk.test>", subject="Forwarded: printer"))
    assert inbound.status == InboundEmail.Status.PROCESSED  # kept as a ticket for a human, not answered
    _send_all(inbound.ticket)
    assert _acks(inbound.ticket) == [] and smtp_settings.messages == []


def test_mail_from_our_from_address_gets_no_acknowledgement(settings, smtp_settings, mailbox):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <noreply@helpdesk.test>"
    inbound = email_ingest(raw=make_mail(sender="NoReply@Helpdesk.test", subject="Bounced around"))
    _send_all(inbound.ticket)
    assert _acks(inbound.ticket) == [] and smtp_settings.messages == []


def test_the_acknowledgement_and_the_notice_decide_alike_for_our_own_address(mailbox, sales):
    """A new ticket whose program was refused, from one of our mailboxes: neither mail, and the ticket
    records why, the same reason for both."""
    ticket = email_ingest(raw=make_mail(sender="sales@helpdesk.test", attachments=(EXE,))).ticket
    assert _acks(ticket) == [] and not NotificationLog.objects.filter(template="files_refused").exists()
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REFUSED_FILES_NOTICE)
    assert (event.data["told"], event.data["not_told"]) == ("", "our_address")


def test_a_ticket_an_agent_opens_for_one_of_our_addresses_is_not_acknowledged_on_any_channel(agent, mailbox):
    ours = ContactFactory(email="support@helpdesk.test", full_name="Forwarded")
    ticket = make_ticket(requester=ours, actor=agent, channel="phone", subject="Call about a forward")
    assert _acks(ticket) == []
    customer = ContactFactory(email="dana@example.org")
    assert _acks(make_ticket(requester=customer, actor=agent, channel="phone")) == ["dana@example.org"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fetched_by_imap_our_own_mail_is_not_answered_a_customers_is(request, smtp_settings):
    # the private dovecot of tests.tickets.test_email_imap, and a mailbox polling it
    box, ours = request.getfixturevalue("imap_box"), request.getfixturevalue("imap_mailbox")
    Mailbox.objects.create(name="Sales", address="sales@helpdesk.test", team=ours.team)
    _append(box, make_mail(sender="Sales <sales@helpdesk.test>", subject="Forwarded: VPN down"))
    _append(box, make_mail(sender="Erin <erin@customer.test>", subject="VPN down"))
    assert tasks_email.poll_mailboxes() == {"support@helpdesk.test": 2}
    for ticket in Ticket.objects.all():
        _send_all(ticket)
    assert [envelope.rcpt_tos for envelope, _mail in smtp_settings.messages] == [["erin@customer.test"]]
    forwarded = Ticket.objects.get(subject="Forwarded: VPN down")
    assert _acks(forwarded) == []
