"""A committed write answers its success code when the broker is down after commit (issue #20, "Writes").

The broker and the cache are a real Redis server of the test's own, killed before the request. The
write commits (transactional_db: on-commit hooks run for real), the hand-off to the broker fails, and
the outbox row that the sweep will send is there."""

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from rest_framework.test import APIClient

from customers.models import Contact
from helpdesk.models import NotificationLog, WebhookEndpoint
from tests import factories
from tickets.models import Message, Ticket

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ticket(redis_for_app, customer, team):
    """A customer's ticket, opened while Redis was up."""
    return factories.make_ticket(requester=Contact.objects.get(user=customer), actor=customer)


@pytest.fixture
def redis_down(redis_for_app, ticket):
    redis_for_app.kill()
    return redis_for_app


def test_api_reply_is_201_and_queued_in_the_outbox_when_the_broker_is_down(redis_down, agent, ticket):
    client = APIClient()
    client.force_authenticate(agent)
    response = client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "We are on it."}, format="json")
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.body_text.strip() == "We are on it."
    assert NotificationLog.objects.filter(key__startswith=f"reply:{message.pk}:", sent_at=None).exists()


def test_api_ticket_creation_is_201_and_queued_when_the_broker_is_down(redis_down, customer):
    client = APIClient()
    client.force_authenticate(customer)
    response = client.post("/api/v1/tickets/", {"subject": "Printer", "body": "It is on fire."}, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert NotificationLog.objects.filter(key=f"ack:{ticket.pk}", sent_at=None).exists()


def test_agent_page_reply_is_saved_and_shown_when_the_broker_is_down(redis_down, client, agent, ticket):
    client.force_login(agent)
    response = client.post(f"/agent/tickets/{ticket.pk}/reply/", {"kind": "reply", "body": "Fixed now."}, follow=True)
    assert response.status_code == 200
    assert b"Fixed now." in response.content
    message = Message.objects.get(ticket=ticket, body_text__contains="Fixed now.")
    assert NotificationLog.objects.filter(key__startswith=f"reply:{message.pk}:", sent_at=None).exists()


def test_portal_reply_is_saved_and_shown_when_the_broker_is_down(redis_down, client, customer, ticket):
    WebhookEndpoint.objects.create(name="CRM", url="https://crm.example.test/hook", events=[])
    client.force_login(customer)
    response = client.post(f"/portal/requests/{ticket.pk}/reply/", {"body": "Still broken."}, follow=True)
    assert response.status_code == 200
    assert b"Still broken." in response.content
    assert Message.objects.filter(ticket=ticket, body_text__contains="Still broken.").exists()
    assert NotificationLog.objects.filter(kind=NotificationLog.Kind.WEBHOOK, ticket_id=ticket.pk, sent_at=None)


def test_api_reply_is_201_when_the_database_connection_drops_after_commit(redis_for_app, database_proxy, agent, ticket):
    """The connection is cut right after the reply commits, before the view reads it back."""

    def cut_after_commit(sender, instance, created, **kwargs):
        if created:
            transaction.on_commit(database_proxy.cut)

    post_save.connect(cut_after_commit, sender=Message, dispatch_uid="faults-cut")
    try:
        client = APIClient()
        client.force_authenticate(agent)
        response = client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Read me back."}, format="json")
    finally:
        post_save.disconnect(sender=Message, dispatch_uid="faults-cut")
    assert response.status_code == 201, response.content
    connection.close()
    assert Message.objects.filter(ticket=ticket, body_text__contains="Read me back.").count() == 1
