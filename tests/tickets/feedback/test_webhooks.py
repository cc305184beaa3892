"""`feedback_item.status_changed` and `opportunity.created` reach a real HTTP receiver, signed, once."""

import pytest

from helpdesk.models import NotificationLog
from helpdesk.outbox import webhooks
from helpdesk.outbox.sending import notification_send
from tests.tickets.test_webhooks import Receiver
from tickets.feedback import services
from tickets.opportunities import services as opportunity_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def _send_all() -> None:
    for pk in NotificationLog.objects.filter(kind="webhook", sent_at__isnull=True).values_list("pk", flat=True):
        notification_send(notification_id=pk)


def test_the_new_events_can_be_subscribed_to(as_user, admin_user):
    names = webhooks.event_names()
    assert {"feedback_item.status_changed", "opportunity.created"} <= set(names)
    response = as_user(admin_user).post(
        "/api/v1/webhooks/",
        {"name": "Dev", "url": "https://dev.example/hook", "events": ["feedback_item.status_changed"]},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_status_change_is_delivered_with_the_item_and_its_demand(receiver, admin_user, agent, item):
    webhooks.webhook_create(actor=admin_user, name="Dev", url=receiver.url, events=["feedback_item.status_changed"])
    services.feedback_item_update(item=item, actor=agent, changes={"title": "Dark mode everywhere"})
    assert not NotificationLog.objects.filter(kind="webhook").exists()  # no status change, no event
    services.feedback_item_update(item=item, actor=agent, changes={"status": "in_progress"})
    _send_all()
    assert len(receiver.requests) == 1
    assert receiver.requests[0]["headers"]["X-Helpdesk-Event"] == "feedback_item.status_changed"
    body = receiver.json()
    assert body["change"] == {"field": "status", "old": "new", "new": "in_progress"}
    assert body["actor"]["id"] == agent.pk
    assert body["feedback_item"]["id"] == item.pk and body["feedback_item"]["customer_count"] == 3


def test_a_new_opportunity_is_delivered_once(receiver, admin_user, agent, known):
    webhooks.webhook_create(actor=admin_user, name="CRM", url=receiver.url, events=["opportunity.created"])
    opportunity = opportunity_services.opportunity_create(ticket=known["tickets"][0], actor=agent, kind="renewal")
    opportunity_services.opportunity_update(opportunity=opportunity, actor=agent, changes={"state": "contacted"})
    _send_all()
    _send_all()
    assert [r["headers"]["X-Helpdesk-Event"] for r in receiver.requests] == ["opportunity.created"]
    assert receiver.json()["opportunity"]["kind"] == "renewal"
    assert receiver.json()["opportunity"]["ticket"] == known["tickets"][0].pk
