"""Logging a phone call: the call notes are the agent's internal note; the customer sees only what the
agent chose to make public, authored by the agent."""

import pytest
from django.urls import reverse

from customers.models import Contact
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import mail_build
from tickets.models import Channel, EventKind, Message, Ticket

pytestmark = pytest.mark.django_db

NOTES = "Caller sounded annoyed; suspect their admin broke the config."
PUBLIC = "Thanks for your call. We are checking the mail server and will write back today."


def _log_call(agent_client, contact: Contact, **extra) -> Ticket:
    data = {
        "contact": contact.pk,
        "direction": "inbound",
        "duration": "6",
        "notes": NOTES,
        "subject": "Mail is down",
        "priority": "normal",
        **extra,
    }
    response = agent_client.post(reverse("agent:call-new"), data)
    assert response.status_code == 302, response.content.decode()
    return Ticket.objects.get(subject="Mail is down")


def test_the_call_notes_are_an_internal_note_written_by_the_agent(agent_client, agent, requester):
    ticket = _log_call(agent_client, requester)

    note = ticket.messages.get()
    assert note.internal is True
    assert note.author_user == agent and note.author_contact is None
    assert NOTES in note.body_text and note.channel == Channel.PHONE
    assert ticket.channel == Channel.PHONE and ticket.requester == requester
    assert ticket.events.get(kind=EventKind.CALL_LOGGED).data["duration_minutes"] == 6
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "ag-msg-note" in page and "annoyed" in page  # the agents' timeline shows it as their note


def test_the_customer_never_sees_the_call_notes_in_the_portal(agent_client, client, customer, requester):
    ticket = _log_call(agent_client, requester)
    client.force_login(customer)

    page = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    home = client.get("/portal/").content.decode()

    assert "Mail is down" in page and "Mail is down" in home  # the request itself is theirs to follow
    assert "annoyed" not in page and "annoyed" not in home
    assert 'class="msg' not in page  # no message at all: nothing put in the customer's mouth


def test_the_customer_api_never_returns_the_call_notes(agent_client, customer, requester, as_user):
    ticket = _log_call(agent_client, requester)
    api = as_user(customer)

    messages = api.get(f"/api/v1/tickets/{ticket.pk}/messages/")
    events = api.get(f"/api/v1/tickets/{ticket.pk}/events/")
    detail = api.get(f"/api/v1/tickets/{ticket.pk}/")
    found = api.get("/api/v1/tickets/", {"q": "annoyed"})

    assert messages.status_code == 200 and messages.json()["results"] == []
    assert events.status_code == 200 and detail.status_code == 200
    for response in (messages, events, detail, found):
        assert "annoyed" not in response.content.decode()
    assert found.json()["results"] == []  # the note's words are not searchable by the customer


def test_the_acknowledgement_mail_of_a_phone_ticket_carries_no_call_notes(agent_client, requester):
    ticket = _log_call(agent_client, requester)

    mails = [mail_build(row) for row in NotificationLog.objects.filter(ticket_id=ticket.pk)]

    assert mails, "the caller still gets the acknowledgement with their request number"
    for mail in mails:
        assert "annoyed" not in mail.body
        assert all("annoyed" not in str(content) for content, _type in mail.alternatives)


def test_a_message_to_the_customer_is_public_and_written_by_the_agent(agent_client, agent, client, customer, requester):
    ticket = _log_call(agent_client, requester, public_message=PUBLIC)

    note, public = ticket.messages.order_by("id")
    assert note.internal and NOTES in note.body_text
    assert not public.internal and PUBLIC in public.body_text
    assert public.author_user == agent and public.author_contact is None
    assert public.channel == Channel.PHONE

    client.force_login(customer)
    page = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "checking the mail server" in page and "annoyed" not in page
    assert "msg-support" in page and "msg-you" not in page
    reply_mail = NotificationLog.objects.get(ticket_id=ticket.pk, template="agent_reply")
    assert reply_mail.recipient == requester.email and "checking the mail server" in mail_build(reply_mail).body


def test_a_message_to_the_customer_counts_as_the_first_response(agent_client, requester):
    ticket = _log_call(agent_client, requester, public_message=PUBLIC)
    assert ticket.first_responded_at is not None


def test_the_call_form_says_which_field_the_customer_sees(agent_client, requester):
    page = agent_client.get(reverse("agent:call-new"), {"contact": requester.pk}).content.decode()
    assert "Message to the customer (public)" in page
    assert "The customer sees this" in page
    assert "Only agents see the call notes" in page


def test_a_call_on_an_existing_ticket_with_a_public_message_adds_both(agent_client, agent, make, requester):
    existing = make(subject="Ongoing", requester=requester)
    agent_client.post(
        reverse("agent:call-new"),
        {
            "contact": requester.pk,
            "direction": "outbound",
            "duration": "3",
            "notes": NOTES,
            "public_message": PUBLIC,
            "ticket": existing.pk,
            "priority": "normal",
        },
    )
    note = existing.messages.get(internal=True)
    public = existing.messages.filter(internal=False).latest("id")
    assert NOTES in note.body_text and note.author_user == agent
    assert PUBLIC in public.body_text and public.author_user == agent and public.author_contact is None
    assert Message.objects.filter(ticket=existing, body_text__contains="annoyed", internal=False).count() == 0
