"""Isolation: every portal page and action, tried as outsiders by guessing ids.

Another organization's customer and a colleague in an organization that does not share get 404
(never 403); anonymous visitors are sent to sign in; agents are sent to their workspace.
"""

import pytest
from django.core import signing
from django.urls import NoReverseMatch, reverse

from customers.models import Contact
from tests.factories import make_ticket
from tickets import ratings, services
from tickets.models import Message, SatisfactionRating, Status, Ticket

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_customer", "private_colleague"]
TICKET_PAGES = ["", "reply/", "solve/", "reopen/", "follow-up/", "rate/"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def private_ticket(private_customer, agent):
    """A request of private_customer (Initech does not share), solved so every action applies."""
    ticket = make_ticket(requester=Contact.objects.get(user=private_customer), actor=private_customer)
    services.ticket_reply(ticket=ticket, actor=agent, body="Answer")
    return ticket


def _snapshot(ticket: Ticket):
    ticket.refresh_from_db()
    return (ticket.status, ticket.messages.count(), Ticket.objects.count(), SatisfactionRating.objects.count())


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("suffix", TICKET_PAGES)
def test_outsiders_get_404_for_every_request_page_and_action(client, request, private_ticket, outsider, suffix):
    client.force_login(request.getfixturevalue(outsider))
    before = _snapshot(private_ticket)
    url = f"/portal/requests/{private_ticket.pk}/{suffix}"
    data = {"body": "let me in", "score": "1", "comment": "x"}
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, data).status_code == 404
    assert _snapshot(private_ticket) == before


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_cannot_act_on_a_solved_or_closed_request_either(client, request, private_ticket, agent, outsider):
    services.ticket_change_status(ticket=private_ticket, actor=agent, status=Status.SOLVED)
    client.force_login(request.getfixturevalue(outsider))
    for suffix in ("reopen/", "follow-up/", "rate/", "reply/"):
        assert (
            client.post(f"/portal/requests/{private_ticket.pk}/{suffix}", {"body": "x", "score": "5"}).status_code
            == 404
        )
    private_ticket.refresh_from_db()
    assert private_ticket.status == Status.SOLVED and Ticket.objects.count() == 1


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_guessed_ids_all_answer_404_the_same_way(client, request, private_ticket, outsider):
    client.force_login(request.getfixturevalue(outsider))
    existing = client.get(f"/portal/requests/{private_ticket.pk}/")
    missing = client.get(f"/portal/requests/{private_ticket.pk + 1000}/")
    assert existing.status_code == missing.status_code == 404


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_never_see_the_request_in_their_lists(client, request, private_ticket, outsider):
    client.force_login(request.getfixturevalue(outsider))
    assert private_ticket.subject not in client.get("/portal/").content.decode()
    response = client.get("/portal/organization/")
    assert response.status_code == 404 or private_ticket.subject not in response.content.decode()


def test_other_organizations_requests_stay_out_of_a_sharing_organization_list(client, customer, private_ticket):
    client.force_login(customer)
    assert private_ticket.subject not in client.get("/portal/organization/").content.decode()


ALL_PAGES = ["/portal/", "/portal/requests/new/", "/portal/organization/", "/portal/contract/"]


@pytest.mark.parametrize("path", ALL_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("suffix", TICKET_PAGES)
def test_anonymous_visitors_cannot_reach_a_request(client, private_ticket, suffix):
    before = _snapshot(private_ticket)
    url = f"/portal/requests/{private_ticket.pk}/{suffix}"
    for response in (client.get(url), client.post(url, {"body": "x", "score": "1"})):
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert _snapshot(private_ticket) == before


def test_agents_are_sent_to_the_ticket_in_their_workspace(client, agent, private_ticket):
    client.force_login(agent)
    try:
        expected = reverse("agent:ticket", args=[private_ticket.pk])
    except NoReverseMatch:
        expected = "/agent/"
    response = client.get(f"/portal/requests/{private_ticket.pk}/")
    assert response.status_code == 302 and response["Location"] == expected
    assert client.get("/portal/").status_code == 302


def test_agents_cannot_write_through_portal_actions(client, agent, private_ticket):
    client.force_login(agent)
    before = private_ticket.messages.count()
    client.post(f"/portal/requests/{private_ticket.pk}/reply/", {"body": "wrong place"})
    assert private_ticket.messages.count() == before


def test_a_rating_link_for_one_request_cannot_rate_another(client, private_ticket, customer, agent):
    own = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    services.ticket_change_status(ticket=own, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=private_ticket, actor=agent, status=Status.SOLVED)
    token = ratings.rating_token(ticket=own, score=5)
    payload = signing.b64_encode(f'{{"t":{private_ticket.pk},"s":1}}'.encode()).decode()
    forged = payload + token[token.index(":") :]  # the other request's number under this link's signature
    assert client.post(f"/portal/rate/{forged}/", {"score": "1"}).status_code == 400
    assert not SatisfactionRating.objects.filter(ticket=private_ticket).exists()


def test_customers_never_receive_internal_notes_anywhere_in_the_portal(client, private_customer, private_ticket, agent):
    services.ticket_reply(ticket=private_ticket, actor=agent, body="NOTE-XYZ", internal=True)
    client.force_login(private_customer)
    for path in ("/portal/", f"/portal/requests/{private_ticket.pk}/"):
        assert "NOTE-XYZ" not in client.get(path).content.decode()
    assert Message.objects.filter(body_text__contains="NOTE-XYZ").exists()
