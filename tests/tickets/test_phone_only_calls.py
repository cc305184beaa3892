"""The agent's call and new-ticket forms make a contact from a name and a phone number (no email)."""

import pytest
from django.urls import reverse

from customers.models import Contact
from helpdesk.models import NotificationLog
from tickets.models import Channel, EventKind, Ticket
from tickets.notifications import CUSTOMER_TEMPLATES

pytestmark = pytest.mark.django_db


def customer_mail(ticket: Ticket):
    return NotificationLog.objects.filter(ticket_id=ticket.pk, template__in=CUSTOMER_TEMPLATES)


def _call(agent_client, **extra):
    data = {
        "direction": "inbound",
        "duration": "4",
        "notes": "Printer jammed again.",
        "subject": "Printer jam",
        "priority": "normal",
        **extra,
    }
    return agent_client.post(reverse("agent:call-new"), data)


def test_the_call_form_creates_a_contact_from_a_name_and_a_phone_number(agent_client, agent):
    public = "We will send a technician tomorrow morning."
    response = _call(agent_client, email="", full_name="Sara Ahmadi", phone="۰۹۱۲ ۵۵۵ ۰۰۰۰", public_message=public)

    assert response.status_code == 302, response.content.decode()
    ticket = Ticket.objects.get(subject="Printer jam")
    contact = ticket.requester
    assert (contact.full_name, contact.email, contact.phone_digits) == ("Sara Ahmadi", None, "09125550000")
    assert ticket.channel == Channel.PHONE and ticket.events.filter(kind=EventKind.CALL_LOGGED).exists()
    reply = ticket.messages.get(internal=False)
    assert public in reply.body_text and reply.author_user == agent  # stored: they heard it on the phone
    assert not customer_mail(ticket).exists()  # neither the acknowledgement nor the reply is mailed


def test_the_call_form_refuses_a_new_caller_with_neither_email_nor_phone(agent_client):
    response = _call(agent_client, email="", full_name="Nobody", phone="")
    assert response.status_code == 400
    assert "Give an email address or a phone number." in response.content.decode()
    assert not Ticket.objects.exists() and not Contact.objects.filter(full_name="Nobody").exists()


def test_a_second_call_from_the_same_caller_finds_them_by_phone(agent_client, caller):
    page = agent_client.get(reverse("agent:call-new"), {"caller": "09121234567"}).content.decode()
    assert "Reza Karimi" in page and "None" not in page
    response = _call(agent_client, contact=caller.pk)
    assert response.status_code == 302
    assert Ticket.objects.get(subject="Printer jam").requester == caller


def test_the_new_ticket_form_opens_a_ticket_for_a_phone_only_contact(agent_client, caller):
    data = {
        "email": "",
        "full_name": "Reza Karimi",
        "phone": "0912-123-4567",
        "subject": "Cannot print",
        "body": "Called about the printer.",
        "channel": Channel.PHONE,
        "priority": "normal",
        "type": "question",
    }
    response = agent_client.post(reverse("agent:ticket-new"), data)
    assert response.status_code == 302, response.content.decode()
    ticket = Ticket.objects.get(subject="Cannot print")
    assert ticket.requester == caller  # the same name and number: the same caller, no duplicate
    assert Contact.objects.count() == 1
    assert not customer_mail(ticket).exists()
