"""Mail from a blocked sender, fed through the real ingest: quarantined (kept, never a ticket, a reply or
an acknowledgement), counted on its entry, processed again once unblocked."""

import pytest
from django.urls import reverse

from helpdesk.models import NotificationLog
from tests.tickets.conftest import make_mail
from tickets.blocklist import services
from tickets.email.ingest import email_ingest, email_reprocess
from tickets.models import BlockedSender, InboundEmail, Message, Ticket

pytestmark = pytest.mark.django_db
Kind = BlockedSender.Kind


def _block(admin_user, value: str, kind: str = Kind.ADDRESS) -> BlockedSender:
    return services.blocked_sender_create(actor=admin_user, kind=kind, value=value)


def _quarantined(inbound: InboundEmail) -> None:
    assert inbound.status == InboundEmail.Status.QUARANTINED
    assert "Blocked sender" in inbound.reason
    assert inbound.ticket_id is None and inbound.raw  # the original is kept for a human


@pytest.mark.parametrize(
    ("kind", "value", "sender"),
    [
        (Kind.ADDRESS, "spam@junk.example", "Spammer <spam@junk.example>"),
        (Kind.ADDRESS, "Spam@Junk.Example", "spam@JUNK.example"),  # letter case on both sides
        (Kind.DOMAIN, "junk.example", "anyone@junk.example"),
        (Kind.DOMAIN, "@JUNK.example", "bulk@mail.eu.junk.example"),  # a subdomain, typed with "@"
        (Kind.DOMAIN, "bücher.example", "info@xn--bcher-kva.example"),  # an IDN domain in both forms
    ],
)
def test_a_blocked_sender_makes_no_ticket_and_no_acknowledgement(mailbox, admin_user, kind, value, sender):
    entry = _block(admin_user, value, kind)
    inbound = email_ingest(raw=make_mail(sender=sender), mailbox=mailbox)

    _quarantined(inbound)
    assert not Ticket.objects.exists() and not NotificationLog.objects.exists()
    entry.refresh_from_db()
    assert entry.stopped_count == 1 and entry.last_stopped_at == inbound.processed_at


def test_a_domain_does_not_cover_a_lookalike_or_its_parent(mailbox, admin_user):
    _block(admin_user, "junk.example", Kind.DOMAIN)
    for sender in ("carla@notjunk.example", "carla@junk.example.org", "carla@example.com"):
        assert email_ingest(raw=make_mail(sender=sender), mailbox=mailbox).status == InboundEmail.Status.PROCESSED


def test_an_idn_address_matches_in_either_form(admin_user):
    entry = _block(admin_user, "info@xn--bcher-kva.example")
    assert entry.value == "info@xn--bcher-kva.example"
    assert services.sender_blocked(address="Info@BÜCHER.example") == entry
    assert services.sender_blocked(address="info@bucher.example") is None


def test_a_blocked_senders_reply_to_their_ticket_is_not_added(mailbox, admin_user):
    first = email_ingest(raw=make_mail(sender="pat@spam.example", subject="Cheap pills"), mailbox=mailbox)
    ticket = first.ticket
    _block(admin_user, "pat@spam.example")
    reply = make_mail(sender="pat@spam.example", subject=f"Re: [#{ticket.pk}] Cheap pills", body="Buy now")
    inbound = email_ingest(raw=reply, mailbox=mailbox)

    _quarantined(inbound)
    assert not Message.objects.filter(ticket=ticket, body_text__contains="Buy now").exists()
    assert NotificationLog.objects.filter(template="ticket_created").count() == 1  # the first mail's only


def test_each_stopped_mail_counts_once_and_the_closest_entry_takes_it(mailbox, admin_user):
    domain = _block(admin_user, "junk.example", Kind.DOMAIN)
    sub = _block(admin_user, "eu.junk.example", Kind.DOMAIN)
    address = _block(admin_user, "boss@eu.junk.example")
    for sender in ("a@junk.example", "b@eu.junk.example", "boss@eu.junk.example", "c@mx.eu.junk.example"):
        _quarantined(email_ingest(raw=make_mail(sender=sender), mailbox=mailbox))
    counts = {e.pk: e.stopped_count for e in BlockedSender.objects.all()}
    assert counts == {domain.pk: 1, sub.pk: 2, address.pk: 1}


def test_unblocking_then_reprocessing_makes_the_ticket(mailbox, admin_user):
    entry = _block(admin_user, "junk.example", Kind.DOMAIN)
    inbound = email_ingest(raw=make_mail(sender="real@junk.example", subject="Not spam after all"), mailbox=mailbox)
    _quarantined(inbound)
    # still blocked: processing it again quarantines it again (and counts it)
    assert email_reprocess(inbound=inbound).status == InboundEmail.Status.QUARANTINED
    entry.refresh_from_db()
    assert entry.stopped_count == 2

    services.blocked_sender_delete(actor=admin_user, entry=entry)
    again = email_reprocess(inbound=inbound)
    assert again.status == InboundEmail.Status.PROCESSED, again.reason
    assert again.ticket.subject == "Not spam after all"
    assert NotificationLog.objects.filter(template="ticket_created", ticket_id=again.ticket_id).exists()


def test_the_admin_shows_downloads_and_reprocesses_the_quarantined_mail(client, mailbox, admin_user):
    entry = _block(admin_user, "spam@junk.example")
    inbound = email_ingest(raw=make_mail(sender="spam@junk.example", subject="Win a prize"), mailbox=mailbox)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:tickets_inboundemail_changelist"), {"status__exact": "quarantined"})
    assert "Win a prize" in listing.content.decode()
    raw = client.get(reverse("admin:tickets_inboundemail_raw", args=[inbound.pk]))
    assert raw.status_code == 200 and b"Win a prize" in b"".join(raw.streaming_content)
    entries = client.get(reverse("admin:tickets_blockedsender_changelist")).content.decode()
    assert "spam@junk.example" in entries and "status__exact=quarantined" in entries  # the stopped mail's link

    services.blocked_sender_delete(actor=admin_user, entry=entry)
    client.post(
        reverse("admin:tickets_inboundemail_changelist"),
        {"action": "reprocess", "_selected_action": [inbound.pk]},
    )
    inbound.refresh_from_db()
    assert inbound.status == InboundEmail.Status.PROCESSED and inbound.ticket is not None


def test_staff_mail_is_never_stopped_by_an_entry_older_than_the_account(mailbox, admin_user, team, agent):
    BlockedSender.objects.create(kind=Kind.DOMAIN, value="test.example")  # written before the agent existed
    inbound = email_ingest(raw=make_mail(sender=agent.email), mailbox=mailbox)
    assert "Blocked sender" not in inbound.reason  # a staff address follows the staff rule (quarantined as staff)
    assert BlockedSender.objects.get().stopped_count == 0
