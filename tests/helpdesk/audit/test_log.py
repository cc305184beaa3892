"""The audit log: the admin's page and `GET /api/v1/audit-log/`, for administrators only (a 404 for
agents and customers), filterable by record, user and dates, paginated, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from customers.models import Organization
from helpdesk.audit import audit_context
from helpdesk.models import User

pytestmark = pytest.mark.django_db

PAGE = "/admin/audit-log/"
API = "/api/v1/audit-log/"


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona_name", ["agent", "customer"])
def test_agents_and_customers_get_a_404_on_the_page_and_the_api(persona_name, persona, as_user):
    user = persona(persona_name)
    assert _client(user).get(PAGE).status_code == 404
    assert as_user(user).get(API).status_code == 404
    assert as_user(user).get(API).json()["code"] == "not_found"


def test_anonymous_callers_sign_in_first(as_user):
    response = _client(None).get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert as_user(None).get(API).status_code == 401


def test_an_admin_sees_who_changed_what_before_and_after(admin_user, agent, organization, as_user):
    with audit_context(user=agent, reason="page"):
        organization.notes = "Gold customer"
        organization.save()
    response = _client(admin_user).get(PAGE, {"model": "customers.organization"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gold customer" in html and str(agent) in html and organization.name in html
    results = as_user(admin_user).get(API, {"model": "customers.organization"}).json()["results"]
    change = results[0]
    assert change["action"] == "changed" and change["user"]["id"] == agent.pk and change["reason"] == "page"
    assert {"field": "notes", "label": "notes", "old": "—", "new": "Gold customer"} in change["changes"]
    assert results[-1]["action"] == "created"


def test_the_page_speaks_persian_with_jalali_dates(admin_user, organization):
    admin_user.language = "fa"
    admin_user.save(update_fields=["language"])
    client = _client(admin_user)
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="fa", headers={"Cookie": "django_language=fa"})
    client.cookies["django_language"] = "fa"
    response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'dir="rtl"' in html
    with translation.override("fa"):
        from helpdesk.dates import format_date

        assert format_date(timezone.now(), "fa")[:4] in html  # the Jalali year, in Persian digits


def test_filters_by_user_system_and_dates(admin_user, agent, organization, as_user):
    with audit_context(user=agent, reason="page"):
        organization.notes = "by the agent"
        organization.save()
    with audit_context(user=None, reason="task: x"):
        organization.notes = "by the system"
        organization.save()
    api = as_user(admin_user)
    by_agent = api.get(API, {"user": agent.pk, "model": "customers.organization"}).json()["results"]
    assert [r["reason"] for r in by_agent] == ["page"]
    by_system = api.get(API, {"user": "none", "model": "customers.organization"}).json()["results"]
    assert "task: x" in [r["reason"] for r in by_system]
    today = timezone.localdate()
    assert api.get(API, {"since": str(today + timedelta(days=1))}).json()["count"] == 0
    assert api.get(API, {"until": str(today - timedelta(days=1))}).json()["count"] == 0
    assert api.get(API, {"since": str(today), "until": str(today)}).json()["count"] >= 3
    page = _client(admin_user).get(PAGE, {"user": agent.pk, "model": "customers.organization"})
    assert "by the agent" in page.content.decode() and "by the system" not in page.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"model": "nope.nothing"},
        {"user": "abc"},
        {"since": "yesterday"},
        {"since": "2026-02-02", "until": "2026-01-01"},
    ],
)
def test_bad_filters_are_a_400_and_a_form_error_never_a_500(admin_user, as_user, params):
    response = as_user(admin_user).get(API, params)
    assert response.status_code == 400 and response.json()["code"]
    page = _client(admin_user).get(PAGE, params)
    assert page.status_code == 200 and "errorlist" in page.content.decode()


def test_the_page_and_the_api_are_paginated(admin_user, as_user, many_changes):
    many_changes(6)
    api = as_user(admin_user)
    first = api.get(API, {"page_size": 20}).json()
    assert len(first["results"]) == 20 and first["next"]
    second = api.get(first["next"]).json()
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    html = _client(admin_user).get(PAGE, {"page": 2}).content.decode()
    assert 'class="this-page">2<' in html


def _queries(django_assert_max_num_queries, call, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_the_page_and_the_api_run_a_fixed_number_of_queries(
    admin_user, as_user, many_changes, django_assert_max_num_queries
):
    # count + page + the users + one per kind of record on the page (at most one per audited model) and
    # one per historical many-to-many field; the page adds the session, its user and the user filter's list.
    api, page = as_user(admin_user), _client(admin_user)
    many_changes(2)
    small_api = _queries(django_assert_max_num_queries, lambda: api.get(API, {"page_size": 200}), 40)
    small_page = _queries(django_assert_max_num_queries, lambda: page.get(PAGE), 45)
    many_changes(8)
    assert _queries(django_assert_max_num_queries, lambda: api.get(API, {"page_size": 200}), 40) <= small_api + 2
    assert _queries(django_assert_max_num_queries, lambda: page.get(PAGE), 45) <= small_page + 2


def test_an_erased_user_of_a_change_shows_as_nobody(admin_user, as_user):
    temp = User.objects.create_user(email="temp@example.test", role="agent")
    with audit_context(user=temp, reason="page"):
        org = Organization.objects.create(name="Temp Org")
    temp.delete()
    row = as_user(admin_user).get(API, {"model": "customers.organization"}).json()["results"][0]
    assert row["object_label"] == org.name and row["user"] is None
