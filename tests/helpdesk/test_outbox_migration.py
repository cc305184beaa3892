"""Upgrading a database whose outbox still belongs to tickets (tickets 0013, helpdesk 0004): the rows
stay in their tables and are the helpdesk app's afterwards, with their ticket ids, webhooks and
Message-IDs; a ticket can then be deleted without its rows (the database constraint is gone).
Runs on the suite's database (SQLite, or PostgreSQL with DATABASE_URL)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from helpdesk.models import NotificationLog, WebhookEndpoint
from tickets.models import Ticket

BEFORE = [("tickets", "0013_ticket_reply_to_email"), ("helpdesk", "0004_api_token_from_drf_tokens")]


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_queued_before_the_move_survive_it_and_are_sent_by_the_new_outbox():
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        contact = old.get_model("customers", "Contact").objects.create(email="old@example.com", full_name="Old")
        ticket = old.get_model("tickets", "Ticket").objects.create(subject="From before", requester=contact)
        endpoint = old.get_model("tickets", "WebhookEndpoint").objects.create(name="CRM", url="https://crm.test/h")
        rows = old.get_model("tickets", "NotificationLog").objects
        rows.create(
            key=f"ack:{ticket.pk}",
            ticket=ticket,
            recipient="old@example.com",
            template="ticket_created",
            context={"language": "fa"},
            message_id="old-1@helpdesk.test",
        )
        rows.create(
            key=f"webhook:{endpoint.pk}:1",
            kind="webhook",
            ticket=ticket,
            recipient=endpoint.url,
            template="ticket.created",
            context={"event": 1},
            webhook=endpoint,
            sent_at=timezone.now(),
        )
        ticket_id, endpoint_id = ticket.pk, endpoint.pk
    finally:
        _migrate()

    ack = NotificationLog.objects.get(key=f"ack:{ticket_id}")
    assert (ack.ticket_id, ack.template, ack.context, ack.message_id) == (
        ticket_id,
        "ticket_created",
        {"language": "fa"},
        "old-1@helpdesk.test",
    )
    delivery = NotificationLog.objects.get(kind="webhook")
    assert delivery.webhook == WebhookEndpoint.objects.get(pk=endpoint_id) and delivery.ticket_id == ticket_id
    assert list(WebhookEndpoint.objects.get(pk=endpoint_id).deliveries.all()) == [delivery]
    assert ContentType.objects.get_for_model(NotificationLog).app_label == "helpdesk"
    # new rows go on numbering after the old ones, in the same table
    new = NotificationLog.objects.create(key="new", recipient="a@example.com", template="account_verify")
    assert new.pk > delivery.pk > ack.pk
    # no constraint ties a row to its ticket any more: the ticket goes, its rows stay
    Ticket.objects.filter(pk=ticket_id).delete()
    assert NotificationLog.objects.filter(ticket_id=ticket_id).count() == 2
