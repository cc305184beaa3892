"""The outbox keeps a ticket's id, not a reference to it: what happens to its rows when the ticket
is deleted. The rows stay (the record of what was sent, and Message-IDs that late replies carry);
mail not yet sent is dropped when the worker comes to it; a webhook delivery of one of its events
is still sent, saying the ticket is gone (`ticket: null`)."""

import json

import pytest

from helpdesk.models import NotificationLog
from helpdesk.outbox import webhooks
from helpdesk.outbox.sending import notification_send
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of, make_mail
from tickets.email.ingest import email_ingest
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_deleted_tickets_unsent_mail_is_dropped_and_its_rows_stay(customer, mailoutbox):
    ticket = make_ticket(requester=contact_of(customer), subject="Soon gone")
    ticket_id = ticket.pk
    [ack] = NotificationLog.objects.filter(ticket_id=ticket_id, template="ticket_created")
    ticket.delete()
    ack.refresh_from_db()
    assert ack.ticket_id == ticket_id  # no cascade: the row is the record of what was queued
    assert not notification_send(notification_id=ack.pk)
    ack.refresh_from_db()
    assert ack.sent_at is not None and "deleted" in ack.last_error
    assert not mailoutbox


def test_a_webhook_delivery_of_a_deleted_tickets_event_says_the_ticket_is_gone(
    customer, admin_user, settings, monkeypatch
):
    settings.HELPDESK_WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _secret = webhooks.webhook_create(actor=admin_user, name="CRM", url="http://127.0.0.1:9/hooks")
    ticket = make_ticket(requester=contact_of(customer), subject="Soon gone")
    [delivery] = NotificationLog.objects.filter(webhook=endpoint, template="ticket.created")
    assert delivery.ticket_id == ticket.pk
    ticket.delete()
    bodies = []
    monkeypatch.setattr("helpdesk.outbox.delivery._post", lambda url, body, headers: bodies.append(body) or 204)
    assert notification_send(notification_id=delivery.pk)
    payload = json.loads(bodies[0])
    assert payload["event"] == "ticket.created" and payload["ticket"] is None and payload["delivery"] == delivery.pk


def test_a_reply_to_mail_about_a_deleted_ticket_opens_a_new_ticket(customer, mailbox):
    ticket = make_ticket(requester=contact_of(customer), subject="Soon gone")
    [ack] = NotificationLog.objects.filter(ticket_id=ticket.pk, template="ticket_created")
    ticket.delete()
    raw = make_mail(sender=customer.email, subject="Re: Soon gone", in_reply_to=f"<{ack.message_id}>")
    inbound = email_ingest(raw=raw, mailbox=mailbox)
    assert inbound.ticket is not None and inbound.ticket.pk != ack.ticket_id
    assert Ticket.objects.filter(pk=inbound.ticket.pk).exists()
