"""`/tickets/{id}/messages/` and `/tickets/{id}/events/`: replies, notes, follow-ups, the trail."""

import pytest

from helpdesk.models import User
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets import services
from tickets.models import EventKind, Message, Status, Ticket, TicketLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(acme_ticket, agent):
    """The customer's ticket with an agent reply and an internal note."""
    services.ticket_reply(ticket=acme_ticket, actor=agent, body="Public answer")
    services.ticket_reply(ticket=acme_ticket, actor=agent, body="Secret note about the customer", internal=True)
    return acme_ticket


def bodies(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["body"] for row in response.json()["results"]]


def test_agent_sees_the_whole_conversation_oldest_first(as_user, agent, conversation):
    response = as_user(agent).get(f"/api/v1/tickets/{conversation.pk}/messages/")
    assert bodies(response) == ["It is on fire.", "Public answer", "Secret note about the customer"]
    first, reply, note = response.json()["results"]
    assert first["author"]["type"] == "customer" and reply["author"] == {"type": "agent", "name": agent.full_name}
    assert note["internal"] is True
    assert set(first) == {"id", "body", "body_html", "internal", "author", "channel", "created_at", "attachments"}


@pytest.mark.parametrize("persona", ["customer", "colleague"])
def test_customers_never_see_internal_notes(request, as_user, conversation, persona):
    response = as_user(request.getfixturevalue(persona)).get(f"/api/v1/tickets/{conversation.pk}/messages/")
    assert bodies(response) == ["It is on fire.", "Public answer"]
    assert "Secret" not in response.content.decode()


@pytest.mark.parametrize("persona", ["customer", "colleague"])
def test_customers_see_only_public_events(request, as_user, conversation, persona):
    response = as_user(request.getfixturevalue(persona)).get(f"/api/v1/tickets/{conversation.pk}/events/")
    assert response.status_code == 200
    kinds = [row["kind"] for row in response.json()["results"]]
    assert EventKind.NOTE_ADDED not in kinds and EventKind.REPLIED in kinds
    assert set(response.json()["results"][0]) == {
        "id",
        "kind",
        "field",
        "old_value",
        "new_value",
        "actor_name",
        "created_at",
    }


def test_agent_sees_every_event_with_data(as_user, agent, conversation):
    response = as_user(agent).get(f"/api/v1/tickets/{conversation.pk}/events/")
    kinds = [row["kind"] for row in response.json()["results"]]
    assert EventKind.NOTE_ADDED in kinds
    assert "data" in response.json()["results"][0]


def test_events_are_cursor_paginated(as_user, agent, conversation):
    client = as_user(agent)
    seen, url = [], f"/api/v1/tickets/{conversation.pk}/events/?page_size=1"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(conversation.events.values_list("id", flat=True))


@pytest.mark.parametrize("persona", ["private_colleague", "other_customer"])
def test_outsiders_get_404_on_messages_and_events(request, as_user, private_ticket, conversation, persona):
    user = request.getfixturevalue(persona)
    ticket = private_ticket if persona == "private_colleague" else conversation
    client = as_user(user)
    assert client.get(f"/api/v1/tickets/{ticket.pk}/messages/").status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket.pk}/events/").status_code == 404
    assert client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "hi"}, format="json").status_code == 404


def test_anonymous_cannot_read_events(api, conversation):
    response = api.get(f"/api/v1/tickets/{conversation.pk}/events/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_agent_replies_and_sets_the_status(as_user, agent, acme_ticket):
    response = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "Try this", "status": "pending"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"]["type"] == "agent" and body["internal"] is False and body["follow_up_ticket"] is None
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == Status.PENDING and acme_ticket.first_responded_at is not None


def test_agent_writes_an_internal_note(as_user, agent, acme_ticket):
    response = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "<b>psst</b>", "internal": True}, format="json"
    )
    assert response.status_code == 201
    assert Message.objects.get(pk=response.json()["id"]).internal is True
    assert response.json()["body_html"] == "<p>&lt;b&gt;psst&lt;/b&gt;</p>"


