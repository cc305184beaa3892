"""The agent home page's lists show a ticket's custom status (its agent label, in the agent's language)
where the rows show the status, joined in the lists' own queries: the page's query count stays."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import SlaState, Ticket

pytestmark = pytest.mark.django_db


def test_the_home_lists_show_the_agent_label_in_the_agents_language(agent_client, agent, make, visit):
    on_visit, plain = make(subject="On a visit"), make(subject="Plain one")
    services.ticket_edit(ticket=on_visit, actor=agent, changes={"assignee": agent}, custom_status=visit)
    services.ticket_edit(ticket=plain, actor=agent, changes={"assignee": agent})
    page = agent_client.get(reverse("agent:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="badge status-on_hold">Visit scheduled</span>' in page
    assert '<span class="badge status-open">Open</span>' in page  # the other row keeps its base status
    assert "A technician visit is scheduled" not in page  # the customer's wording is not the agents'
    agent.language = "fa"
    agent.save(update_fields=["language"])
    page = agent_client.get(reverse("agent:home"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert '<span class="badge status-on_hold">بازدید زمان‌بندی شد</span>' in page


def test_the_home_query_count_stays_with_custom_statuses(
    agent_client, agent, make, custom, team, django_assert_max_num_queries
):
    statuses = [custom(name=f"Status {n}", teams=[team] if n % 2 else []) for n in range(6)]
    for n in range(12):
        ticket = make(subject=f"Home row {n}")
        changes = {"assignee": agent} if n % 2 else {}
        services.ticket_edit(ticket=ticket, actor=agent, changes=changes, custom_status=statuses[n % 6])
        Ticket.objects.filter(pk=ticket.pk).update(sla_state=(SlaState.WARNING, SlaState.BREACHED)[n % 2])
    # the count tests/tickets/test_agent_pages.py explains query by query
    with django_assert_max_num_queries(9):
        response = agent_client.get(reverse("agent:home"))
    body = response.content.decode()
    for name in ("mine", "warning", "breached", "unassigned"):
        assert len(response.context[name]["rows"]) == 6, name
    assert all(f"Status {n}</span>" in body for n in range(6))
