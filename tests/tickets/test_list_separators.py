"""Lists typed in Persian: «،» and «؛» separate items like "," and ";" on every channel that takes a list
(trigger and routing admin, the sidebar, macros on the page and the API, the tickets API)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import api_as
from tickets.models import Macro, RoutingRule, Ticket, Trigger

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _names(tags) -> list[str]:
    return sorted(tags.values_list("name", flat=True))


def test_a_trigger_with_persian_comma_keywords_fires_on_a_matching_portal_ticket(
    client, admin_user, customer, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with translation.override("fa"):
        response = client.post(
            "/admin/tickets/trigger/add/",
            {
                "name": "چاپگر",
                "position": "10",
                "is_active": "on",
                "events": ["created"],
                "if_subject_keywords": "پرینتر، چاپگر",
                "tags": "پرینتر، سخت\u200cافزار",
            },
            HTTP_ACCEPT_LANGUAGE="fa",
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    trigger = Trigger.objects.get()
    assert {"field": "subject_keywords", "values": ["پرینتر", "چاپگر"]} in trigger.conditions
    assert trigger.add_tags == ["پرینتر", "سخت\u200cافزار"]
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/requests/new/", {"subject": "چاپگر طبقه دوم کار نمی‌کند", "description": "…", "impact": "slows"}
        )
    assert response.status_code == 302
    assert _names(Ticket.objects.get().tags) == sorted(["پرینتر", "سخت\u200cافزار"])


def test_a_routing_rule_takes_persian_comma_keywords_and_tags(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/tickets/routingrule/add/",
        {
            "name": "صورت‌حساب",
            "position": "10",
            "is_active": "on",
            "subject_keywords": "فاکتور، صورت‌حساب؛ invoice",
            "body_keywords": "پرداخت، رسید",
            "requesters": "",
            "set_priority": "high",
            "tags": "مالی، فوری",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = RoutingRule.objects.get()
    assert {"field": "subject_keywords", "values": ["فاکتور", "صورت‌حساب", "invoice"]} in rule.conditions
    assert {"field": "body_keywords", "values": ["پرداخت", "رسید"]} in rule.conditions
    assert rule.add_tags == ["مالی", "فوری"]


def test_the_sidebar_splits_tags_on_the_persian_comma(client, agent, ticket):
    client.force_login(agent)
    data = {"status": ticket.status, "priority": ticket.priority, "type": ticket.type, "team": ticket.team_id}
    response = client.post(
        reverse("agent:ticket-properties", args=[ticket.pk]), {**data, "assignee": "", "tags": "فوری، چاپگر"}, **HTMX
    )
    assert response.status_code == 200
    assert _names(ticket.tags) == sorted(["فوری", "چاپگر"])


def test_a_macro_from_the_page_or_the_api_splits_its_tags_on_the_persian_comma(client, agent, ticket):
    client.force_login(agent)
    page = {"name": "لاگ", "body": "لطفاً لاگ بفرستید.", "internal": "0", "add_tags": "لاگ، منتظر", "is_active": "on"}
    assert client.post(reverse("agent:macro-new"), page).status_code == 302
    assert Macro.objects.get(name="لاگ").add_tags == sorted(["لاگ", "منتظر"])
    created = api_as(agent).post(
        "/api/v1/macros/", {"name": "API", "body": "x", "add_tags": ["پرینتر، چاپگر"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["add_tags"] == sorted(["پرینتر", "چاپگر"])


def test_tags_sent_to_the_tickets_api_are_split_by_the_service(agent, ticket):
    response = api_as(agent).patch(f"/api/v1/tickets/{ticket.pk}/", {"tags": ["فوری، چاپگر"]}, format="json")
    assert response.status_code == 200, response.content
    assert _names(ticket.tags) == sorted(["فوری", "چاپگر"])


def test_the_help_texts_say_both_commas_are_accepted(client, agent):
    client.force_login(agent)
    with translation.override("fa"):
        page = client.get(reverse("agent:macro-new"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "برچسب‌ها را با ویرگول («،» یا «,») از هم جدا کنید." in page


def test_the_data_migration_splits_a_tag_named_with_a_persian_comma(ticket, make):
    from importlib import import_module

    from django.apps import apps

    from tickets.models import Tag

    migration = import_module("tickets.migrations.0046_split_tags_with_persian_commas")
    other = make(subject="other")
    joined = Tag.objects.create(name="فوری، چاپگر")
    ticket.tags.add(joined)
    other.tags.add(joined, Tag.objects.create(name="فوری"))
    migration.split_joined_tags(apps, None)
    assert not Tag.objects.filter(pk=joined.pk).exists()
    assert _names(ticket.tags) == _names(other.tags) == sorted(["فوری", "چاپگر"])
    assert Tag.objects.filter(name="فوری").count() == 1
