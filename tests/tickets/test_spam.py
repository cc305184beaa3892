"""Marking a ticket as spam through the service and the API: closed for good, tagged, an agents-only
event, nothing sent to the requester, and the sender blocked when asked (never an agent, our own address
or a customer with a portal login)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Contact
from helpdesk.exceptions import NotAllowed
from helpdesk.models import NotificationLog
from helpdesk.outbox import webhooks
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.models import BlockedSender, Channel, EventKind, InboundEmail, Status, Ticket
from tickets.satisfaction.surveys import survey_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def spam(mailbox):
    """A ticket opened by a stranger's mail (acknowledged, as any new email ticket is)."""
    inbound = email_ingest(raw=make_mail(sender="Winner <winner@prize.example>", subject="You won!"), mailbox=mailbox)
    assert inbound.status == InboundEmail.Status.PROCESSED, inbound.reason
    return inbound.ticket


def _sent_to(address: str) -> list[str]:
    return list(NotificationLog.objects.filter(recipient__iexact=address).values_list("template", flat=True))


def test_marking_closes_tags_records_and_blocks_and_the_next_mail_is_quarantined(spam, agent, mailbox):
    before = _sent_to("winner@prize.example")
    result = services.ticket_mark_spam(ticket=spam, actor=agent, block_sender=True)

    spam.refresh_from_db()
    assert spam.status == Status.CLOSED and spam.closed_at is not None
    assert [t.name for t in spam.tags.all()] == ["spam"]
    event = spam.events.get(kind=EventKind.MARKED_SPAM)
    assert not event.public and event.actor == agent and event.data["address"] == "winner@prize.example"
    assert result.blocked.value == "winner@prize.example" and result.blocked.created_by == agent
    assert f"#{spam.pk}" in result.blocked.note

    again = email_ingest(raw=make_mail(sender="winner@prize.example", subject="You won again!"), mailbox=mailbox)
    assert again.status == InboundEmail.Status.QUARANTINED and Ticket.objects.count() == 1
    survey_sweep(now=timezone.now() + timedelta(days=3))
    assert _sent_to("winner@prize.example") == before  # the acknowledgement of the first mail, nothing more


def test_a_solved_ticket_marked_as_spam_gets_no_survey(spam, agent):
    services.ticket_edit(ticket=spam, actor=agent, changes={"assignee": agent}, status=Status.SOLVED)
    before = _sent_to("winner@prize.example")
    services.ticket_mark_spam(ticket=spam, actor=agent, block_sender=False)
    survey_sweep(now=timezone.now() + timedelta(days=3))
    assert _sent_to("winner@prize.example") == before
    assert not BlockedSender.objects.exists()


def test_closed_and_merged_tickets_are_refused_clearly(make, agent, as_user):
    closed = make(subject="Old")
    services.ticket_mark_spam(ticket=closed, actor=agent, block_sender=False)
    answer = as_user(agent).post(f"/api/v1/tickets/{closed.pk}/spam/", {"block_sender": False}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_transition"
    assert "closed already" in answer.json()["detail"]

    source, target = make(subject="Dup"), make(subject="Original")
    services.ticket_merge(source=source, target=target, actor=agent)
    answer = as_user(agent).post(f"/api/v1/tickets/{source.pk}/spam/", {}, format="json")
    assert answer.status_code == 400 and "was merged into" in answer.json()["detail"]  # as every merged write


def test_the_api_marks_and_blocks_by_default_for_email_tickets(spam, agent, as_user):
    answer = as_user(agent).post(f"/api/v1/tickets/{spam.pk}/spam/", {}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["ticket"]["status"] == "closed" and "spam" in body["ticket"]["tags"]
    assert body["blocked_sender"]["value"] == "winner@prize.example"
    kinds = [e["kind"] for e in as_user(agent).get(f"/api/v1/tickets/{spam.pk}/events/").json()["results"]]
    assert "marked_spam" in kinds


def test_the_api_marks_without_blocking_when_asked(spam, agent, as_user):
    answer = as_user(agent).post(f"/api/v1/tickets/{spam.pk}/spam/", {"block_sender": False}, format="json")
    assert answer.status_code == 200 and answer.json()["blocked_sender"] is None
    assert not BlockedSender.objects.exists()


def test_a_customer_cannot_mark_their_ticket_nor_see_the_event(acme_ticket, customer, agent, as_user):
    answer = as_user(customer).post(f"/api/v1/tickets/{acme_ticket.pk}/spam/", {}, format="json")
    assert answer.status_code == 404
    acme_ticket.refresh_from_db()
    assert acme_ticket.status != Status.CLOSED
    with pytest.raises(NotAllowed):  # 403 on every channel that would let a customer ask
        services.ticket_mark_spam(ticket=acme_ticket, actor=customer, block_sender=False)
    services.ticket_mark_spam(ticket=acme_ticket, actor=agent, block_sender=False)
    kinds = [e["kind"] for e in as_user(customer).get(f"/api/v1/tickets/{acme_ticket.pk}/events/").json()["results"]]
    assert "marked_spam" not in kinds


def test_a_requester_with_a_portal_login_is_not_blocked(acme_ticket, agent, as_user):
    answer = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/spam/", {"block_sender": True}, format="json")
    assert answer.status_code == 400
    assert "portal login" in answer.json()["errors"]["block_sender"][0]
    acme_ticket.refresh_from_db()
    assert acme_ticket.status != Status.CLOSED and not BlockedSender.objects.exists()  # all or nothing


def test_our_own_address_is_never_blocked(make, agent, mailbox, as_user):
    # a ticket whose requester has one of our mailbox addresses (written around the email channel)
    ours = Contact.objects.create(email="support@helpdesk.test", full_name="Loop")
    ticket = make(requester=ours, channel=Channel.EMAIL)
    answer = as_user(agent).post(f"/api/v1/tickets/{ticket.pk}/spam/", {"block_sender": True}, format="json")
    assert answer.status_code == 400
    assert "own support addresses" in answer.json()["errors"]["block_sender"][0]


def test_the_spam_operation_is_in_the_schema(as_user, admin_user):
    schema = as_user(admin_user).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/tickets/{id}/spam/"]["post"]
    assert operation["operationId"] == "tickets_spam"
    assert "/api/v1/blocked-senders/" in schema["paths"]


def test_webhooks_fire_as_for_any_close_plus_marked_spam(spam, agent, admin_user):
    webhooks.webhook_create(
        actor=admin_user,
        name="CRM",
        url="https://crm.example/hooks",
        events=["ticket.status_changed", "ticket.marked_spam", "ticket.replied"],
    )
    services.ticket_mark_spam(ticket=spam, actor=agent, block_sender=True)
    queued = NotificationLog.objects.filter(kind="webhook", ticket_id=spam.pk).values_list("template", flat=True)
    assert sorted(queued) == ["ticket.marked_spam", "ticket.status_changed"]
