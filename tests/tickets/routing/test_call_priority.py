"""A logged call's new ticket takes a routing rule's priority unless the agent chose one: the call form's
priority starts on "Automatic" (empty), as the new-ticket form's does, and tickets.services.open decides."""

import pytest
from django.urls import reverse

from helpdesk.models import Priority
from tickets import calls
from tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_rule(rule, billing):
    return rule(name="Phones are urgent", set_team=billing, set_priority=Priority.URGENT)


def _call(client, requester, **extra):
    data = {"contact": requester.pk, "direction": "inbound", "duration": "4", "notes": "Printer smokes."}
    return client.post(reverse("agent:call-new"), {**data, "subject": "Smoking printer", **extra})


def test_a_call_left_on_automatic_gets_the_rules_priority(phone_rule, agent_client, requester, billing):
    response = _call(agent_client, requester, priority="")
    assert response.status_code == 302, response.content.decode()
    ticket = Ticket.objects.get(subject="Smoking printer")
    assert (ticket.channel, ticket.team, ticket.priority) == (Channel.PHONE, billing, Priority.URGENT)


def test_a_call_that_sends_no_priority_at_all_gets_the_rules_priority(phone_rule, agent_client, requester):
    assert _call(agent_client, requester).status_code == 302
    assert Ticket.objects.get(subject="Smoking printer").priority == Priority.URGENT


@pytest.mark.parametrize("chosen", [Priority.LOW, Priority.NORMAL, Priority.HIGH])
def test_a_priority_the_agent_chose_wins_over_the_rule(phone_rule, agent_client, requester, chosen):
    assert _call(agent_client, requester, priority=chosen).status_code == 302
    assert Ticket.objects.get(subject="Smoking printer").priority == chosen


def test_without_a_rule_an_automatic_call_is_normal(agent_client, requester):
    assert _call(agent_client, requester, priority="").status_code == 302
    assert Ticket.objects.get(subject="Smoking printer").priority == Priority.NORMAL


def test_an_unknown_priority_is_refused_on_the_form(agent_client, requester):
    response = _call(agent_client, requester, priority="blazing")
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_the_call_form_offers_automatic_first_and_selects_it(agent_client, requester):
    page = agent_client.get(reverse("agent:call-new"), {"contact": requester.pk}).content.decode()
    start = page.index('name="priority"')
    options = page[start : page.index("</select>", start)]
    assert options.index('<option value="" selected>') < options.index('value="low"')
    assert ">Automatic</option>" in options  # short enough for a phone's drop-down; the help text explains
    assert "Automatic: normal, unless a routing rule sets the priority." in page


def test_the_service_takes_no_priority_as_no_choice(phone_rule, agent, requester):
    ticket = calls.call_log(
        actor=agent, contact=requester, direction="outbound", duration_minutes=3, notes="Called back.", subject="Back"
    )
    assert ticket.priority == Priority.URGENT


def test_a_call_on_an_existing_ticket_leaves_its_priority(phone_rule, agent_client, requester, ticket):
    before = Ticket.objects.get(pk=ticket.pk).priority
    assert _call(agent_client, requester, ticket=ticket.pk, priority="low").status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).priority == before


def test_a_customer_cannot_log_a_call_or_choose_its_priority(client, customer, requester):
    client.force_login(customer)
    response = _call(client, requester, priority="urgent")
    assert response.status_code in (302, 403, 404)
    assert not Ticket.objects.filter(subject="Smoking printer").exists()
