"""The ticket page's sidebar panels that htmx loads after the page (issue #22,
tickets.workspace.side_views): the page holds a slot for each, each panel shows what the page showed,
agents only, and a fixed number of queries whatever the ticket's size."""

import pytest
from django.urls import reverse

from tests.tickets.test_agent_kb import make_article
from tickets import kb_integration, services
from tickets.models import Problem, Status, Tag
from tickets.problems import services as problem_services

pytestmark = pytest.mark.django_db

PANELS = ["ticket-properties-panel", "ticket-other-tickets", "ticket-actions-panel", "ticket-kb-panel"]


def _panel(client, name, ticket) -> str:
    response = client.get(reverse(f"agent:{name}", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_loads_each_panel_after_itself_and_builds_none_of_their_forms(agent_client, ticket):
    response = agent_client.get(reverse("agent:ticket", args=[ticket.pk]))
    body = response.content.decode()
    for name in PANELS:
        url = reverse(f"agent:{name}", args=[ticket.pk])
        assert f'hx-get="{url}" hx-trigger="load" hx-swap="outerHTML"' in body
    assert 'name="to_team"' not in body and 'id="properties"' not in body and 'class="link-form"' not in body
    assert "properties_form" not in response.context and "refer_form" not in response.context


@pytest.mark.parametrize("name", PANELS)
@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_never_reach_a_panel(client, ticket, name, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(f"agent:{name}", args=[ticket.pk])).status_code == 404


@pytest.mark.parametrize("name", PANELS)
def test_a_panel_sends_anonymous_visitors_to_sign_in(client, ticket, name):
    response = client.get(reverse(f"agent:{name}", args=[ticket.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", PANELS)
def test_a_panel_of_a_ticket_that_does_not_exist_is_a_404(agent_client, name):
    assert agent_client.get(reverse(f"agent:{name}", args=[999999])).status_code == 404


def test_properties_panel_is_the_form_its_save_answers_with(agent_client, agent, ticket, other_team):
    services.ticket_edit(ticket=ticket, actor=agent, changes={"priority": "high"}, tags=["vip", "printer"])
    body = _panel(agent_client, "ticket-properties-panel", ticket)
    assert 'id="properties"' in body and reverse("agent:ticket-properties", args=[ticket.pk]) in body
    assert '<option value="high" selected>' in body and 'value="printer, vip"' in body
    assert f'<option value="{other_team.pk}">' in body  # the team picker


def test_properties_panel_keeps_a_category_no_longer_offered(agent_client, agent, ticket):
    from tickets.models import Category

    old = Category.objects.create(name="Old billing")
    services.ticket_edit(ticket=ticket, actor=agent, changes={"category": old})
    Category.objects.filter(pk=old.pk).update(is_active=False)
    assert f'<option value="{old.pk}" selected>Old billing</option>' in _panel(
        agent_client, "ticket-properties-panel", ticket
    )


def test_other_tickets_panel_lists_the_requesters_other_tickets_not_this_one(agent_client, ticket, make, requester):
    make(subject="Toner is empty")
    body = _panel(agent_client, "ticket-other-tickets", ticket)
    assert "Toner is empty" in body and "Printer on fire" not in body
    assert f"requester={requester.pk}" in body


def test_other_tickets_panel_says_so_when_there_is_none(agent_client, ticket):
    assert "This is their only ticket." in _panel(agent_client, "ticket-other-tickets", ticket)


def test_actions_panel_offers_refer_link_and_the_problem_picker(agent_client, agent, ticket, other_team):
    problem_services.problem_create(actor=agent, title="Printers keep burning")
    body = _panel(agent_client, "ticket-actions-panel", ticket)
    assert 'name="to_team"' in body and f'<option value="{other_team.pk}">' in body
    assert 'class="link-form"' in body
    assert "Printers keep burning" in body and "Not an incident of any problem." in body


def test_actions_panel_shows_the_problem_the_ticket_belongs_to(agent_client, agent, ticket):
    problem_services.problem_create(actor=agent, title="Printers keep burning", tickets=[ticket])
    body = _panel(agent_client, "ticket-actions-panel", ticket)
    assert "Printers keep burning" in body and reverse("agent:ticket-problem", args=[ticket.pk]) not in body


def test_kb_panel_offers_an_article_once_the_ticket_is_solved(agent_client, agent, ticket):
    assert "Create article from this ticket" not in _panel(agent_client, "ticket-kb-panel", ticket)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    assert "Create article from this ticket" in _panel(agent_client, "ticket-kb-panel", ticket)


# --- fixed query counts -----------------------------------------------------------------------


def test_properties_panel_query_count_does_not_grow(django_assert_max_num_queries, agent_client, agent, ticket):
    for n in range(2):
        # 1 session, 2 user, 3 the ticket (its own row), 4 its tags,
        # 5 teams, 6 agents, 7 custom statuses, categories and root causes (tickets.workspace.pickers: one
        # UNION ALL)
        with django_assert_max_num_queries(7):
            _panel(agent_client, "ticket-properties-panel", ticket)
        ticket.tags.add(*(Tag.objects.create(name=f"tag-{n}-{i}") for i in range(10)))


def test_other_tickets_panel_query_count_does_not_grow(django_assert_max_num_queries, agent_client, ticket, make):
    for n in range(2):
        # 1 session, 2 user, 3 the ticket, 4 the requester's other tickets (+what their rows show)
        with django_assert_max_num_queries(4):
            _panel(agent_client, "ticket-other-tickets", ticket)
        for i in range(10):
            make(subject=f"Other {n}-{i}")


def test_actions_panel_query_count_does_not_grow(django_assert_max_num_queries, agent_client, agent, ticket, make):
    for n in range(2):
        # 1 session, 2 user, 3 the ticket, 4 its links (+the other ticket), 5 teams (the refer picker),
        # 6 unsolved problems (the problem picker) or the ticket's problem
        with django_assert_max_num_queries(6):
            _panel(agent_client, "ticket-actions-panel", ticket)
        for i in range(5):
            services.ticket_link(ticket=ticket, other=make(subject=f"Linked {n}-{i}"), kind="related", actor=agent)
            problem_services.problem_create(actor=agent, title=f"Problem {n}-{i}")
    assert Problem.objects.count() == 10


def test_kb_panel_query_count_does_not_grow(django_assert_max_num_queries, agent_client, agent, ticket, make):
    for n in range(2):
        # 1 session, 2 user, 3 the ticket, 4 the articles used on it (+article, the agent)
        with django_assert_max_num_queries(4):
            _panel(agent_client, "ticket-kb-panel", ticket)
        for i in range(5):
            article = make_article(agent, title=f"Article {n}-{i}")
            kb_integration.article_usage_record(ticket=ticket, article=article, actor=agent, mode="link")


def test_the_page_reads_the_ticket_without_its_tags(agent, ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import selectors

    ticket.tags.add(Tag.objects.create(name="vip"))
    with CaptureQueriesContext(connection) as queries:
        loaded = selectors.ticket_get_for(user=agent, ticket_id=ticket.pk, with_terms=False, with_tags=False)
    assert len(queries) == 1 and loaded.pk == ticket.pk
    assert "tags" not in getattr(loaded, "_prefetched_objects_cache", {})
