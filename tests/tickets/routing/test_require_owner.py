"""HELPDESK_REQUIRE_OWNER: the first public reply by an agent takes an unowned ticket; solving an
unowned ticket asks for an owner, on the page, in the API and whatever the email channel does."""

import pytest

from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.models import Status, Ticket, TicketEvent
from tickets.services.status import OwnerRequired

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_owner(settings):
    settings.HELPDESK_REQUIRE_OWNER = True


def test_the_first_public_reply_of_an_agent_takes_the_ticket(require_owner, ticket, agent, other_agent):
    services.ticket_reply(ticket=ticket, actor=agent, body="Looking into it")
    ticket.refresh_from_db()
    assert ticket.assignee == agent and ticket.status == Status.OPEN
    event = TicketEvent.objects.get(ticket=ticket, field="assignee")
    assert event.actor is None and event.data == {"reason": "first_reply"}
    services.ticket_reply(ticket=ticket, actor=other_agent, body="Me too")
    ticket.refresh_from_db()
    assert ticket.assignee == agent  # only when nobody owns it


def test_a_note_or_a_customer_reply_takes_nothing(require_owner, ticket, agent, customer, requester):
    services.ticket_reply(ticket=ticket, actor=agent, body="internal", internal=True)
    services.ticket_customer_reply(ticket=ticket, actor=customer, contact=requester, body="Any news?")
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_without_the_setting_replies_assign_nobody(ticket, agent):
    services.ticket_reply(ticket=ticket, actor=agent, body="Hi")
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_an_agent_cannot_solve_an_unowned_ticket_but_can_with_an_owner_in_one_change(require_owner, ticket, agent):
    with pytest.raises(OwnerRequired):
        services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    services.ticket_edit(ticket=ticket, actor=agent, changes={"assignee": agent}, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.SOLVED, agent)


def test_replying_and_solving_at_once_takes_the_ticket_first(require_owner, ticket, agent):
    services.ticket_reply(ticket=ticket, actor=agent, body="Done", status=Status.SOLVED)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.SOLVED, agent)


def test_a_customer_may_still_solve_their_own_unowned_request(require_owner, ticket, customer):
    services.ticket_change_status(ticket=ticket, actor=customer, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_the_api_answers_409_owner_required(require_owner, as_user, agent, ticket):
    response = as_user(agent).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "solved"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "owner_required"
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    response = as_user(agent).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"status": "solved", "assignee": agent.pk}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_the_api_reply_takes_the_ticket(require_owner, as_user, agent, ticket):
    response = as_user(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "On it"}, format="json")
    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_the_page_shows_choose_an_owner_on_the_form(require_owner, agent_client, ticket, team):
    response = agent_client.post(
        f"/agent/tickets/{ticket.pk}/properties/",
        {"status": "solved", "priority": "normal", "type": "question", "team": team.pk, "assignee": "", "tags": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "Choose an owner" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_the_page_reply_takes_the_ticket(require_owner, agent_client, agent, ticket):
    response = agent_client.post(f"/agent/tickets/{ticket.pk}/reply/", {"kind": "reply", "body": "Hello"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_the_email_channel_opens_and_replies_without_an_owner(require_owner, customer, mailbox):
    first = email_ingest(raw=make_mail(sender=customer.email, subject="Broken"))
    ticket = first.ticket
    assert ticket.assignee is None
    raw = make_mail(sender=customer.email, subject="Re: Broken", in_reply_to=first.message_id)
    second = email_ingest(raw=raw)
    assert second.ticket == ticket and Ticket.objects.get(pk=ticket.pk).assignee is None
