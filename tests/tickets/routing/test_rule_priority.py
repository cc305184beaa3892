"""A routing rule's priority applies to every new ticket unless the opener chose a priority: an API
request that carried `priority`, the agent form's priority set to something other than "Automatic"."""

import pytest
from django.urls import reverse

from helpdesk.models import Priority
from tests.factories import make_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

BODY = {"subject": "Backup failed at night", "body": "Again.", "requester_email": "night@example.org"}


@pytest.fixture
def nightowl(rule, billing):
    return rule(name="Nightowl to night team", set_team=billing, set_priority=Priority.HIGH, add_tags=["night"])


def test_an_agents_api_ticket_without_a_priority_gets_the_rules_priority(nightowl, token_client, agent, billing):
    response = token_client(agent).post("/api/v1/tickets/", BODY, format="json")
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.team, ticket.priority, [t.name for t in ticket.tags.all()]) == (billing, Priority.HIGH, ["night"])


def test_an_agents_api_ticket_with_a_priority_keeps_it(nightowl, token_client, agent):
    response = token_client(agent).post("/api/v1/tickets/", {**BODY, "priority": "low"}, format="json")
    assert Ticket.objects.get(pk=response.json()["id"]).priority == Priority.LOW


def test_an_explicit_normal_priority_is_kept_too(nightowl, token_client, agent):
    response = token_client(agent).post("/api/v1/tickets/", {**BODY, "priority": "normal"}, format="json")
    assert Ticket.objects.get(pk=response.json()["id"]).priority == Priority.NORMAL


def test_a_customers_api_ticket_gets_the_rules_priority_whatever_it_sent(nightowl, token_client, customer):
    response = token_client(customer).post("/api/v1/tickets/", {"subject": "x", "body": "y", "priority": "low"})
    assert Ticket.objects.get(pk=response.json()["id"]).priority == Priority.HIGH


def _form(**extra):
    form = {"email": "night@example.org", "subject": "Backup failed", "body": "Again.", "channel": "phone"}
    return {**form, "type": "incident", **extra}


def test_the_agent_form_left_on_automatic_gets_the_rules_priority(nightowl, agent_client, billing):
    agent_client.post(reverse("agent:ticket-new"), _form(priority=""))
    ticket = Ticket.objects.get(subject="Backup failed")
    assert (ticket.team, ticket.priority) == (billing, Priority.HIGH)


def test_the_agent_form_with_a_chosen_priority_keeps_it(nightowl, agent_client):
    agent_client.post(reverse("agent:ticket-new"), _form(priority="urgent"))
    assert Ticket.objects.get(subject="Backup failed").priority == Priority.URGENT


def test_the_agent_form_offers_automatic_first_and_selects_it(agent_client):
    page = agent_client.get(reverse("agent:ticket-new")).content.decode()
    assert 'name="priority"' in page and '<option value="" selected>' in page


def test_a_portal_ticket_still_gets_the_rules_priority(nightowl, client, customer):
    client.force_login(customer)
    client.post(reverse("portal:new"), {"subject": "Portal x", "description": "y", "impact": "slows"})
    assert Ticket.objects.get(subject="Portal x").priority == Priority.HIGH


def test_without_a_rule_an_unchosen_priority_is_normal(requester, agent):
    assert make_ticket(requester=requester, actor=agent, subject="x").priority == Priority.NORMAL
