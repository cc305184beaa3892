"""What the API tells people who should not learn it: anonymous callers, customers."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_customers_see_team_names_but_not_team_leads_or_team_email_addresses(as_user, customer, agent, team):
    team.email = "first-line@support.test"
    team.lead = agent
    team.save()
    rows = as_user(customer).get("/api/v1/teams/").json()["results"]
    assert rows == [
        {"id": team.pk, "name": team.name, "name_fa": "", "slug": team.slug, "description": team.description}
    ]


def test_agents_still_see_team_leads_and_team_email_addresses(as_user, agent, team):
    team.email = "first-line@support.test"
    team.lead = agent
    team.save()
    row = as_user(agent).get("/api/v1/teams/").json()["results"][0]
    assert (row["email"], row["lead"]) == ("first-line@support.test", agent.pk)


def test_the_team_list_keeps_a_fixed_number_of_queries(as_user, customer, django_assert_max_num_queries):
    for index in range(5):
        factories.TeamFactory(name=f"Team {index}", slug=f"team-{index}")
    client = as_user(customer)
    with django_assert_max_num_queries(2):  # the page count, the page of teams
        assert client.get("/api/v1/teams/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/teams/", "/api/v1/tickets/", "/api/v1/auth/me/", "/api/v1/contacts/", "/api/v1/webhooks/"]
)
def test_anonymous_api_calls_are_a_401_that_says_how_to_authenticate(api, path):
    response = api.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_a_401_too(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = api.get("/api/v1/tickets/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "authentication_failed"


def test_a_signed_in_user_without_the_right_is_still_a_403(as_user, customer):
    assert as_user(customer).get("/api/v1/webhooks/").status_code in (403, 404)
