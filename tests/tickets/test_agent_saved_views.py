"""Saved views of the ticket list: saving, sharing, visibility, columns, and a fixed query count."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factories import ContactFactory, UserFactory
from tickets import services
from tickets.models import SavedView
from tickets.workspace import saved_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_view(agent, team):
    return saved_views.saved_view_create(
        actor=agent,
        name="Urgent first line",
        query={"view": "all", "priority": "urgent", "sort": "due"},
        columns=["number", "subject", "requester", "priority", "tags"],
        shared_with_team=team,
    )


def test_save_this_view_stores_the_validated_filters_and_columns(agent_client, agent, team):
    query = f"view=open&priority=urgent&team={team.pk}&sort=due&bogus=1&status=nonsense&page=3"
    response = agent_client.post(
        reverse("agent:view-save"),
        {"name": "Hot", "query": query, "columns": ["number", "subject", "organization", "created"]},
    )
    view = SavedView.objects.get(name="Hot")
    assert response.status_code == 302 and response["Location"].endswith(f"?view={view.pk}")
    assert view.owner == agent and view.shared_with_team is None
    assert view.query == {"view": "open", "priority": "urgent", "team": str(team.pk), "sort": "due"}
    assert view.columns == ["number", "subject", "organization", "created"]


def test_saved_view_filters_the_list_and_shows_only_its_columns(agent_client, team_view, make):
    make(subject="Server down", priority="urgent", tags=["outage"])
    make(subject="Font too small", priority="low")
    response = agent_client.get(reverse("agent:tickets"), {"view": team_view.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Server down" in body and "Font too small" not in body
    assert response.context["columns"] == ["number", "subject", "requester", "priority", "tags"]
    assert "outage" in body and '<th scope="col">Team</th>' not in body
    assert 'aria-current="page">Urgent first line' in body


def test_saved_views_show_as_tabs_mine_and_my_teams(agent_client, agent, other_agent, team, other_team):
    saved_views.saved_view_create(actor=agent, name="Just mine", query={}, columns=[])
    saved_views.saved_view_create(
        actor=other_agent, name="Billing backlog", query={}, columns=[], shared_with_team=other_team
    )
    teammate = agent.__class__.objects.create_user(email="mate@test.example", password="x", role="agent")
    teammate.teams.add(team)
    saved_views.saved_view_create(actor=teammate, name="From my teammate", query={}, columns=[], shared_with_team=team)
    body = agent_client.get(reverse("agent:tickets")).content.decode()
    assert "Just mine" in body and "From my teammate" in body and "Billing backlog" not in body


def test_each_agents_tabs_are_their_own_whoever_opened_the_list_first(client, agent, other_agent, team, other_team):
    """The tabs are read by a statement compiled once per process: each agent gets their own views and
    their teams' shared ones, as saved_view_list_for reads them, in either order."""
    saved_views.saved_view_create(actor=agent, name="Just mine", query={}, columns=[])
    saved_views.saved_view_create(
        actor=other_agent, name="Backlog of the other team", query={}, columns=[], shared_with_team=other_team
    )
    for user in (agent, other_agent, agent, other_agent):
        tabs = saved_views.saved_view_tabs_for(user=user)
        assert [v.pk for v in tabs] == [v.pk for v in saved_views.saved_view_list_for(user=user)]
        client.force_login(user)
        body = client.get(reverse("agent:tickets")).content.decode()
        assert ("Just mine" in body, "Backlog of the other team" in body) == (
            (True, False) if user == agent else (False, True)
        )


