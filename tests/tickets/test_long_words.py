"""Words longer than PostgreSQL takes in a tsvector or tsquery (2,047 bytes) and texts whose words would
make a tsvector over 1 MB: the text is always saved, the long words are left out of the index and out of
queries, on every channel."""

import pytest

from tests.tickets.conftest import make_mail
from tickets.email.ingest import email_ingest
from tickets.models import InboundEmail, Message

TOKEN_URL = "https://erp.example.com/sync?token=" + "eyJhbGciOiJIUzI1NiJ9" * 110
LONG_WORDS = {
    "en": "A" * 2100,
    "url": TOKEN_URL,
    "fa": "ب" * 1100,  # 2,200 bytes in UTF-8
}


@pytest.fixture(params=sorted(LONG_WORDS))
def long_word(request):
    return LONG_WORDS[request.param]


def test_a_portal_request_with_a_long_word_is_saved(client, customer, long_word):
    client.force_login(customer)
    description = f"The sync fails: {long_word} since Monday"
    response = client.post(
        "/portal/requests/new/", {"subject": "Sync fails", "description": description, "impact": "slows"}
    )
    assert response.status_code == 302
    assert Message.objects.get(ticket__subject="Sync fails").body_text.startswith("The sync fails:")


def test_a_portal_reply_with_a_long_word_is_saved(client, customer, acme_ticket, long_word):
    client.force_login(customer)
    response = client.post(f"/portal/requests/{acme_ticket.pk}/reply/", {"body": f"Still: {long_word}"})
    assert response.status_code == 302
    assert acme_ticket.messages.filter(body_text__contains=long_word[:50]).exists()


def test_an_api_message_with_a_long_word_is_saved(as_user, agent, acme_ticket, long_word):
    response = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": f"Try {long_word}"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert acme_ticket.messages.filter(body_text__contains=long_word[:50]).exists()


def test_an_agent_reply_with_a_long_word_is_saved(agent_client, acme_ticket, long_word):
    response = agent_client.post(
        f"/agent/tickets/{acme_ticket.pk}/reply/", {"kind": "reply", "body": f"Use {long_word}"}
    )
    assert response.status_code == 302
    assert acme_ticket.messages.filter(body_text__contains=long_word[:50]).exists()


def test_an_incoming_mail_with_a_long_word_makes_its_ticket(db, customer, long_word):
    inbound = email_ingest(raw=make_mail(sender=f"Carla <{customer.email}>", body=f"Log: {long_word}\nThanks"))
    assert inbound.status == InboundEmail.Status.PROCESSED, inbound.reason
    assert long_word[:50] in inbound.ticket.messages.get().body_text


def test_a_ticket_search_made_only_of_long_words_finds_nothing(as_user, agent, acme_ticket, long_word):
    response = as_user(agent).get("/api/v1/tickets/", {"q": long_word})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_huge_message_of_distinct_words_is_saved_and_its_start_found(as_user, agent, acme_ticket):
    words = [f"w{n:x}q" for n in range(24_000)]  # the longest body taken, of distinct words
    body = "Quarterly " + " ".join(words)
    response = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": body}, format="json")
    assert response.status_code == 201, response.content[:300]
    found = as_user(agent).get("/api/v1/tickets/", {"q": "w1q"}).json()["results"]
    assert [row["id"] for row in found] == [acme_ticket.pk]
