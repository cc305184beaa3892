"""The new-ticket page's "find or create" by phone: the phone field asks the lookup for the number as it is
typed, and the form opens the ticket for the contact with that number (the browser test is
tests/e2e/test_contact_lookup_e2e.py)."""

import pytest
from django.urls import reverse

from customers import services as customer_services
from customers.models import Contact
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NEW_NUMBER = "No contact has this number yet: the ticket creates one with this number and the name given."


@pytest.fixture
def caller(db) -> Contact:
    return customer_services.contact_create(full_name="Reza Karimi", phone="+98 912 123 4567")


def _lookup(client, **params) -> str:
    response = client.get(reverse("agent:contact-lookup"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_phone_field_asks_the_lookup_for_what_is_typed(agent_client):
    page = agent_client.get(reverse("agent:ticket-new")).content.decode()
    lookup = reverse("agent:contact-lookup")
    assert 'type="tel" name="phone"' in page
    assert f'hx-get="{lookup}" hx-trigger="input changed delay:300ms" hx-target="#phone-matches"' in page
    assert '<div id="phone-matches" aria-live="polite"></div>' in page


@pytest.mark.parametrize("typed", ["۰۹۱۲ ۱۲۳ ۴۵۶۷", "0912-123-4567", "+98 912 123 4567", "0912123"])
def test_a_number_typed_any_way_finds_the_contact(agent_client, caller, typed):
    body = _lookup(agent_client, phone=typed)
    assert "Reza Karimi" in body and 'data-fill-phone="+98 912 123 4567"' in body
    assert NEW_NUMBER not in body


def test_a_match_shows_both_the_address_and_the_number(agent_client):
    customer_services.contact_create(email="carla@acme.test", full_name="Carla", phone="021 8888 1234")
    body = _lookup(agent_client, phone="02188881234")
    assert (
        '<span dir="ltr" class="muted">carla@acme.test</span> · <span dir="ltr" class="muted">021 8888 1234</span>'
        in body
    )


def test_an_unknown_number_says_the_ticket_creates_the_contact(agent_client, caller):
    assert NEW_NUMBER in _lookup(agent_client, phone="0935 000 1122")
    assert NEW_NUMBER not in _lookup(agent_client, phone="0935")  # too short to record anyone by yet
    assert NEW_NUMBER not in _lookup(agent_client, email="0935 000 1122")  # only the phone field says so


def test_the_lookup_by_phone_is_for_agents_only(client, customer, caller):
    client.force_login(customer)
    assert client.get(reverse("agent:contact-lookup"), {"phone": "09121234567"}).status_code == 404


def test_the_lookup_runs_the_same_queries_for_one_match_and_eight(agent_client, caller, django_assert_num_queries):
    _lookup(agent_client, phone="0912 123 4567")  # the session's first read
    with django_assert_num_queries(2):  # the session with its agent, the contacts with their organizations
        assert _lookup(agent_client, phone="0912 123 4567").count('class="match"') == 1
    organization = customer_services.organization_create(name="Shared Line Ltd")
    for i in range(9):
        customer_services.contact_create(full_name=f"Caller {i}", phone="0912 123 4567", organization=organization)
    with django_assert_num_queries(2):
        assert _lookup(agent_client, phone="0912 123 4567").count('class="match"') == 8


def test_the_new_ticket_form_refuses_too_short_a_number_on_the_phone_field(agent_client):
    data = {"email": "", "full_name": "Someone", "phone": "1234", "subject": "s", "body": "b"}
    data |= {"channel": "phone", "priority": "normal", "type": "question"}
    response = agent_client.post(reverse("agent:ticket-new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This phone number is too short: a number needs at least 5 digits." in body
    assert 'type="tel" name="phone" id="id_phone" value="1234"' in body
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_the_new_ticket_form_opens_the_ticket_for_the_contact_with_the_number(agent_client, caller):
    data = {"email": "", "full_name": "", "phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷", "subject": "Router", "body": "It blinks."}
    data |= {"channel": "phone", "priority": "normal", "type": "question"}
    response = agent_client.post(reverse("agent:ticket-new"), data)
    assert response.status_code == 302, response.content.decode()
    assert Ticket.objects.get(subject="Router").requester == caller and Contact.objects.count() == 1
