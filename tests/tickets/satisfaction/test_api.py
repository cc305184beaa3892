"""Satisfaction in the API: who sees which rating, rating over the API, the list's filters and query
count, the summary, and marking a follow-up done."""

import pytest

from customers.models import Contact
from tests.conftest import api_as
from tests.factories import make_ticket
from tests.tickets.satisfaction.conftest import solve
from tickets import ratings
from tickets.models import RatingFollowUp, SatisfactionRating

pytestmark = pytest.mark.django_db


def test_the_requester_rates_their_solved_ticket_over_the_api(customer, solved):
    response = api_as(customer).post(
        f"/api/v1/tickets/{solved.pk}/rating/", {"score": 4, "comment": "Good"}, format="json"
    )
    assert response.status_code == 200 and response.json()["score"] == 4
    assert SatisfactionRating.objects.get(ticket=solved).comment == "Good"
    assert api_as(customer).get(f"/api/v1/tickets/{solved.pk}/rating/").json()["score"] == 4


def test_bad_input_is_a_400_naming_the_field(customer, solved):
    response = api_as(customer).post(f"/api/v1/tickets/{solved.pk}/rating/", {"score": 9}, format="json")
    assert response.status_code == 400 and "score" in response.json()["errors"]
    assert not SatisfactionRating.objects.exists()


def test_an_open_ticket_cannot_be_rated(customer):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    response = api_as(customer).post(f"/api/v1/tickets/{ticket.pk}/rating/", {"score": 5}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_solved"


def test_another_customer_can_neither_rate_nor_see_the_rating(customer, other_customer, solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=5, comment="private")
    client = api_as(other_customer)
    assert client.get(f"/api/v1/tickets/{solved.pk}/rating/").status_code == 404
    assert client.post(f"/api/v1/tickets/{solved.pk}/rating/", {"score": 1}, format="json").status_code == 404
    assert SatisfactionRating.objects.get().score == 5


def test_a_colleague_sharing_the_ticket_does_not_see_or_change_the_rating(colleague, solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=5)
    client = api_as(colleague)
    assert client.get(f"/api/v1/tickets/{solved.pk}/rating/").status_code == 404
    assert client.post(f"/api/v1/tickets/{solved.pk}/rating/", {"score": 1}, format="json").status_code == 403
    assert SatisfactionRating.objects.get().score == 5


def test_an_agent_reads_the_rating_but_cannot_rate(agent, solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=2)
    client = api_as(agent)
    data = client.get(f"/api/v1/tickets/{solved.pk}/rating/").json()
    assert data["score"] == 2 and data["follow_up"]["open"] is True
    assert client.post(f"/api/v1/tickets/{solved.pk}/rating/", {"score": 5}, format="json").status_code == 403


def test_the_agents_ticket_detail_shows_the_satisfaction_and_the_customers_does_not(agent, customer, solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1, comment="Bad")
    detail = api_as(agent).get(f"/api/v1/tickets/{solved.pk}/").json()
    assert detail["satisfaction"]["rating"]["score"] == 1 and detail["satisfaction"]["follow_up"]["open"] is True
    assert "satisfaction" not in api_as(customer).get(f"/api/v1/tickets/{solved.pk}/").json()


def test_customers_get_404_on_the_agents_endpoints(customer, solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    client = api_as(customer)
    assert client.get("/api/v1/ratings/").status_code == 404
    assert client.get("/api/v1/ratings/summary/?group=team").status_code == 404
    follow_up = RatingFollowUp.objects.get()
    assert client.post(f"/api/v1/rating-follow-ups/{follow_up.pk}/done/", {}, format="json").status_code == 404
    assert api_as(None).get("/api/v1/ratings/").status_code == 401


@pytest.fixture
def many_ratings(customer, agent, team, other_team):
    from tickets import services

    contact = Contact.objects.get(user=customer)
    for i in range(6):
        ticket = make_ticket(requester=contact, actor=customer, subject=f"T{i}")
        services.ticket_update(ticket=ticket, actor=agent, changes={"team": team if i % 2 else other_team})
        ratings.rating_submit(ticket=solve(ticket, agent), contact=contact, score=i % 5 + 1)


def test_the_list_filters_and_pages_in_a_fixed_number_of_queries(agent, team, many_ratings, django_assert_num_queries):
    client = api_as(agent)
    # the count, the page of ratings with their ticket, contact, team, agent, product and
    # organization joined, and their follow-ups (with who resolved them)
    with django_assert_num_queries(3):
        page = client.get("/api/v1/ratings/?page_size=2").json()
    with django_assert_num_queries(3):
        client.get("/api/v1/ratings/?page_size=50")
    assert page["count"] == 6 and len(page["results"]) == 2
    by_team = client.get(f"/api/v1/ratings/?team={team.pk}").json()
    assert by_team["count"] == 3 and all(r["team"]["id"] == team.pk for r in by_team["results"])
    assert client.get("/api/v1/ratings/?score=1&score=2").json()["count"] == 3
    assert client.get("/api/v1/ratings/?follow_up=open").json()["count"] == 3
    assert client.get("/api/v1/ratings/?team=abc").status_code == 400


def test_the_summary_endpoint(agent, many_ratings, team):
    client = api_as(agent)
    data = client.get("/api/v1/ratings/summary/?group=team").json()
    rows = {row["key"]: row for row in data["rows"]}
    assert rows[str(team.pk)]["ratings"] == 3 and data["total"]["ratings"] == 6
    assert set(data["total"]["distribution"]) == {"1", "2", "3", "4", "5"}
    assert client.get("/api/v1/ratings/summary/?group=colour").status_code == 400
    assert client.get("/api/v1/ratings/summary/?group=day&from=yesterday").status_code == 400
    assert client.get("/api/v1/ratings/summary/?group=day&from=2026-01-01T00:00:00Z").status_code == 200


def test_an_agent_marks_a_follow_up_done_over_the_api(agent, solved):
    ratings.rating_submit(ticket=solved, contact=solved.requester, score=1)
    follow_up = RatingFollowUp.objects.get()
    client = api_as(agent)
    response = client.post(f"/api/v1/rating-follow-ups/{follow_up.pk}/done/", {"note": "Called"}, format="json")
    assert response.status_code == 200 and response.json()["open"] is False and response.json()["note"] == "Called"
    again = client.post(f"/api/v1/rating-follow-ups/{follow_up.pk}/done/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "follow_up_done"
    assert client.post("/api/v1/rating-follow-ups/999999/done/", {}, format="json").status_code == 404
