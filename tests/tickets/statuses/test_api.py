"""`/api/v1/custom-statuses/` (agents read, administrators write, customers find nothing) and a
ticket's `custom_status` in the ticket API: shown as {id, label}, set by PATCH, filtered by."""

import pytest

from tickets import services
from tickets.models import CustomStatus, Status

pytestmark = pytest.mark.django_db
URL = "/api/v1/custom-statuses/"


def test_agents_list_them_and_customers_get_404(as_user, agent, customer, visit, fix):
    body = as_user(agent).get(URL).json()
    assert [row["name"] for row in body["results"]] == ["Visit scheduled", "Waiting for a fix"]
    row = body["results"][0]
    assert row["base_status"] == "on_hold" and row["label"] == "Visit scheduled" and row["teams"] == []
    assert row["customer_label"] == "A technician visit is scheduled"
    assert as_user(customer).get(URL).status_code == 404
    assert as_user(customer).get(f"{URL}{visit.pk}/").status_code == 404
    assert as_user(None).get(URL).status_code in (401, 403)


def test_the_label_is_in_the_callers_language(as_user, agent, visit):
    row = as_user(agent).get(f"{URL}{visit.pk}/", HTTP_ACCEPT_LANGUAGE="fa").json()
    assert row["label"] == "بازدید زمان‌بندی شد" and row["customer_label"] == "بازدید کارشناس زمان‌بندی شده است"


def test_only_administrators_write(as_user, agent, admin_user, team):
    new = {"name": "Parts ordered", "name_fa": "قطعه سفارش داده شد", "base_status": "on_hold", "teams": [team.pk]}
    assert as_user(agent).post(URL, new, format="json").status_code == 403
    created = as_user(admin_user).post(URL, new, format="json")
    assert created.status_code == 201 and created.json()["teams"] == [team.pk]
    pk = created.json()["id"]
    assert as_user(agent).patch(f"{URL}{pk}/", {"is_active": False}, format="json").status_code == 403
    assert as_user(agent).delete(f"{URL}{pk}/").status_code == 403
    changed = as_user(admin_user).patch(f"{URL}{pk}/", {"customer_name": "Parts are on their way"}, format="json")
    assert changed.status_code == 200 and changed.json()["customer_label"] == "Parts are on their way"
    assert as_user(admin_user).delete(f"{URL}{pk}/").status_code == 204
    assert not CustomStatus.objects.filter(pk=pk).exists()


def test_bad_input_is_a_400_naming_the_field(as_user, admin_user):
    for body, field in [
        ({"name": "X", "base_status": "closed"}, "base_status"),
        ({"name": "X", "base_status": "new"}, "base_status"),
        ({"name": "", "base_status": "open"}, "name"),
        ({"name": "X", "base_status": "open", "teams": [999999]}, "teams"),
    ]:
        response = as_user(admin_user).post(URL, body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"], body


def test_one_in_use_is_not_deleted_and_keeps_its_base_status(as_user, admin_user, agent, ticket, visit):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    refused = as_user(admin_user).delete(f"{URL}{visit.pk}/")
    assert refused.status_code == 409 and refused.json()["code"] == "in_use"
    moved = as_user(admin_user).patch(f"{URL}{visit.pk}/", {"base_status": "pending"}, format="json")
    assert moved.status_code == 400 and "base_status" in moved.json()["errors"]
    # deactivating is the way: no longer offered, the ticket keeps it
    assert as_user(admin_user).patch(f"{URL}{visit.pk}/", {"is_active": False}, format="json").status_code == 200
    ticket.refresh_from_db()
    assert ticket.custom_status == visit and ticket.status == Status.ON_HOLD


def test_the_ticket_shows_it_and_patch_sets_it_through_the_table(as_user, agent, ticket, visit):
    url = f"/api/v1/tickets/{ticket.pk}/"
    assert as_user(agent).get(url).json()["custom_status"] is None
    body = as_user(agent).patch(url, {"custom_status": visit.pk}, format="json").json()
    assert body["status"] == "on_hold" and body["custom_status"] == {"id": visit.pk, "label": "Visit scheduled"}
    listed = as_user(agent).get("/api/v1/tickets/", {"custom_status": visit.pk}).json()["results"]
    assert [(row["id"], row["custom_status"]) for row in listed] == [(ticket.pk, body["custom_status"])]
    assert as_user(agent).get("/api/v1/tickets/", {"custom_status": visit.pk + 1}).json()["results"] == []
    cleared = as_user(agent).patch(url, {"custom_status": None}, format="json").json()
    assert cleared["custom_status"] is None and cleared["status"] == "on_hold"


def test_patch_refusals_are_4xx(as_user, agent, customer, ticket, visit, custom):
    url = f"/api/v1/tickets/{ticket.pk}/"
    mismatch = as_user(agent).patch(url, {"custom_status": visit.pk, "status": "pending"}, format="json")
    assert mismatch.status_code == 400 and "custom_status" in mismatch.json()["errors"]
    retired = custom(name="Retired", is_active=False)
    assert as_user(agent).patch(url, {"custom_status": retired.pk}, format="json").status_code == 400
    assert as_user(agent).patch(url, {"custom_status": 999999}, format="json").status_code == 400
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    closed = as_user(agent).patch(url, {"custom_status": visit.pk}, format="json")
    assert closed.status_code == 409 and closed.json()["code"] == "invalid_transition"


def test_customers_neither_set_nor_filter_it_and_see_only_its_customer_label(
    as_user, agent, customer, acme_ticket, visit
):
    url = f"/api/v1/tickets/{acme_ticket.pk}/"
    services.ticket_edit(ticket=acme_ticket, actor=agent, custom_status=visit)
    assert as_user(customer).patch(url, {"custom_status": visit.pk}, format="json").status_code == 400
    # tests/tickets/statuses/test_customer_output.py: never the agent label
    assert as_user(customer).get(url).json()["custom_status"] == {"id": visit.pk, "label": visit.customer_name}
    # an agents' filter: a customer's list ignores it rather than revealing who is on what
    rows = as_user(customer).get("/api/v1/tickets/", {"custom_status": visit.pk + 1}).json()["results"]
    assert [row["id"] for row in rows] == [acme_ticket.pk]


def test_the_list_endpoint_has_a_fixed_query_count(
    as_user, agent, custom, team, other_team, django_assert_max_num_queries
):
    for n in range(3):
        custom(name=f"S{n}", teams=[team, other_team])
    client = as_user(agent)
    # user (token-less: forced), the page of statuses, their teams (prefetch); DRF's count is none (cursor-less page)
    with django_assert_max_num_queries(4):
        first = client.get(URL)
    for n in range(20):
        custom(name=f"T{n}", teams=[team])
    with django_assert_max_num_queries(4):
        second = client.get(URL)
    assert first.status_code == second.status_code == 200 and len(second.json()["results"]) == 23
