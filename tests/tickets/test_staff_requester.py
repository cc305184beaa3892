"""A staff account's address is never a ticket's requester: staff do not become customers (contacts),
on any channel (tickets.services.open.requester_staff_check)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Contact
from customers.services import contact_create
from tests import factories
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.models import Channel, InboundEmail, Message, Status, Ticket

pytestmark = pytest.mark.django_db

REFUSED = "This address belongs to a staff account; choose the customer."


@pytest.fixture
def staff_contact(agent):
    """A contact made for the agent's address before the rule (as the email channel or a form did)."""
    return contact_create(email=agent.email, full_name="Agent as a customer")


def _open(requester, actor):
    return services.ticket_open(actor=actor, requester=requester, subject="For me", body="Hi", channel=Channel.AGENT)


# --- the service --------------------------------------------------------------------------------


@pytest.mark.parametrize("whose", ["agent", "admin_user", "inactive agent"])
def test_a_staff_address_in_any_letter_case_is_refused_and_makes_no_contact(request, agent, whose):
    staff = factories.UserFactory(email="gone@test.example", is_active=False) if whose == "inactive agent" else None
    email = (staff or request.getfixturevalue(whose)).email.upper()
    with pytest.raises(ValidationError) as exc_info:
        _open(services.RequesterDetails(email=f"  {email} "), agent)
    assert exc_info.value.message_dict == {"email": [REFUSED]}
    assert not Contact.objects.filter(email__iexact=email).exists() and not Ticket.objects.exists()


def test_a_customers_own_login_address_is_still_a_requester(agent, customer):
    ticket = _open(services.RequesterDetails(email=customer.email), agent)
    assert ticket.requester.user == customer


def test_a_contact_made_for_a_staff_address_before_is_refused_too_without_a_500(agent, staff_contact):
    with pytest.raises(ValidationError) as exc_info:
        _open(services.RequesterDetails(email=agent.email), agent)
    assert exc_info.value.message_dict == {"email": [REFUSED]}
    with pytest.raises(ValidationError) as exc_info:
        _open(staff_contact, agent)
    assert exc_info.value.message_dict == {"requester": [REFUSED]}
    assert not Ticket.objects.exists()


# --- the agent's pages ----------------------------------------------------------------------------


NEW = {"subject": "For me", "body": "Hi", "channel": Channel.PHONE, "priority": "normal", "type": "question"}


def test_the_new_ticket_page_refuses_a_staff_address_on_the_email_field(agent_client, agent, other_agent):
    response = agent_client.post(reverse("agent:ticket-new"), {**NEW, "email": other_agent.email})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [REFUSED]
    assert not Contact.objects.exists() and not Ticket.objects.exists()


def test_the_new_ticket_page_refuses_a_staff_address_that_already_has_a_contact(agent_client, agent, staff_contact):
    response = agent_client.post(reverse("agent:ticket-new"), {**NEW, "email": agent.email})
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not Ticket.objects.exists()


CALL = {"direction": "inbound", "duration": "5", "notes": "Called", "subject": "Call", "priority": "normal"}


def test_the_call_form_refuses_a_staff_address_and_a_staff_contact(agent_client, agent, staff_contact, admin_user):
    response = agent_client.post(reverse("agent:call-new"), {**CALL, "email": admin_user.email})
    assert response.status_code == 400 and response.context["form"].errors["email"] == [REFUSED]
    response = agent_client.post(reverse("agent:call-new"), {**CALL, "contact": staff_contact.pk})
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not Ticket.objects.exists() and list(Contact.objects.all()) == [staff_contact]


# --- the API --------------------------------------------------------------------------------------


def test_the_api_refuses_a_staff_address_or_a_staff_contact_as_requester(as_user, agent, staff_contact, admin_user):
    api = as_user(agent)
    body = {"subject": "For me", "body": "Hi"}
    response = api.post("/api/v1/tickets/", {**body, "requester_email": admin_user.email.upper()}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"requester_email": [REFUSED]}
    response = api.post("/api/v1/tickets/", {**body, "requester": staff_contact.pk}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"requester": [REFUSED]}
    assert not Ticket.objects.exists() and list(Contact.objects.all()) == [staff_contact]


def test_the_api_still_opens_a_ticket_for_a_customer_address(as_user, agent):
    response = as_user(agent).post(
        "/api/v1/tickets/", {"subject": "For them", "body": "Hi", "requester_email": "new@acme.test"}, format="json"
    )
    assert response.status_code == 201, response.content


# --- the email channel ----------------------------------------------------------------------------


def test_mail_from_a_staff_address_that_answers_no_ticket_is_quarantined_and_makes_no_contact(mailbox, agent):
    raw = make_mail(sender=f"Agent <{agent.email.upper()}>", subject="Please open a ticket for Carla")
    inbound = email_ingest(raw=raw, mailbox=mailbox)
    assert inbound.status == InboundEmail.Status.QUARANTINED
    assert inbound.reason.lower() == f"the sender {agent.email} is a staff account: mail from staff opens no ticket."
    assert not Contact.objects.exists() and not Ticket.objects.exists()


def test_mail_from_a_staff_address_on_a_ticket_is_a_note_for_review_not_a_customers_reply(
    mailbox, make, agent, staff_contact
):
    ticket = make(subject="Printer on fire", cc_emails=[agent.email])  # the customer copied the agent in
    raw = make_mail(sender=agent.email, subject=f"Re: [#{ticket.pk}] Printer on fire", body="Ignore this")
    inbound = email_ingest(raw=raw, mailbox=mailbox)
    assert (inbound.status, inbound.ticket_id) == (InboundEmail.Status.PROCESSED, ticket.pk)
    note = Message.objects.get(body_text__contains="Ignore this")
    assert (note.internal, note.needs_review, note.author_contact, note.author_user) == (True, True, None, None)
    assert "a staff account" in note.body_text
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    assert list(Contact.objects.filter(email__iexact=agent.email)) == [staff_contact]  # none made


def test_mail_from_a_customer_still_opens_a_ticket(mailbox):
    inbound = email_ingest(raw=make_mail(sender="carla@acme.test"), mailbox=mailbox)
    assert inbound.status == InboundEmail.Status.PROCESSED and inbound.ticket.requester.email == "carla@acme.test"
