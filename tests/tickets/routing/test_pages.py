"""The admin of routing rules and teams, in English and Persian; the agent's availability toggle."""

import pytest
from django.utils import translation

from helpdesk.models import AssignmentMode
from tickets.models import Channel, RoutingRule

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/tickets/routingrule/add/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _form(**fields):
    data = {
        "name": "Persian invoices",
        "position": "10",
        "is_active": "on",
        "channels": [Channel.EMAIL],
        "languages": ["fa"],
        "subject_keywords": "فاکتور\nصورت‌حساب, invoice",
        "body_keywords": "",
        "requesters": "",
        "set_priority": "high",
        "set_type": "",
        "tags": "billing, vip",
    }
    data.update(fields)
    return data


def test_an_admin_adds_a_rule_with_the_form(admin_client, billing, requester):
    response = admin_client.post(ADD_URL, _form(set_team=billing.pk, requesters=requester.email))
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = RoutingRule.objects.get()
    assert rule.set_team == billing and rule.add_tags == ["billing", "vip"]
    assert {"field": "subject_keywords", "values": ["فاکتور", "صورت‌حساب", "invoice"]} in rule.conditions
    assert {"field": "requester", "values": [requester.pk]} in rule.conditions
    assert {"field": "channel", "values": ["email"]} in rule.conditions
    page = admin_client.get(f"/admin/tickets/routingrule/{rule.pk}/change/").content.decode()
    assert "صورت‌حساب" in page and requester.email in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"set_priority": "", "tags": ""}, None, "Choose at least one action"),
        ({"requesters": "nobody@nowhere.test"}, "requesters", "No contact has these addresses"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_the_admin_form_shows_the_services_errors_on_their_fields(admin_client, fields, field, message):
    response = admin_client.post(ADD_URL, _form(**fields))
    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert not RoutingRule.objects.exists()


def test_an_inactive_team_is_refused_in_the_admin(admin_client, billing):
    billing.is_active = False
    billing.save()
    response = admin_client.post(ADD_URL, _form(set_team=billing.pk))
    assert "set_team" in response.context["adminform"].form.errors


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_rules_admin_pages_in_both_languages(admin_client, admin_user, rule, billing, language):
    admin_user.language = language
    admin_user.save()
    rule(name="Billing words", conditions=[{"field": "subject_keywords", "values": ["فاکتور"]}], set_team=billing)
    with translation.override(language):
        listing = admin_client.get("/admin/tickets/routingrule/").content.decode()
        add = admin_client.get(ADD_URL).content.decode()
    assert "Billing words" in listing and "فاکتور" in listing
    if language == "fa":
        assert 'dir="rtl"' in listing and "قاعده" in listing and "شرط" in add
    else:
        assert "Routing rules" in listing and "Subject contains" in add


def test_only_admins_reach_the_rules_admin(client, agent):
    client.force_login(agent)
    assert client.get("/admin/tickets/routingrule/").status_code == 302  # the admin's own login


def test_the_team_admin_sets_assignment(admin_client, team):
    response = admin_client.post(
        f"/admin/helpdesk/team/{team.pk}/change/",
        {
            "name": team.name,
            "slug": team.slug,
            "is_active": "on",
            "assignment_mode": "round_robin",
            "max_open_per_agent": "3",
            "description": "",
            "email": "",
            "referral_target_minutes": "",
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.assignment_mode, team.max_open_per_agent) == (AssignmentMode.ROUND_ROBIN, 3)


def test_an_agent_toggles_away_from_the_top_bar(client, agent):
    client.force_login(agent)
    page = client.get("/agent/").content.decode()
    assert 'action="/profile/availability/"' in page and "Available" in page
    response = client.post("/profile/availability/", {"away": "1", "next": "/agent/tickets/"})
    assert response.status_code == 302 and response["Location"] == "/agent/tickets/"
    agent.refresh_from_db()
    assert agent.is_away
    assert "Away" in client.get("/agent/").content.decode()
    client.post("/profile/availability/", {"away": "0", "next": "https://evil.example/"})
    agent.refresh_from_db()
    assert not agent.is_away


def test_customers_have_no_availability(client, customer):
    client.force_login(customer)
    assert client.post("/profile/availability/", {"away": "1"}).status_code == 404
    assert "availability" not in client.get("/portal/").content.decode()


def test_switching_on_a_rule_that_is_still_broken_says_why_in_the_admin(admin_client, rule, billing):
    broken = rule(name="To billing", set_team=billing)
    RoutingRule.objects.filter(pk=broken.pk).update(is_active=False, disabled_reason="the team is not active")
    billing.is_active = False
    billing.save()
    response = admin_client.post(
        "/admin/tickets/routingrule/", {"action": "switch_on", "_selected_action": [broken.pk]}, follow=True
    )
    assert "This team is not active." in response.content.decode()
    broken.refresh_from_db()
    assert not broken.is_active
