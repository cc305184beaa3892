"""Routing rules and categories: a `category` condition (a parent matches its subcategories) and a
"set category" action, checked when the rule is saved and switched off when it breaks later."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket
from tickets.models import Category, EventKind, RoutingRule, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    network = Category.objects.create(name="Network")
    return {
        "network": network,
        "vpn": Category.objects.create(name="VPN", parent=network),
        "billing": Category.objects.create(name="Billing"),
    }


def test_a_rule_sets_the_category_as_the_system_with_an_event(rule, requester, team, tree):
    made = rule(
        name="VPN words", conditions=[{"field": "subject_keywords", "values": ["vpn"]}], set_category=tree["vpn"]
    )
    ticket = make_ticket(requester=requester, subject="VPN drops", team=team)
    ticket.refresh_from_db()
    assert ticket.category == tree["vpn"]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.FIELD_CHANGED, field="category")
    names = event.data.pop("names")  # both languages' names of the category (tickets.events._names)
    assert event.actor is None and event.data == {"rule": made.pk, "rule_name": "VPN words"}
    assert event.new_value == "Network › VPN" and names["new"][0] == "Network › VPN" and "old" not in names


def test_a_condition_on_a_parent_matches_its_subcategories(rule, requester, team, billing, tree, agent):
    rule(conditions=[{"field": "category", "values": [tree["network"].pk]}], set_team=billing)
    vpn = make_ticket(requester=requester, actor=agent, subject="Tunnel", category=tree["vpn"])
    other = make_ticket(requester=requester, actor=agent, subject="Invoice", category=tree["billing"])
    none = make_ticket(requester=requester, subject="Hello")
    assert (vpn.team, other.team, none.team) == (billing, team, team)


def test_a_mailbox_default_category_meets_the_rules(rule, requester, billing, tree, mailbox):
    mailbox.default_category = tree["vpn"]
    mailbox.save()
    rule(conditions=[{"field": "category", "values": [tree["vpn"].pk]}], set_team=billing)
    ticket = make_ticket(requester=requester, channel="email", mailbox=mailbox)
    assert (ticket.team, ticket.category) == (billing, tree["vpn"])


def test_the_category_an_agent_chose_is_kept(rule, requester, agent, tree):
    rule(conditions=[], set_category=tree["billing"])
    chosen = make_ticket(requester=requester, actor=agent, category=tree["vpn"])
    routed = make_ticket(requester=requester)
    assert (chosen.category, routed.category) == (tree["vpn"], tree["billing"])


def test_unknown_or_inactive_categories_are_refused_when_saving(rule, tree):
    with pytest.raises(ValidationError) as caught:
        rule(conditions=[{"field": "category", "values": [999999]}], set_priority="high")
    assert "conditions.0.values" in caught.value.message_dict
    Category.objects.filter(pk=tree["billing"].pk).update(is_active=False)
    tree["billing"].refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        rule(set_category=tree["billing"])
    assert "set_category" in caught.value.message_dict


def test_a_rule_whose_category_was_deactivated_is_switched_off(rule, requester, tree):
    made = rule(conditions=[], set_category=tree["billing"])
    Category.objects.filter(pk=tree["billing"].pk).update(is_active=False)
    ticket = make_ticket(requester=requester)
    assert ticket.category is None
    made.refresh_from_db()
    assert not made.is_active and "category" in made.disabled_reason


def test_the_api_takes_the_condition_and_the_action(as_user, admin_user, tree):
    body = {
        "name": "Network to billing",
        "conditions": [{"field": "category", "values": [tree["network"].pk]}],
        "set_category": tree["billing"].pk,
    }
    response = as_user(admin_user).post("/api/v1/routing-rules/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["set_category"] == tree["billing"].pk
    assert RoutingRule.objects.get(pk=response.json()["id"]).set_category == tree["billing"]
