"""The ticket page's satisfaction panel, marking a follow-up done from it, and the agent list's
"bad rating to follow up" filter; customers never reach any of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import ratings
from tickets.models import RatingFollowUp

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def bad(solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1, comment="Nobody called back")
    return RatingFollowUp.objects.get(ticket=solved)


def test_the_ticket_page_loads_the_panel(agent_client, solved):
    html = agent_client.get(f"/agent/tickets/{solved.pk}/").content.decode()
    assert f"/agent/tickets/{solved.pk}/satisfaction/" in html


def test_the_panel_shows_the_rating_and_the_open_follow_up_in_fixed_queries(agent_client, solved, bad):
    url = f"/agent/tickets/{solved.pk}/satisfaction/"
    with CaptureQueriesContext(connection) as ctx:
        html = agent_client.get(url, **HTMX).content.decode()
    # session, user, the ticket, its rating, its survey, its latest follow-up
    assert len(ctx) <= 6
    assert "Nobody called back" in html and "Mark follow-up done" in html and "Bad rating (1 of 5)" in html
    assert agent_client.get(url).status_code == 200  # without htmx: a page of its own


def test_marking_done_from_the_page_saves_the_note_and_shows_who(agent_client, agent, solved, bad):
    response = agent_client.post(f"/agent/tickets/{solved.pk}/follow-ups/{bad.pk}/done/", {"note": "Called back"})
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.resolved_by == agent and bad.note == "Called back"
    html = agent_client.get(f"/agent/tickets/{solved.pk}/satisfaction/", **HTMX).content.decode()
    assert "Follow-up done by" in html and "Called back" in html and "Mark follow-up done" not in html
    again = agent_client.post(f"/agent/tickets/{solved.pk}/follow-ups/{bad.pk}/done/", {"note": "x"}, follow=True)
    assert "already marked done" in again.content.decode()


def test_a_follow_up_of_another_ticket_is_a_404(agent_client, solved, bad, customer):
    from customers.models import Contact
    from tests.factories import make_ticket

    other = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, subject="Other")
    assert agent_client.post(f"/agent/tickets/{other.pk}/follow-ups/{bad.pk}/done/").status_code == 404


def test_the_list_filters_tickets_waiting_for_a_follow_up(agent_client, solved, bad):
    html = agent_client.get("/agent/tickets/?view=all&follow_up=open").content.decode()
    assert f"/agent/tickets/{solved.pk}/" in html and "To follow up" in html
    RatingFollowUp.objects.filter(pk=bad.pk).update(resolved_at=bad.created_at)
    assert (
        f"/agent/tickets/{solved.pk}/"
        not in agent_client.get("/agent/tickets/?view=all&follow_up=open").content.decode()
    )


def test_the_api_list_filter_too(agent, solved, bad):
    from tests.conftest import api_as

    assert [t["id"] for t in api_as(agent).get("/api/v1/tickets/?follow_up=open").json()["results"]] == [solved.pk]


def test_customers_never_reach_the_panel_or_the_action(client, customer, solved, bad):
    client.force_login(customer)
    assert client.get(f"/agent/tickets/{solved.pk}/satisfaction/").status_code == 404
    assert client.post(f"/agent/tickets/{solved.pk}/follow-ups/{bad.pk}/done/", {"note": "x"}).status_code == 404
    bad.refresh_from_db()
    assert bad.is_open