def test_other_team_agent_cannot_use_a_view_shared_only_with_my_team(client, other_agent, team_view):
    client.force_login(other_agent)
    assert client.get(reverse("agent:tickets"), {"view": team_view.pk}).status_code == 404
    assert client.post(reverse("agent:view-delete", args=[team_view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=team_view.pk).exists()


def test_missing_view_is_404_and_customers_and_anonymous_are_kept_out(client, customer, agent, team_view):
    client.force_login(agent)
    assert client.get(reverse("agent:tickets"), {"view": 999999}).status_code == 404
    from django.test import Client

    anonymous = Client().post(reverse("agent:view-save"), {"name": "x"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    client.force_login(customer)
    assert client.get(reverse("agent:tickets"), {"view": team_view.pk}).status_code == 404
    assert client.post(reverse("agent:view-save"), {"name": "x", "query": "view=all"}).status_code == 404
    assert client.post(reverse("agent:view-delete", args=[team_view.pk])).status_code == 404


def test_teammate_uses_but_cannot_rename_or_delete_a_shared_view(client, agent, team, team_view):
    teammate = agent.__class__.objects.create_user(email="mate@test.example", password="x", role="agent")
    teammate.teams.add(team)
    client.force_login(teammate)
    assert client.get(reverse("agent:tickets"), {"view": team_view.pk}).status_code == 200
    assert client.post(reverse("agent:view-save"), {"name": "Mine now", "saved": team_view.pk}).status_code == 404
    assert client.post(reverse("agent:view-delete", args=[team_view.pk])).status_code == 404
    team_view.refresh_from_db()
    assert team_view.name == "Urgent first line"


def test_owner_renames_and_deletes_a_view(agent_client, team_view):
    agent_client.post(
        reverse("agent:view-save"), {"name": "Renamed", "saved": team_view.pk, "columns": ["number", "status"]}
    )
    team_view.refresh_from_db()
    assert team_view.name == "Renamed" and team_view.columns == ["number", "subject", "status"]
    assert team_view.shared_with_team is None  # sharing is what the form says
    agent_client.post(reverse("agent:view-delete", args=[team_view.pk]))
    assert not SavedView.objects.filter(pk=team_view.pk).exists()


def test_sharing_with_a_team_i_am_not_in_is_refused(agent_client, other_team):
    agent_client.post(
        reverse("agent:view-save"), {"name": "Sneaky", "query": "view=all", "shared_with_team": other_team.pk}
    )
    assert not SavedView.objects.filter(name="Sneaky").exists()


def test_url_parameters_refine_a_saved_view(agent_client, team_view, make):
    make(subject="Urgent A", priority="urgent")
    response = agent_client.get(reverse("agent:tickets"), {"view": team_view.pk, "priority": "low"})
    assert "Urgent A" not in response.content.decode()


def _queries(django_assert_max_num_queries, agent_client, view):
    # 1 session, 2 user, 3 saved views (+owner, team joined; the chosen one is picked from it),
    # 4 the page of rows (the ticket table alone), 5 their people, teams and tags (one query),
    # 6 the pickers (agents, teams, my teams, statuses, categories: one query); the tab counts and
    # the bulk bar's pickers load after the page.
    with django_assert_max_num_queries(6):
        response = agent_client.get(reverse("agent:tickets"), {"view": view.pk})
    assert response.status_code == 200
    return response


def test_list_with_saved_views_keeps_a_fixed_query_count(
    django_assert_max_num_queries, agent_client, agent, team, team_view, make, requester
):
    for n in range(5):
        saved_views.saved_view_create(
            actor=agent, name=f"View {n}", query={"status": "open"}, columns=[], shared_with_team=team
        )
    make(subject="The only one", priority="urgent", tags=["a"])
    assert len(_queries(django_assert_max_num_queries, agent_client, team_view).context["page"].rows) == 1
    others = [ContactFactory(organization=requester.organization) for _ in range(7)]
    for n in range(60):
        make(subject=f"Row {n}", priority="urgent", requester=others[n % 7], tags=[f"t{n % 3}", "x"])
    response = _queries(django_assert_max_num_queries, agent_client, team_view)
    assert len(response.context["page"].rows) == 50


def test_built_in_views_still_work_next_to_saved_ones(agent_client, agent, team_view, make):
    mine = make(subject="Assigned to me")
    services.ticket_update(ticket=mine, actor=agent, changes={"assignee": agent})
    body = agent_client.get(reverse("agent:tickets"), {"view": "mine"}).content.decode()
    assert "Assigned to me" in body and "Urgent first line" in body


def test_a_second_view_with_the_same_name_is_refused_with_a_message_in_both_languages(agent_client, agent, team_view):
    response = agent_client.post(reverse("agent:view-save"), {"name": "  URGENT first   line ", "columns": ["number"]})
    assert response.status_code == 302 and SavedView.objects.count() == 1
    page = agent_client.get(response["Location"]).content.decode()
    assert "There is already a view named" in page
    saved_views.saved_view_create(actor=agent, name="کارهاي من", query={}, columns=[])
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        saved_views.saved_view_create(actor=agent, name="کارهای من", query={}, columns=[])
    assert "نمای دیگری با نام «کارهای من» هست" in str(refused.value.message_dict["name"])


@pytest.fixture
def other_agent_in_team(team):
    user = UserFactory(role="agent", email="second@test.example")
    user.teams.add(team)
    return user


def test_a_view_shared_with_a_team_may_not_repeat_a_name_the_team_already_sees(other_agent_in_team, team, team_view):
    with pytest.raises(ValidationError):
        saved_views.saved_view_create(
            actor=other_agent_in_team, name="urgent first line", query={}, columns=[], shared_with_team=team
        )
    kept = saved_views.saved_view_create(actor=other_agent_in_team, name="urgent first line", query={}, columns=[])
    assert kept.owner == other_agent_in_team  # a private view of another agent may share the name


def test_renaming_a_view_to_its_own_name_is_allowed_but_not_to_another_views(agent, team_view):
    saved_views.saved_view_update(
        view=team_view, actor=agent, name="Urgent First Line", columns=[], shared_with_team=None
    )
    other = saved_views.saved_view_create(actor=agent, name="Mine", query={}, columns=[])
    with pytest.raises(ValidationError):
        saved_views.saved_view_update(view=other, actor=agent, name="urgent first line", columns=[])


def test_a_filter_that_does_not_validate_is_named_by_its_label_not_its_parameter(agent_client):
    too_long = "x" * 201
    page = agent_client.get(reverse("agent:tickets"), {"q": too_long, "page": "0"}).content.decode()
    assert "These filters were not understood and are ignored: Search, Page." in page
    with translation.override("fa"):
        page = agent_client.get(reverse("agent:tickets"), {"q": too_long}, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "این فیلترها فهمیده نشدند و نادیده گرفته می‌شوند: جستجو." in page
