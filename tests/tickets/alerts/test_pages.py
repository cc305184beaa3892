"""The notification centre's pages: the list, the bell, opening and marking read, the choices, the
ticket page's change bar, and the home page's "show all" links. Nobody reaches another's notifications."""

import pytest
from django.urls import reverse

from tests import factories
from tests.factories import make_ticket
from tickets import services
from tickets.alerts import services as alerts
from tickets.models import Notification, NotificationKind, NotificationPreference, SlaState, Ticket


@pytest.fixture
def ticket(customer, team):
    from customers.models import Contact

    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team, subject="Printer")


def many(agent, ticket, n):
    return alerts.notify_many(
        alerts=[alerts.Alert(kind=NotificationKind.MENTION, recipients=[agent], ticket=ticket) for _ in range(n)],
        now=ticket.created_at,
    )


def test_the_list_shows_the_agents_notifications_newest_first(agent_client, agent, ticket):
    response = agent_client.get(reverse("agent:notifications"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"New ticket #{ticket.pk} in your team" in body and "Printer" in body


def _list_queries(django_assert_max_num_queries, agent_client):
    # 1 session, 2 user, 3 the page of notifications (+ticket subject, actor name), no COUNT.
    with django_assert_max_num_queries(3):
        response = agent_client.get(reverse("agent:notifications"))
    assert response.status_code == 200
    return response


def test_the_list_query_count_does_not_grow_with_rows(django_assert_max_num_queries, agent_client, agent, ticket):
    _list_queries(django_assert_max_num_queries, agent_client)
    many(agent, ticket, 60)
    response = _list_queries(django_assert_max_num_queries, agent_client)
    assert len(response.context["page"].rows) == 50 and response.context["page"].has_next


def test_the_unread_filter_and_mark_all_read(agent_client, agent, ticket):
    many(agent, ticket, 2)
    assert len(agent_client.get(reverse("agent:notifications"), {"unread": "1"}).context["page"].rows) == 3
    agent_client.post(reverse("agent:notifications-read-all"))
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert agent_client.get(reverse("agent:notifications"), {"unread": "1"}).context["page"].rows == []


def test_opening_a_notification_marks_it_read_and_goes_to_the_ticket(agent_client, agent, ticket):
    n = Notification.objects.get(recipient=agent)
    response = agent_client.post(reverse("agent:notification-open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == f"/agent/tickets/{ticket.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_agent_cannot_open_or_mark_another_agents_notification(agent_client, other_agent, ticket):
    [theirs] = alerts.notify(kind=NotificationKind.MENTION, recipients=[other_agent], ticket=ticket)
    agent_client.post(reverse("agent:notification-open", args=[theirs.pk]))
    agent_client.post(reverse("agent:notification-read", args=[theirs.pk]))
    agent_client.post(reverse("agent:notifications-read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert theirs.pk not in [n.pk for n in agent_client.get(reverse("agent:notifications")).context["page"].rows]


@pytest.mark.parametrize("name", ["agent:notifications", "agent:notification-badge", "agent:notification-settings"])
def test_customers_and_visitors_do_not_reach_the_pages(client, customer, name):
    assert client.get(reverse(name)).status_code == 302  # to sign in
    client.force_login(customer)
    assert client.get(reverse(name)).status_code == 404


def test_the_bell_counts_unread_with_one_query_and_caps_at_99(
    django_assert_max_num_queries, agent_client, agent, ticket
):
    # 1 session, 2 user, 3 the capped COUNT of unread rows (alert_recipient_unread_idx).
    with django_assert_max_num_queries(3):
        body = agent_client.get(reverse("agent:notification-badge")).content.decode()
    assert 'class="bell-count" aria-hidden="true">1<' in body and 'hx-trigger="every 20s"' in body
    many(agent, ticket, 120)
    assert ">99+<" in agent_client.get(reverse("agent:notification-badge")).content.decode()


def test_each_agent_bell_counts_their_own_unread_only(client, agent, other_agent, ticket):
    """One statement for every agent (compiled once per process), run with each agent's id."""
    from tickets.alerts.selectors import unread_count_for

    before = unread_count_for(user=agent), unread_count_for(user=other_agent)
    many(agent, ticket, 3)
    many(other_agent, ticket, 5)
    Notification.objects.filter(pk=Notification.objects.filter(recipient=other_agent).first().pk).update(
        read_at=ticket.created_at
    )
    mine, theirs = unread_count_for(user=agent), unread_count_for(user=other_agent)
    assert (mine - before[0], theirs - before[1]) == (3, 4)
    client.force_login(other_agent)
    badge = client.get(reverse("agent:notification-badge")).content.decode()
    assert f'class="bell-count" aria-hidden="true">{theirs}<' in badge


def test_every_agent_page_has_the_bell_loading_itself(agent_client):
    body = agent_client.get(reverse("agent:home")).content.decode()
    assert 'id="bell"' in body and 'hx-trigger="load, every 20s"' in body


def _bell(body: str) -> str:
    start = body.index('<a class="bell')
    return body[start : body.index("</a>", start)]


def test_the_page_bell_is_the_loading_one_whatever_the_page_and_its_language(agent_client, agent, ticket):
    """The bell the top bar first shows never takes a page's own variables: the notification centre's
    unread filter once read as a count ("Notifications: True unread"). It is written once per page name
    and language ({% kept %}), so it must be the same for every agent."""
    many(agent, ticket, 3)  # the count comes from the badge, fetched on load
    for _ in range(2):  # written, then from the cache
        bell = _bell(agent_client.get(reverse("agent:notifications") + "?unread=1").content.decode())
        assert 'class="bell"' in bell and "True" not in bell and "bell-count" not in bell
        assert 'aria-label="Notifications"' in bell and 'aria-current="page"' in bell
        home = _bell(agent_client.get(reverse("agent:home")).content.decode())
        assert "aria-current" not in home and 'hx-trigger="load, every 20s"' in home
    agent.language = "fa"
    agent.save(update_fields=["language"])
    bell = _bell(agent_client.get(reverse("agent:home")).content.decode())
    assert 'aria-label="اعلان‌ها"' in bell, bell


def test_the_choices_page_saves_and_the_profile_loads_it(agent_client, agent):
    response = agent_client.post(
        reverse("agent:notification-settings"),
        {**{kind: "inapp" for kind in alerts.DEFAULT_DELIVERY}, "sla_breached": "both", "mention": "none"},
    )
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=agent).values_list("kind", "delivery")) == {
        "assigned": "inapp",
        "referral": "inapp",
        "referral_answered": "inapp",
        "referral_due": "inapp",
        "referral_overdue": "inapp",
        "bad_rating": "inapp",
        "sla_warning": "inapp",
        "mention": "none",
    }
    assert 'id="notifications"' in agent_client.get(reverse("profile")).content.decode()
    fragment = agent_client.get(reverse("agent:notification-settings") + "?profile=1", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b'name="next" value="profile"' in fragment.content


def test_a_bad_choice_is_a_form_error(agent_client, agent):
    response = agent_client.post(reverse("agent:notification-settings"), {"assigned": "pigeon"})
    assert response.status_code == 400 and not NotificationPreference.objects.exists()


# --- the ticket page's change bar -------------------------------------------------------------


def test_the_heartbeat_says_when_someone_else_changed_the_ticket(agent_client, agent, other_agent, ticket):
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk]))
    last = page.context["last_event"]
    assert f'name="after" id="last-event" value="{last}"' in page.content.decode()
    url = reverse("agent:ticket-presence", args=[ticket.pk])
    assert b"ticket-changed" not in agent_client.post(url, {"after": last}).content
    services.ticket_reply(ticket=ticket, actor=agent, internal=True, body="my own note")
    assert b"ticket-changed" not in agent_client.post(url, {"after": last}).content  # my own change
    services.ticket_reply(ticket=ticket, actor=other_agent, internal=True, body="their note")
    assert b"This ticket changed since you opened it." in agent_client.post(url, {"after": last}).content


def test_the_change_check_is_per_ticket_and_per_agent_and_counts_the_system(agent, other_agent, ticket, make):
    """One statement for every agent and ticket (compiled once per process), run with their ids."""
    from tickets.models import TicketEvent
    from tickets.workspace.timeline import changed_after

    last = TicketEvent.objects.filter(ticket=ticket).order_by("-pk").first().pk
    other_ticket = make(subject="Elsewhere")
    services.ticket_reply(ticket=other_ticket, actor=other_agent, internal=True, body="not on this ticket")
    assert not changed_after(user=agent, ticket=ticket, event_id=last)
    services.ticket_reply(ticket=ticket, actor=agent, internal=True, body="mine")
    assert not changed_after(user=agent, ticket=ticket, event_id=last)
    assert changed_after(user=other_agent, ticket=ticket, event_id=last)  # my change is theirs to see
    newest = TicketEvent.objects.filter(ticket=ticket).order_by("-pk").first().pk
    TicketEvent.objects.create(ticket=ticket, kind="sla_warning", actor=None)  # the system's step
    assert changed_after(user=agent, ticket=ticket, event_id=newest)
    assert not changed_after(user=agent, ticket=ticket, event_id=2**70)  # past any id: nothing after it


def test_the_heartbeat_with_the_change_check_runs_a_fixed_number_of_queries(
    django_assert_max_num_queries, agent_client, ticket
):
    # 1 session, 2 user, 3 the ticket (scoped), 4 EXISTS an event after the page's newest by someone else.
    with django_assert_max_num_queries(4):
        agent_client.post(reverse("agent:ticket-presence", args=[ticket.pk]), {"after": "0"})


def test_the_heartbeat_of_a_ticket_the_agent_may_not_see_is_a_404(client, customer, ticket):
    client.force_login(customer)
    assert client.post(reverse("agent:ticket-presence", args=[ticket.pk]), {"after": "0"}).status_code == 404


# --- home: show all ---------------------------------------------------------------------------


def test_home_sections_link_to_their_full_lists_when_there_is_more(agent_client, agent, team, other_team, customer):
    from customers.models import Contact

    contact = Contact.objects.get(user=customer)
    for n in range(9):
        t = make_ticket(requester=contact, actor=customer, team=team, subject=f"Row {n}", assignee=agent)
        Ticket.objects.filter(pk=t.pk).update(sla_state=SlaState.BREACHED)
        foreign = make_ticket(requester=contact, actor=customer, team=other_team, subject=f"Foreign {n}")
        services.ticket_refer(ticket=foreign, actor=factories.UserFactory(role="agent"), to_team=team, note=f"Q{n}")
    body = agent_client.get(reverse("agent:home")).content.decode()
    assert 'href="/agent/tickets/?view=mine&amp;sort=due">Show all (9)' in body
    assert 'href="/agent/tickets/?view=open&amp;sla_state=breached&amp;sort=due">Show all (9)' in body
    assert 'href="/agent/referrals/"' in body
    page = agent_client.get(reverse("agent:referrals"))
    assert page.status_code == 200 and len(page.context["page"].rows) == 9


def test_the_referrals_page_runs_a_fixed_number_of_queries(django_assert_max_num_queries, agent_client):
    # 1 session, 2 user, 3 my team ids, 4 the page of referrals (+ticket, teams).
    with django_assert_max_num_queries(4):
        assert agent_client.get(reverse("agent:referrals")).status_code == 200
