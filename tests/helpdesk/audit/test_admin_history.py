"""The admin's history page of an audited record: each change with its user, channel and the fields it
changed before and after, in English and Persian; read only (no revert form)."""

import pytest
from django.test import Client

from customers.models import Organization
from helpdesk.audit import audit_context

pytestmark = pytest.mark.django_db


def _admin(admin_user, language="en") -> Client:
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    return client


def _history_url(org) -> str:
    return f"/admin/customers/organization/{org.pk}/history/"


def test_the_history_page_shows_each_change_before_and_after(admin_user, agent, organization):
    with audit_context(user=agent, reason="api"):
        organization.notes = "First note"
        organization.save()
        organization.share_tickets = not organization.share_tickets
        organization.save()
    html = _admin(admin_user).get(_history_url(organization)).content.decode()
    assert "First note" in html and str(agent) in html and "api" in html
    assert "contacts see each other" in html  # the field's name, before → after
    assert "Audit log of every record of this kind" in html


def test_the_history_page_speaks_persian(admin_user, organization):
    organization.notes = "یادداشت"
    organization.save()
    response = _admin(admin_user, "fa").get(_history_url(organization))
    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html
    assert "تغییرات" in html and "یادداشت" in html


def test_there_is_no_revert_form(admin_user, organization):
    row = organization.history.first()
    response = _admin(admin_user).post(
        f"/admin/customers/organization/{organization.pk}/history/{row.history_id}/", {"name": "Reverted"}
    )
    assert response.status_code == 404
    assert Organization.objects.get(pk=organization.pk).name == organization.name


def test_an_agent_never_sees_a_history_page(agent, organization):
    client = Client()
    client.force_login(agent)
    response = client.get(_history_url(organization))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_history_page_runs_a_fixed_number_of_queries(admin_user, organization, django_assert_max_num_queries):
    client = _admin(admin_user)
    for i in range(3):
        organization.notes = f"note {i}"
        organization.save()
    with django_assert_max_num_queries(12) as few:
        assert client.get(_history_url(organization)).status_code == 200
    for i in range(40):
        organization.notes = f"more {i}"
        organization.save()
    with django_assert_max_num_queries(len(few)):
        assert client.get(_history_url(organization)).status_code == 200
