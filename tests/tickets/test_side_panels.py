"""The ticket page's sidebar panels that htmx loads after the page (issue #22,
tickets.workspace.side_views): one request fills every slot (out-of-band swaps), each panel shows what
the page showed, without JavaScript the panels are a page of their own, agents only, and a fixed number
of queries whatever the ticket's size."""

import re

import pytest
from django.urls import reverse

from tests.tickets.test_agent_kb import make_article
from tickets import kb_integration, services
from tickets.feedback import services as feedback_services
from tickets.models import Problem, Status, Tag
from tickets.opportunities import services as opportunity_services
from tickets.problems import services as problem_services

pytestmark = pytest.mark.django_db

SLOTS = [
    "properties-slot",
    "customer-slot",
    "other-tickets-slot",
    "time-slot",
    "satisfaction-slot",
    "actions-slot",
    "ear-slot",
    "kb-slot",
]


def _panel(client, name, ticket) -> str:
    """The slot's content in the one answer (name: the slot's id without "-slot")."""
    response = client.get(reverse("agent:ticket-side", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    start = body.index(f'<div id="{name}-slot"')
    ends = [body.find(f'<div id="{slot}"', start + 1) for slot in SLOTS]
    return body[start : min([end for end in ends if end > 0], default=len(body))]


def test_the_page_has_a_slot_for_each_panel_loads_them_in_one_request_and_builds_none_of_their_forms(
    agent_client, ticket
):
    response = agent_client.get(reverse("agent:ticket", args=[ticket.pk]))
    body = response.content.decode()
    url = reverse("agent:ticket-side", args=[ticket.pk])
    assert body.count(f'hx-get="{url}" hx-trigger="load" hx-swap="none"') == 1
    assert body.count('hx-trigger="load"') == 1  # no panel loads on its own
    for slot in SLOTS:
        assert body.count(f'<div id="{slot}"') == 1
    assert 'name="to_team"' not in body and 'id="properties"' not in body and 'class="link-form"' not in body
    assert "properties_form" not in response.context and "refer_form" not in response.context


def test_the_answer_swaps_every_slot_out_of_band_and_nothing_else(agent_client, ticket):
    response = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    # each slot once, swapped inside (its placeholder replaced); no other top-level element
    for slot in SLOTS:
        assert body.count(f'<div id="{slot}"') == 1
        assert re.search(rf'<div id="{slot}"[^>]* hx-swap-oob="innerHTML">', body)
    assert body.count('hx-swap-oob="innerHTML"') == len(SLOTS)


def test_without_javascript_the_page_links_to_the_panels_as_a_page_of_their_own(agent_client, ticket):
    url = reverse("agent:ticket-side", args=[ticket.pk])
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert f'<noscript><p><a href="{url}">Properties and actions</a></p></noscript>' in page
    body = agent_client.get(url).content.decode()  # no HX-Request: a whole page
    assert "<html" in body and "hx-swap-oob" not in body and "Printer on fire" in body
    assert 'id="properties"' in body and 'name="to_team"' in body and 'id="ear-panel"' in body
    assert "Other tickets of this customer" in body and 'id="kb-title"' in body
    assert 'id="time-panel"' in body and 'id="satisfaction-panel"' in body


def test_the_panels_page_is_in_persian_for_a_persian_agent(agent_client, agent, ticket):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    body = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk])).content.decode()
    assert 'lang="fa" dir="rtl"' in body and "مشخصات" in body


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_never_reach_the_panels(client, ticket, who, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("agent:ticket-side", args=[ticket.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_the_panels_send_anonymous_visitors_to_sign_in(client, ticket):
    response = client.get(reverse("agent:ticket-side", args=[ticket.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_panels_of_a_ticket_that_does_not_exist_are_a_404(agent_client):
    assert agent_client.get(reverse("agent:ticket-side", args=[999999])).status_code == 404


def test_the_panels_answer_only_get(agent_client, ticket):
    assert agent_client.post(reverse("agent:ticket-side", args=[ticket.pk])).status_code == 405


def test_properties_panel_is_the_form_its_save_answers_with(agent_client, agent, ticket, other_team):
    services.ticket_edit(ticket=ticket, actor=agent, changes={"priority": "high"}, tags=["vip", "printer"])
    body = _panel(agent_client, "properties", ticket)
    assert 'id="properties"' in body and reverse("agent:ticket-properties", args=[ticket.pk]) in body
    assert '<option value="high" selected>' in body and 'value="printer, vip"' in body
    assert f'<option value="{other_team.pk}">' in body  # the team picker


def test_properties_panel_keeps_a_category_no_longer_offered(agent_client, agent, ticket):
    from tickets.models import Category

    old = Category.objects.create(name="Old billing")
    services.ticket_edit(ticket=ticket, actor=agent, changes={"category": old})
    Category.objects.filter(pk=old.pk).update(is_active=False)
    assert f'<option value="{old.pk}" selected>Old billing</option>' in _panel(agent_client, "properties", ticket)


def test_other_tickets_panel_lists_the_requesters_other_tickets_not_this_one(agent_client, ticket, make, requester):
    make(subject="Toner is empty")
    body = _panel(agent_client, "other-tickets", ticket)
    assert "Toner is empty" in body and "Printer on fire" not in body
    assert f"requester={requester.pk}" in body


def test_other_tickets_panel_says_so_when_there_is_none(agent_client, ticket):
    assert "This is their only ticket." in _panel(agent_client, "other-tickets", ticket)


def test_actions_panel_offers_refer_link_and_the_problem_picker(agent_client, agent, ticket, other_team):
    problem_services.problem_create(actor=agent, title="Printers keep burning")
    body = _panel(agent_client, "actions", ticket)
    assert 'name="to_team"' in body and f'<option value="{other_team.pk}">' in body
    assert 'class="link-form"' in body
    assert "Printers keep burning" in body and "Not an incident of any problem." in body


def test_actions_panel_shows_the_problem_the_ticket_belongs_to(agent_client, agent, ticket):
    problem_services.problem_create(actor=agent, title="Printers keep burning", tickets=[ticket])
    body = _panel(agent_client, "actions", ticket)
    assert "Printers keep burning" in body and reverse("agent:ticket-problem", args=[ticket.pk]) not in body


def test_kb_panel_offers_an_article_once_the_ticket_is_solved(agent_client, agent, ticket):
    assert "Create article from this ticket" not in _panel(agent_client, "kb", ticket)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    assert "Create article from this ticket" in _panel(agent_client, "kb", ticket)


# --- fixed query counts -----------------------------------------------------------------------


def test_the_panels_query_count_does_not_grow(django_assert_max_num_queries, agent_client, agent, ticket, make):
    for n in range(2):
        # 1 session, 2 user, 3 the ticket (its own row), 4 its people and terms (the customer card: the
        # contract, its products, the SLA policy and target; the ticket's problem), 5 the pickers: custom
        # statuses, categories, root causes, agents and teams (the team and the refer pickers), the
        # activity types (the time form) and the products (the sales form) (tickets.workspace.pickers:
        # one UNION ALL);
        # product feedback and sales: 6 its links with their items, 7 its opportunities, 8 the open items;
        # properties: 9 its tags;
        # 10 the requester's other tickets (the ticket table alone), 11 what their rows name (people,
        # teams, custom statuses, tags: one UNION ALL, selectors.ticket_rows);
        # time: 12 the minutes per agent (their sums are the totals), 13 the latest entries (+their agent
        # and activity);
        # satisfaction: 14 the rating, 15 the survey (+its mail), 16 the latest follow-up;
        # refer, link, problem: 17 its links (+the other ticket), 18 unsolved problems (the problem
        # picker; none when the ticket has its problem, read with its terms);
        # 19 the articles used on it (+article, the agent)
        with django_assert_max_num_queries(19):
            body = _panel(agent_client, "properties", ticket)
        assert 'id="properties"' in body
        ticket.tags.add(*(Tag.objects.create(name=f"tag-{n}-{i}") for i in range(10)))
        for i in range(5):
            make(subject=f"Other {n}-{i}")
            services.ticket_link(ticket=ticket, other=make(subject=f"Linked {n}-{i}"), kind="related", actor=agent)
            problem_services.problem_create(actor=agent, title=f"Problem {n}-{i}")
            article = make_article(agent, title=f"Article {n}-{i}")
            kb_integration.article_usage_record(ticket=ticket, article=article, actor=agent, mode="link")
            feedback_services.feedback_item_create(actor=agent, title=f"Item {n}-{i}", tickets=[ticket])
            opportunity_services.opportunity_create(ticket=ticket, actor=agent, kind="renewal")
    assert Problem.objects.count() == 10


def test_one_request_runs_fewer_queries_than_the_seven_it_replaces(agent_client, ticket):
    """Seven requests each paid the session, the user and the ticket: one pays them once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _panel(agent_client, "kb", ticket)
    assert len([q for q in queries if 'FROM "django_session"' in q["sql"]]) == 1
    # the ticket's own row, read once for every panel: its lookup with the id written in, or the statement
    # prepared once per connection (helpdesk.statements) run with the id
    own_row = re.compile(rf'FROM "tickets_ticket" WHERE \(?"tickets_ticket"\."id" = {ticket.pk}\b')
    prepared = re.compile(r'^EXECUTE \w+\(([^)]*)\) /\*.*FROM "tickets_ticket" WHERE \(?"tickets_ticket"\."id" = %s\b')

    def reads_own_row(sql: str) -> bool:
        found = prepared.search(sql)
        return bool(own_row.search(sql)) if found is None else str(ticket.pk) in found.group(1).split(", ")

    assert len([q for q in queries if reads_own_row(q["sql"])]) == 1


def test_the_page_reads_the_ticket_without_its_tags(agent, ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import selectors

    ticket.tags.add(Tag.objects.create(name="vip"))
    with CaptureQueriesContext(connection) as queries:
        loaded = selectors.ticket_get_for(user=agent, ticket_id=ticket.pk, with_terms=False, with_tags=False)
    # its own row with its people and product joined: no tags
    assert len(queries) == 1 and loaded.pk == ticket.pk
    assert not [q for q in queries if "tickets_tag" in q["sql"]]
    assert "tags" not in getattr(loaded, "_prefetched_objects_cache", {})
    with CaptureQueriesContext(connection) as queries:
        assert (loaded.requester, loaded.team, loaded.product) == (ticket.requester, ticket.team, ticket.product)
    assert len(queries) == 0
