"""A reply posted twice (a double click on "send", a re-send after a slow answer) is stored once, on the
portal and in the agent's composer: the form's token and a hash of the text key the write
(tickets.idempotency.once). Another text sent with the same token (back, change, send) is its own reply;
tokens are per user."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_ticket
from tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def carlas_request(customer):
    return make_ticket(requester=customer.contact, subject="Printer")


def _portal(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_portal_reply_form_carries_a_new_token_each_time_it_is_shown(customer, carlas_request):
    browser = _portal(customer)
    first = browser.get(reverse("portal:ticket", args=[carlas_request.pk])).context["reply_form"]["token"].value()
    second = browser.get(reverse("portal:ticket", args=[carlas_request.pk])).context["reply_form"]["token"].value()
    assert first and second and first != second


def test_a_double_posted_portal_reply_is_stored_once(customer, carlas_request):
    browser = _portal(customer)
    url = reverse("portal:reply", args=[carlas_request.pk])
    answers = [browser.post(url, {"body": "Still broken.", "token": "tok-1"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert {a["Location"] for a in answers} == {reverse("portal:ticket", args=[carlas_request.pk])}
    assert carlas_request.messages.filter(body_text__contains="Still broken.").count() == 1


def test_a_portal_reply_with_other_text_and_the_same_token_is_stored_too(customer, carlas_request):
    browser = _portal(customer)
    url = reverse("portal:reply", args=[carlas_request.pk])
    browser.post(url, {"body": "Still broken.", "token": "tok-1"})
    browser.post(url, {"body": "Now it smokes, too.", "token": "tok-1"})
    texts = [m.body_text for m in Message.objects.filter(ticket=carlas_request, author_contact__isnull=False)]
    assert any("Still broken." in t for t in texts) and any("Now it smokes" in t for t in texts)


def test_a_refused_portal_reply_can_be_sent_again_with_the_same_token(customer, carlas_request):
    browser = _portal(customer)
    url = reverse("portal:reply", args=[carlas_request.pk])
    assert browser.post(url, {"body": "", "token": "tok-1"}).status_code == 400
    assert browser.post(url, {"body": "Still broken.", "token": "tok-1"}).status_code == 302
    assert carlas_request.messages.filter(body_text__contains="Still broken.").count() == 1


def test_a_colleague_posting_the_same_token_and_text_gets_their_own_reply(customer, colleague, carlas_request):
    url = reverse("portal:reply", args=[carlas_request.pk])
    _portal(customer).post(url, {"body": "Same here.", "token": "tok-1"})
    _portal(colleague).post(url, {"body": "Same here.", "token": "tok-1"})
    assert carlas_request.messages.filter(body_text__contains="Same here.").count() == 2


def test_another_customer_cannot_post_to_the_request_with_a_known_token(customer, other_customer, carlas_request):
    url = reverse("portal:reply", args=[carlas_request.pk])
    _portal(customer).post(url, {"body": "Still broken.", "token": "tok-1"})
    assert _portal(other_customer).post(url, {"body": "Still broken.", "token": "tok-1"}).status_code == 404
    assert carlas_request.messages.filter(body_text__contains="Still broken.").count() == 1


def test_a_double_posted_agent_reply_or_note_is_stored_once(agent_client, carlas_request):
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    for kind in ["reply", "note", "reply", "note"]:
        response = agent_client.post(url, {"kind": kind, "body": "We are on it.", "token": "tok-1"})
        assert response.status_code == 302
    assert carlas_request.messages.filter(body_text__contains="We are on it.", internal=False).count() == 1
    assert carlas_request.messages.filter(body_text__contains="We are on it.", internal=True).count() == 1


def test_an_agent_reply_without_a_token_is_stored_each_time(agent_client, carlas_request):
    """A client that sends no token (an old page still open) is not guarded, as before."""
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    agent_client.post(url, {"kind": "reply", "body": "Hello."})
    agent_client.post(url, {"kind": "reply", "body": "Hello."})
    assert carlas_request.messages.filter(body_text__contains="Hello.").count() == 2
