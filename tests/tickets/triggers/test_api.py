"""/api/v1/triggers/ and /api/v1/timed-rules/ (administrators only; 404 for everyone else)."""

import pytest

from tickets.models import TimedRule, Trigger

pytestmark = pytest.mark.django_db

TRIGGER = {
    "name": "Urgent outage",
    "events": ["created", "customer_replied"],
    "conditions": [
        {"field": "subject_keywords", "values": ["outage", "قطعی"]},
        {"field": "assignee", "values": ["unset"]},
        {"field": "tags", "values": ["VIP"]},
    ],
    "set_priority": "urgent",
    "add_tags": ["Outage"],
}
TIMED = {"name": "Remind", "status": "pending", "since": "status", "minutes": 2400, "business_hours": True}


def test_an_admin_creates_reads_changes_and_deletes_a_trigger(as_user, admin_user, agent):
    api = as_user(admin_user)
    response = api.post("/api/v1/triggers/", TRIGGER, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["conditions"][2] == {"field": "tags", "values": ["vip"]} and body["add_tags"] == ["outage"]
    assert body["events"] == ["created", "customer_replied"] and body["position"] == 10
    tid = body["id"]
    changed = api.patch(
        f"/api/v1/triggers/{tid}/", {"reply_fa": "درخواست {ticket_number} ثبت شد.", "author": agent.pk}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["author"] == agent.pk and changed.json()["conditions"] == body["conditions"]
    assert api.get(f"/api/v1/triggers/{tid}/").json()["reply_fa"].startswith("درخواست")
    assert api.delete(f"/api/v1/triggers/{tid}/").status_code == 204
    assert not Trigger.objects.exists()


def test_an_admin_manages_timed_rules(as_user, admin_user, agent):
    api = as_user(admin_user)
    response = api.post("/api/v1/timed-rules/", {**TIMED, "notify_user": agent.pk}, format="json")
    assert response.status_code == 201, response.json()
    rid = response.json()["id"]
    assert api.patch(f"/api/v1/timed-rules/{rid}/", {"minutes": 4800}, format="json").json()["minutes"] == 4800
    assert api.get("/api/v1/timed-rules/").json()["count"] == 1
    assert api.delete(f"/api/v1/timed-rules/{rid}/").status_code == 204


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"events": []}, "events"),
        ({"events": ["lunch"]}, "events.0"),
        ({"conditions": [{"field": "status", "values": ["sleeping"]}]}, "conditions.0.values"),
        ({"conditions": [{"field": "assignee", "values": ["maybe"]}]}, "conditions.0.values"),
        ({"conditions": [{"field": "team", "values": [999999]}]}, "conditions.0.values"),
        ({"conditions": [{"field": "mailbox", "values": [1]}]}, "conditions.0.field"),
        ({"reply_en": "Hello {customer}"}, "reply_en"),
        ({"reply_fa": "سلام {"}, "reply_fa"),
        ({"note": "check this"}, "author"),
        ({"set_status": "gone"}, "set_status"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_trigger_is_a_400_naming_the_field(as_user, admin_user, payload, field):
    response = as_user(admin_user).post("/api/v1/triggers/", {**TRIGGER, **payload}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert not Trigger.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"minutes": 0}, "minutes"), ({"since": "yesterday"}, "since"), ({"status": "x"}, "status")],
)
def test_a_bad_timed_rule_is_a_400_naming_the_field(as_user, admin_user, payload, field):
    response = as_user(admin_user).post("/api/v1/timed-rules/", {**TIMED, "add_tags": ["x"], **payload}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()


def test_a_rule_without_an_action_or_naming_a_customer_is_refused(as_user, admin_user, customer):
    api = as_user(admin_user)
    nothing = api.post("/api/v1/timed-rules/", TIMED, format="json")
    assert nothing.status_code == 400 and "non_field_errors" in nothing.json()["errors"]
    customer_author = api.post("/api/v1/triggers/", {**TRIGGER, "notify_user": customer.pk}, format="json")
    assert customer_author.status_code == 400 and "notify_user" in customer_author.json()["errors"]


@pytest.mark.parametrize("persona", ["agent", "customer", "anonymous"])
@pytest.mark.parametrize(
    ("url", "payload", "model"), [("triggers", TRIGGER, Trigger), ("timed-rules", TIMED, TimedRule)]
)
def test_only_admins_reach_triggers_and_timed_rules(request, as_user, api, admin_user, persona, url, payload, model):
    from tickets.triggers import rules

    existing = rules.automation_create(actor=admin_user, model=model, **{**payload, "name": "Kept", "add_tags": ["x"]})
    client = api if persona == "anonymous" else as_user(request.getfixturevalue(persona))
    calls = [
        client.get(f"/api/v1/{url}/"),
        client.post(f"/api/v1/{url}/", payload, format="json"),
        client.get(f"/api/v1/{url}/{existing.pk}/"),
        client.patch(f"/api/v1/{url}/{existing.pk}/", {"name": "hijacked"}, format="json"),
        client.delete(f"/api/v1/{url}/{existing.pk}/"),
    ]
    expected = 401 if persona == "anonymous" else 404
    assert all(call.status_code == expected for call in calls), [(c.status_code, c.json()) for c in calls]
    assert list(model.objects.values_list("name", flat=True)) == ["Kept"]


def test_the_lists_read_in_fixed_queries(as_user, admin_user, trigger, timed_rule, django_assert_max_num_queries):
    for n in range(30):
        trigger(name=f"t{n}", set_priority="high", conditions=[{"field": "channel", "values": ["email"]}])
        timed_rule(name=f"r{n}", status="pending", since="status", minutes=5, add_tags=["late"])
    api = as_user(admin_user)
    for url in ("triggers", "timed-rules"):
        # the user's session or token is forced; count, page
        with django_assert_max_num_queries(2):
            body = api.get(f"/api/v1/{url}/").json()
        assert body["count"] == 30
