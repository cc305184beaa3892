"""`/api/v1/notifications/`: an agent's own notifications only; customers get 403."""

import pytest
from django.urls import reverse

from customers.models import Contact
from tests.factories import make_ticket
from tickets.alerts import services as alerts
from tickets.models import Notification, NotificationKind


@pytest.fixture
def ticket(customer, team):
    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)


def test_the_list_has_the_agents_own_notifications_with_their_text(as_user, agent, other_agent, ticket):
    alerts.notify(kind=NotificationKind.MENTION, recipients=[other_agent], ticket=ticket, actor=agent)
    data = as_user(agent).get(reverse("api-notification-list")).json()
    assert [(n["kind"], n["ticket"]) for n in data["results"]] == [("team_ticket", ticket.pk)]
    assert data["results"][0]["text"] == f"New ticket #{ticket.pk} in your team's queue"
    theirs = as_user(other_agent).get(reverse("api-notification-list")).json()["results"]
    assert [n["kind"] for n in theirs] == ["mention"] and theirs[0]["actor"]["id"] == agent.pk


def test_unread_filter_mark_read_and_mark_all_read(as_user, agent, ticket):
    api = as_user(agent)
    alerts.notify(kind=NotificationKind.MENTION, recipients=[agent], ticket=ticket)
    first = Notification.objects.filter(recipient=agent).order_by("id").first()
    response = api.post(reverse("api-notification-read", args=[first.pk]))
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert [n["kind"] for n in api.get(reverse("api-notification-list"), {"unread": "1"}).json()["results"]] == [
        "mention"
    ]
    assert api.get(reverse("api-notification-unread")).json() == {"unread": 1}
    assert api.post(reverse("api-notification-read-all")).json() == {"marked": 1}
    assert api.get(reverse("api-notification-list"), {"unread": "1"}).json()["results"] == []


def test_an_agent_cannot_mark_another_agents_notification(as_user, agent, other_agent, ticket):
    [theirs] = alerts.notify(kind=NotificationKind.MENTION, recipients=[other_agent], ticket=ticket)
    assert as_user(agent).post(reverse("api-notification-read", args=[theirs.pk])).status_code == 404
    as_user(agent).post(reverse("api-notification-read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "name,method,args",
    [
        ("api-notification-list", "get", []),
        ("api-notification-unread", "get", []),
        ("api-notification-read-all", "post", []),
        ("api-notification-read", "post", [1]),
    ],
)
def test_customers_get_403_and_visitors_401(as_user, customer, name, method, args):
    url = reverse(name, args=args)
    assert getattr(as_user(customer), method)(url).status_code == 403
    assert getattr(as_user(None), method)(url).status_code in (401, 403)


def test_the_list_runs_a_fixed_number_of_queries(django_assert_max_num_queries, as_user, agent, ticket):
    api = as_user(agent)
    alerts.notify_many(
        alerts=[alerts.Alert(kind=NotificationKind.MENTION, recipients=[agent], ticket=ticket)] * 60,
        now=ticket.created_at,
    )
    # 1 COUNT of the agent's notifications (the pager), 2 the page (+ticket subject, actor).
    with django_assert_max_num_queries(2):
        data = api.get(reverse("api-notification-list")).json()
    assert len(data["results"]) == 50 and data["next"]
