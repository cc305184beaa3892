"""The reopen window (HELPDESK_REOPEN_DAYS) holds on every channel: a customer's reply to a ticket solved
too long ago, or closed, opens a linked follow-up; reopening it by status is refused (409)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.exceptions import DomainError
from tests.conftest import api_as
from tests.factories import make_ticket
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.models import Channel, InboundEmail, Message, Status, Ticket, TicketLink

from .conftest import contact_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_days(settings):
    settings.HELPDESK_REOPEN_DAYS = 3


def _solved(customer, agent, *, days_ago: int) -> Ticket:
    ticket = make_ticket(requester=contact_of(customer), actor=customer, subject="Printer on fire")
    solved_at = timezone.now() - timedelta(days=days_ago)
    return services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED, now=solved_at)


def _closed(customer, agent) -> Ticket:
    ticket = _solved(customer, agent, days_ago=1)
    return services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)


# --- a reply, on each channel -----------------------------------------------------------------


def _portal_reply(client, customer, ticket, body):
    client.force_login(customer)
    response = client.post(f"/portal/requests/{ticket.pk}/reply/", {"body": body})
    assert response.status_code == 302, response.content.decode()
    return response


def _api_reply(client, customer, ticket, body):
    response = api_as(customer).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": body}, format="json")
    assert response.status_code == 201, response.content
    return response


def _email_reply(client, customer, ticket, body):
    inbound = email_ingest(
        raw=make_mail(sender=customer.email, subject=f"Re: [#{ticket.pk}] {ticket.subject}", body=body)
    )
    assert inbound.status == InboundEmail.Status.PROCESSED, inbound.reason
    return inbound


CHANNELS = {"portal": _portal_reply, "api": _api_reply, "email": _email_reply}


def _holder(body: str) -> Ticket:
    return Message.objects.select_related("ticket").get(body_text__contains=body).ticket


def _assert_follow_up(original: Ticket, body: str, customer) -> Ticket:
    follow_up = _holder(body)
    assert follow_up.pk != original.pk
    assert TicketLink.objects.filter(from_ticket=follow_up, to_ticket=original, kind=TicketLink.Kind.FOLLOW_UP).exists()
    assert follow_up.requester == contact_of(customer) and follow_up.subject == original.subject
    message = follow_up.messages.get(body_text__contains=body)
    assert not message.internal and message.author_contact == contact_of(customer)
    return follow_up


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_reply_after_the_reopen_window_opens_a_linked_follow_up(client, customer, agent, mailbox, channel):
    ticket = _solved(customer, agent, days_ago=4)

    CHANNELS[channel](client, customer, ticket, "It is back, four days later.")

    _assert_follow_up(ticket, "four days later", customer)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED  # the old ticket stays as it was solved
    assert not ticket.messages.filter(body_text__contains="four days later").exists()


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_reply_within_the_reopen_window_reopens_the_ticket(client, customer, agent, mailbox, channel):
    ticket = _solved(customer, agent, days_ago=2)

    CHANNELS[channel](client, customer, ticket, "Still broken after two days.")

    assert _holder("after two days") == ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.solved_at is None
    assert not TicketLink.objects.exists()


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_reply_to_a_closed_ticket_opens_a_linked_follow_up(client, customer, agent, mailbox, channel):
    ticket = _closed(customer, agent)

    CHANNELS[channel](client, customer, ticket, "Closed, but it is back.")

    _assert_follow_up(ticket, "it is back", customer)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_the_api_names_the_follow_up_it_opened(customer, agent):
    ticket = _solved(customer, agent, days_ago=4)
    body = _api_reply(None, customer, ticket, "Late reply").json()
    follow_up = _holder("Late reply")
    assert body["follow_up_ticket"] == body["ticket"] == follow_up.pk
    assert api_as(customer).get(f"/api/v1/tickets/{follow_up.pk}/").status_code == 200


def test_the_portal_takes_the_customer_to_the_follow_up(client, customer, agent):
    ticket = _solved(customer, agent, days_ago=4)
    response = _portal_reply(client, customer, ticket, "Late reply")
    follow_up = _holder("Late reply")
    assert response["Location"] == f"/portal/requests/{follow_up.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"/portal/requests/{ticket.pk}/" in page  # "follows up on #…"


def test_an_email_reply_after_the_window_says_why_it_opened_a_follow_up(customer, agent, mailbox):
    ticket = _solved(customer, agent, days_ago=4)
    inbound = _email_reply(None, customer, ticket, "Late reply")
    assert inbound.ticket == _holder("Late reply") != ticket
    assert f"#{ticket.pk}" in inbound.reason


# --- reopening by status ----------------------------------------------------------------------


def test_the_portal_reopen_button_is_refused_after_the_window(client, customer, agent):
    ticket = _solved(customer, agent, days_ago=4)
    client.force_login(customer)
    page = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "Reopen this request" not in page and "Open a new linked request" in page

    response = client.post(f"/portal/requests/{ticket.pk}/reopen/", follow=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert "reply" in response.content.decode().lower()


def test_the_portal_reopen_button_works_within_the_window(client, customer, agent):
    ticket = _solved(customer, agent, days_ago=2)
    client.force_login(customer)
    assert "Reopen this request" in client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    client.post(f"/portal/requests/{ticket.pk}/reopen/")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_customer_patch_to_reopen_after_the_window_is_a_409_saying_to_reply(customer, agent):
    ticket = _solved(customer, agent, days_ago=4)

    response = api_as(customer).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "open"}, format="json")

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "reopen_window_passed"
    assert "reply" in response.json()["detail"] and "follow-up" in response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_a_customer_patch_to_reopen_within_the_window_reopens(customer, agent):
    ticket = _solved(customer, agent, days_ago=2)
    response = api_as(customer).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "open"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.OPEN


def test_a_customer_patch_to_reopen_a_closed_ticket_is_refused(customer, agent):
    ticket = _closed(customer, agent)
    response = api_as(customer).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "open"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_an_agent_may_still_reopen_after_the_window(customer, agent):
    ticket = _solved(customer, agent, days_ago=30)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.OPEN)
    services.ticket_reply(ticket=ticket, actor=agent, body="Looking again.")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and not TicketLink.objects.exists()


# --- the services themselves: no caller can go around the rule ---------------------------------


def test_the_status_service_refuses_a_customer_reopen_after_the_window(customer, agent):
    ticket = _solved(customer, agent, days_ago=4)
    with pytest.raises(DomainError) as refused:
        services.ticket_change_status(ticket=ticket, actor=customer, status=Status.OPEN)
    assert refused.value.code == "reopen_window_passed" and refused.value.status == 409


def test_the_reply_service_refuses_to_reopen_a_ticket_past_its_window(customer, agent):
    ticket = _solved(customer, agent, days_ago=4)
    with pytest.raises(DomainError) as refused:
        services.ticket_reply(ticket=ticket, actor=customer, contact=contact_of(customer), body="sneaky")
    assert refused.value.code == "reopen_window_passed"
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and not ticket.messages.filter(body_text="sneaky").exists()


def test_the_customer_reply_service_decides_reply_reopen_or_follow_up(customer, agent):
    contact = contact_of(customer)
    open_ticket = make_ticket(requester=contact, actor=customer)
    recent = _solved(customer, agent, days_ago=2)
    old = _solved(customer, agent, days_ago=4)

    kept = services.ticket_customer_reply(ticket=open_ticket, actor=customer, contact=contact, body="a")
    reopened = services.ticket_customer_reply(ticket=recent, actor=customer, contact=contact, body="b")
    followed = services.ticket_customer_reply(ticket=old, actor=None, contact=contact, body="c", channel=Channel.EMAIL)

    assert (kept.ticket, kept.reopened, kept.follow_up) == (open_ticket, False, False)
    assert (reopened.ticket, reopened.reopened, reopened.follow_up) == (recent, True, False)
    assert followed.follow_up and followed.ticket != old and followed.message.ticket == followed.ticket
    assert followed.ticket.channel == Channel.EMAIL
