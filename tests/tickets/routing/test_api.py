"""/api/v1/routing-rules/ (administrators only), team assignment settings and an agent's availability."""

import pytest

from helpdesk.models import AssignmentMode
from tickets.models import RoutingRule

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Invoices to billing",
    "conditions": [
        {"field": "subject_keywords", "values": ["invoice", "فاکتور"]},
        {"field": "channel", "values": ["email", "portal"]},
    ],
    "set_priority": "high",
    "add_tags": ["Billing"],
}


def test_an_admin_creates_reads_changes_and_deletes_a_rule(as_user, admin_user, billing):
    api = as_user(admin_user)
    response = api.post("/api/v1/routing-rules/", {**RULE, "set_team": billing.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["conditions"] == RULE["conditions"] and body["add_tags"] == ["billing"]
    assert body["set_team"] == billing.pk and body["position"] == 10 and body["is_active"] is True
    rid = body["id"]
    assert api.get(f"/api/v1/routing-rules/{rid}/").json()["name"] == RULE["name"]
    changed = api.patch(f"/api/v1/routing-rules/{rid}/", {"stop": True, "set_priority": ""}, format="json")
    assert changed.status_code == 200 and changed.json()["stop"] is True and changed.json()["set_priority"] == ""
    assert changed.json()["conditions"] == RULE["conditions"]  # untouched by a partial change
    assert api.delete(f"/api/v1/routing-rules/{rid}/").status_code == 204
    assert not RoutingRule.objects.exists()


def test_switching_a_rule_on_again_clears_why_it_was_off(as_user, admin_user, rule):
    broken = rule(set_priority="low")
    RoutingRule.objects.filter(pk=broken.pk).update(is_active=False, disabled_reason="the team is not active")
    body = as_user(admin_user).patch(f"/api/v1/routing-rules/{broken.pk}/", {"is_active": True}, format="json").json()
    assert body["is_active"] is True and body["disabled_reason"] == "" and body["disabled_at"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"conditions": [{"field": "colour", "values": ["red"]}]}, "conditions.0.field"),
        ({"conditions": [{"field": "channel", "values": ["pigeon"]}]}, "conditions.0.values"),
        ({"conditions": [{"field": "channel", "values": []}]}, "conditions.0.values"),
        ({"conditions": [{"field": "organization", "values": [999999]}]}, "conditions.0.values"),
        ({"conditions": [{"field": "product", "values": ["abc"]}]}, "conditions.0.values"),
        ({"conditions": [{"field": "subject_keywords", "values": ["  "]}]}, "conditions.0.values"),
        ({"conditions": [{"field": "language", "values": ["de"]}]}, "conditions.0.values"),
        (
            {"conditions": [{"field": "channel", "values": ["email"]}, {"field": "channel", "values": ["api"]}]},
            "conditions.1.field",
        ),
        ({"set_team": 999999}, "set_team"),
        ({"set_priority": "whenever"}, "set_priority"),
        ({"set_type": "rant"}, "set_type"),
        ({"name": ""}, "name"),
        ({"add_tags": ["x" * 61]}, "add_tags.0"),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field(as_user, admin_user, payload, field):
    response = as_user(admin_user).post("/api/v1/routing-rules/", {**RULE, **payload}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert not RoutingRule.objects.exists()


def test_a_rule_without_an_action_or_with_an_inactive_team_or_outsider_is_refused(
    as_user, admin_user, billing, agent, customer
):
    api = as_user(admin_user)
    no_action = api.post("/api/v1/routing-rules/", {"name": "Nothing", "conditions": []}, format="json")
    assert no_action.status_code == 400 and "non_field_errors" in no_action.json()["errors"]
    outsider = api.post(
        "/api/v1/routing-rules/", {"name": "x", "set_team": billing.pk, "set_assignee": agent.pk}, format="json"
    )
    assert outsider.status_code == 400 and "set_assignee" in outsider.json()["errors"]
    not_agent = api.post("/api/v1/routing-rules/", {"name": "x", "set_assignee": customer.pk}, format="json")
    assert not_agent.status_code == 400 and "set_assignee" in not_agent.json()["errors"]
    billing.is_active = False
    billing.save()
    inactive = api.post("/api/v1/routing-rules/", {"name": "x", "set_team": billing.pk}, format="json")
    assert inactive.status_code == 400 and "set_team" in inactive.json()["errors"]


@pytest.mark.parametrize("persona", ["agent", "customer", "anonymous"])
def test_only_admins_reach_routing_rules(request, as_user, api, persona, rule):
    existing = rule(set_priority="low")
    client = api if persona == "anonymous" else as_user(request.getfixturevalue(persona))
    calls = [
        client.get("/api/v1/routing-rules/"),
        client.post("/api/v1/routing-rules/", RULE, format="json"),
        client.get(f"/api/v1/routing-rules/{existing.pk}/"),
        client.patch(f"/api/v1/routing-rules/{existing.pk}/", {"name": "hijacked"}, format="json"),
        client.delete(f"/api/v1/routing-rules/{existing.pk}/"),
    ]
    expected = 401 if persona == "anonymous" else 404
    assert all(call.status_code == expected for call in calls), [(c.status_code, c.json()) for c in calls]
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Rule"]


def test_the_rules_list_reads_in_fixed_queries(as_user, admin_user, rule, billing, django_assert_max_num_queries):
    for n in range(30):
        rule(name=f"r{n}", set_team=billing, conditions=[{"field": "channel", "values": ["email"]}])
    api = as_user(admin_user)
    # the user's session or token is forced; count, page
    with django_assert_max_num_queries(2):
        body = api.get("/api/v1/routing-rules/").json()
    assert body["count"] == 30 and [r["name"] for r in body["results"][:2]] == ["r0", "r1"]


def test_an_admin_sets_a_teams_assignment_and_agents_only_read_it(as_user, admin_user, agent, customer, team):
    url = f"/api/v1/teams/{team.pk}/assignment/"
    body = as_user(admin_user).patch(url, {"assignment_mode": "least_loaded", "max_open_per_agent": 5}, format="json")
    assert body.status_code == 200 and body.json()["assignment_mode"] == "least_loaded"
    team.refresh_from_db()
    assert (team.assignment_mode, team.max_open_per_agent) == (AssignmentMode.LEAST_LOADED, 5)
    assert as_user(agent).get(url).json()["max_open_per_agent"] == 5
    assert as_user(agent).patch(url, {"max_open_per_agent": None}, format="json").status_code == 403
    assert as_user(customer).get(url).status_code == 404
    bad = as_user(admin_user).patch(url, {"assignment_mode": "lottery", "max_open_per_agent": 0}, format="json")
    assert bad.status_code == 400 and {"assignment_mode", "max_open_per_agent"} <= set(bad.json()["errors"])
    cleared = as_user(admin_user).patch(url, {"max_open_per_agent": None}, format="json").json()
    assert cleared["max_open_per_agent"] is None and cleared["assignment_mode"] == "least_loaded"


def test_an_agent_sets_themself_away_and_back(as_user, agent, customer):
    api = as_user(agent)
    assert api.get("/api/v1/auth/me/availability/").json() == {"away": False}
    assert api.put("/api/v1/auth/me/availability/", {"away": True}, format="json").json() == {"away": True}
    agent.refresh_from_db()
    assert agent.is_away
    assert api.put("/api/v1/auth/me/availability/", {"away": "maybe"}, format="json").status_code == 400
    assert as_user(customer).put("/api/v1/auth/me/availability/", {"away": True}, format="json").status_code == 404


@pytest.mark.parametrize(
    "values",
    [[{}], [[1]], [None], ["nul\x00word"], [True], [2**40]],
    ids=["dict", "list", "null", "nul", "bool", "big"],
)
@pytest.mark.parametrize("field", ["channel", "organization", "subject_keywords"])
def test_odd_condition_values_are_a_400_never_a_500(as_user, admin_user, field, values):
    payload = {"name": "x", "set_priority": "low", "conditions": [{"field": field, "values": values}]}
    response = as_user(admin_user).post("/api/v1/routing-rules/", payload, format="json")
    errors = response.json()["errors"]
    assert response.status_code == 400 and any(k.startswith("conditions.0.values") for k in errors), errors


def test_a_rule_after_one_at_the_last_position_still_fits(as_user, admin_user, rule):
    rule(name="last", position=2**31 - 1, set_priority="low")
    response = as_user(admin_user).post("/api/v1/routing-rules/", {"name": "x", "set_priority": "low"}, format="json")
    assert response.status_code == 201 and response.json()["position"] == 2**31 - 1
