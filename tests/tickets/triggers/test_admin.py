"""The admin of triggers and timed rules, in English and Persian, with the service's errors on their fields."""

import pytest
from django.utils import translation

from tickets.models import TimedRule, Trigger

pytestmark = pytest.mark.django_db

ADD_TRIGGER = "/admin/tickets/trigger/add/"
ADD_TIMED = "/admin/tickets/timedrule/add/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _trigger_form(**fields):
    data = {
        "name": "Outage",
        "position": "10",
        "is_active": "on",
        "events": ["created", "customer_replied"],
        "if_subject_keywords": "قطعی\noutage",
        "if_assignee": ["unset"],
        "if_priority": ["high", "urgent"],
        "set_priority": "urgent",
        "tags": "outage",
    }
    data.update(fields)
    return data


def test_an_admin_adds_a_trigger_with_the_form(admin_client, team):
    response = admin_client.post(ADD_TRIGGER, _trigger_form(if_team=[team.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    trigger = Trigger.objects.get()
    assert trigger.events == ["created", "customer_replied"] and trigger.add_tags == ["outage"]
    assert {"field": "subject_keywords", "values": ["قطعی", "outage"]} in trigger.conditions
    assert {"field": "team", "values": [team.pk]} in trigger.conditions
    page = admin_client.get(f"/admin/tickets/trigger/{trigger.pk}/change/").content.decode()
    assert "قطعی" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"set_priority": "", "tags": ""}, None, "Choose at least one action"),
        ({"reply_en": "Hi {nobody}"}, "reply_en", "Unknown placeholder"),
        ({"note": "look"}, "author", "Choose the agent"),
        ({"events": []}, "events", "This field is required"),
    ],
)
def test_the_admin_form_shows_the_services_errors_on_their_fields(admin_client, fields, field, message):
    response = admin_client.post(ADD_TRIGGER, _trigger_form(**fields))
    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert not Trigger.objects.exists()


def test_an_admin_adds_a_timed_rule(admin_client, agent):
    data = {
        "name": "Remind",
        "position": "10",
        "is_active": "on",
        "status": "pending",
        "since": "status",
        "minutes": "2400",
        "business_hours": "on",
        "reply_en": "Ticket {ticket_number} waits for you.",
        "reply_fa": "درخواست {ticket_number} منتظر پاسخ شماست.",
        "author": agent.pk,
    }
    response = admin_client.post(ADD_TIMED, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert TimedRule.objects.get().business_hours is True
    bad = admin_client.post(ADD_TIMED, {**data, "minutes": "0"})
    assert "minutes" in bad.context["adminform"].form.errors


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_admin_pages_in_both_languages(admin_client, admin_user, trigger, language):
    admin_user.language = language
    admin_user.save()
    trigger(name="Outage words", conditions=[{"field": "subject_keywords", "values": ["قطعی"]}], set_priority="high")
    with translation.override(language):
        listing = admin_client.get("/admin/tickets/trigger/").content.decode()
        add = admin_client.get(ADD_TRIGGER).content.decode()
        timed = admin_client.get(ADD_TIMED).content.decode()
    assert "Outage words" in listing
    if language == "fa":
        assert 'dir="rtl"' in listing and "تریگر" in listing and "رویدادها" in add and "دقیقه" in timed
    else:
        assert "Triggers" in listing and "Events" in add and "Minutes" in timed


def test_only_admins_reach_the_triggers_admin(client, agent):
    client.force_login(agent)
    assert client.get("/admin/tickets/trigger/").status_code == 302
    assert client.get("/admin/tickets/timedrule/").status_code == 302


def test_a_triggers_changes_are_in_its_history_with_who_and_what(admin_client, admin_user, team):
    """Triggers are configuration: the audit trail keeps each change (issue 17, "Audit"), shown on the
    trigger's history page before → after, and the switch-on action is recorded like any save."""
    admin_client.post(ADD_TRIGGER, _trigger_form(if_team=[team.pk]))
    trigger = Trigger.objects.get()
    admin_client.post(f"/admin/tickets/trigger/{trigger.pk}/change/", _trigger_form(if_team=[team.pk], name="Outage 2"))
    Trigger.objects.filter(pk=trigger.pk).update(is_active=False)
    admin_client.post("/admin/tickets/trigger/", {"action": "switch_on", "_selected_action": [trigger.pk]})
    history = list(trigger.history.order_by("history_id"))
    assert [row.name for row in history] == ["Outage", "Outage 2", "Outage 2"]
    assert {row.history_user_id for row in history} == {admin_user.pk}
    assert history[-1].is_active
    page = admin_client.get(f"/admin/tickets/trigger/{trigger.pk}/history/").content.decode()
    assert "Outage 2" in page