@pytest.mark.parametrize("persona", ["customer", "colleague"])
def test_customer_cannot_write_an_internal_note(request, as_user, acme_ticket, persona):
    response = as_user(request.getfixturevalue(persona)).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "sneaky", "internal": True}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Message.objects.filter(body_text="sneaky").exists()


def test_customer_cannot_set_the_status_with_a_reply(as_user, customer, acme_ticket):
    response = as_user(customer).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "x", "status": "closed"}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_customer_reply_reopens_a_solved_ticket(as_user, agent, customer, acme_ticket):
    services.ticket_change_status(ticket=acme_ticket, actor=agent, status=Status.SOLVED)
    response = as_user(customer).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "Not fixed"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author"]["type"] == "customer"
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == Status.OPEN


def test_colleague_can_reply_on_a_shared_ticket(as_user, colleague, acme_ticket):
    response = as_user(colleague).post(f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "Me too"}, format="json")
    assert response.status_code == 201
    assert Message.objects.get(pk=response.json()["id"]).author_contact == contact_of(colleague)


def test_customer_reply_on_a_closed_ticket_opens_a_linked_follow_up(as_user, customer, acme_ticket):
    Ticket.objects.filter(pk=acme_ticket.pk).update(status=Status.CLOSED)
    response = as_user(customer).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "It is burning again"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    follow_up = Ticket.objects.get(pk=body["follow_up_ticket"])
    assert body["ticket"] == follow_up.pk != acme_ticket.pk
    assert follow_up.requester == contact_of(customer) and follow_up.subject == acme_ticket.subject
    assert TicketLink.objects.filter(from_ticket=follow_up, to_ticket=acme_ticket, kind="follow_up").exists()
    assert not acme_ticket.messages.filter(body_text="It is burning again").exists()
    assert as_user(customer).get(f"/api/v1/tickets/{follow_up.pk}/").status_code == 200


def test_agent_reply_on_a_closed_ticket_is_a_409(as_user, agent, acme_ticket):
    Ticket.objects.filter(pk=acme_ticket.pk).update(status=Status.CLOSED)
    response = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "hello"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "ticket_closed"
    assert "follow-up" in response.json()["detail"]


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"body": ""}, "body"),
        ({}, "body"),
        ({"body": "x", "status": "bogus"}, "status"),
        ({"body": "x", "internal": "maybe"}, "internal"),
    ],
)
def test_bad_message_input_is_a_400(as_user, agent, acme_ticket, payload, field):
    response = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/messages/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_agent_reply_with_a_refused_status_is_a_409_and_stores_nothing(as_user, agent, acme_ticket):
    response = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "bye", "status": "closed"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert not acme_ticket.messages.filter(body_text="bye").exists()


@pytest.mark.parametrize("count", [1, 50])
def test_message_list_runs_the_same_queries_for_1_and_50_rows(
    as_user, agent, acme_ticket, count, django_assert_num_queries
):
    for i in range(count - 1):
        services.ticket_reply(ticket=acme_ticket, actor=agent, body=f"Reply {i}", internal=i % 2 == 0)
    client = as_user(User.objects.get(pk=agent.pk))
    # 1. the ticket, nothing joined (selectors.ticket_bare_for)
    # 2. COUNT of its messages (page-number pagination)  3. the page of messages with their authors
    # 4. their attachments (prefetch)
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/tickets/{acme_ticket.pk}/messages/")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_customer_message_list_runs_the_same_queries_for_1_and_50_rows(
    as_user, agent, customer, acme_ticket, count, django_assert_num_queries
):
    for i in range(count - 1):
        services.ticket_reply(ticket=acme_ticket, actor=agent, body=f"Reply {i}")
    client = as_user(User.objects.get(pk=customer.pk))
    # 1. the customer's contact  2. its organization (sharing?)  3. the ticket, nothing joined
    # 4. COUNT of public messages  5. the page with authors  6. their attachments (prefetch)
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/tickets/{acme_ticket.pk}/messages/")
    assert len(response.json()["results"]) == count


def test_other_customers_ticket_is_hidden_even_to_a_reply_by_id(as_user, other_customer, customer):
    ticket = make_ticket(requester=contact_of(customer))
    response = as_user(other_customer).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "hi"}, format="json")
    assert response.status_code == 404
    assert ticket.messages.count() == 1
