"""The portal's new-request form opens one request per form token (`deflection_token`): a double
submit or a re-send goes to the first request (tickets.idempotency.once); tokens are per user."""

import pytest
from django.urls import reverse

from tickets.models import Ticket

pytestmark = pytest.mark.django_db

FORM = {"subject": "Printer on fire", "description": "It is on fire.", "impact": "slows", "deflection_token": "tok-1"}


def test_a_resent_form_goes_to_the_first_request_and_opens_no_other(client, customer):
    client.force_login(customer)
    first = client.post(reverse("portal:new"), FORM)
    again = client.post(reverse("portal:new"), FORM)
    third = client.post(reverse("portal:new"), FORM)
    ticket = Ticket.objects.get()
    assert first.status_code == again.status_code == third.status_code == 302
    assert first["Location"] == again["Location"] == third["Location"] == reverse("portal:ticket", args=[ticket.pk])


def test_a_new_form_token_opens_a_new_request(client, customer):
    client.force_login(customer)
    client.post(reverse("portal:new"), FORM)
    client.post(reverse("portal:new"), {**FORM, "deflection_token": "tok-2"})
    assert Ticket.objects.count() == 2


def test_another_customer_with_the_same_token_gets_their_own_request_not_the_first(client, customer, other_customer):
    client.force_login(customer)
    mine = client.post(reverse("portal:new"), FORM)["Location"]
    client.force_login(other_customer)
    theirs = client.post(reverse("portal:new"), FORM)["Location"]
    assert theirs != mine and Ticket.objects.count() == 2


def test_a_refused_submission_can_be_sent_again_with_the_same_token(client, customer):
    client.force_login(customer)
    assert client.post(reverse("portal:new"), {**FORM, "subject": ""}).status_code == 400
    assert client.post(reverse("portal:new"), FORM).status_code == 302
    assert Ticket.objects.count() == 1


def test_a_form_sent_again_with_other_text_opens_its_own_request_and_loses_nothing(client, customer):
    """Back, change the text, send: the page's token is the same, but the second request is not dropped."""
    client.force_login(customer)
    client.post(reverse("portal:new"), FORM)
    changed = {**FORM, "subject": "Scanner jammed", "description": "The scanner eats paper."}
    second = client.post(reverse("portal:new"), changed)
    assert Ticket.objects.count() == 2
    made = Ticket.objects.get(subject="Scanner jammed")
    assert second["Location"] == reverse("portal:ticket", args=[made.pk])
