"""`/api/v1/feedback-items/` and `/api/v1/opportunities/`: CRUD, links, demand, notify, and every
boundary a caller could try to cross (customers get 404 everywhere; only admins delete)."""

import pytest

from tickets.feedback import services
from tickets.models import FeedbackItem, FeedbackLink, Message, Opportunity

pytestmark = pytest.mark.django_db


def _endpoints(item, ticket, opportunity):
    return [
        ("get", "/api/v1/feedback-items/", None),
        ("post", "/api/v1/feedback-items/", {"title": "Mine"}),
        ("get", f"/api/v1/feedback-items/{item.pk}/", None),
        ("patch", f"/api/v1/feedback-items/{item.pk}/", {"status": "declined"}),
        ("delete", f"/api/v1/feedback-items/{item.pk}/", None),
        ("get", f"/api/v1/feedback-items/{item.pk}/tickets/", None),
        ("post", f"/api/v1/feedback-items/{item.pk}/tickets/", {"tickets": [ticket.pk]}),
        ("delete", f"/api/v1/feedback-items/{item.pk}/tickets/{ticket.pk}/", None),
        ("get", f"/api/v1/feedback-items/{item.pk}/demand/", None),
        ("post", f"/api/v1/feedback-items/{item.pk}/notify/", None),
        ("get", "/api/v1/opportunities/", None),
        ("post", "/api/v1/opportunities/", {"ticket": ticket.pk, "kind": "upgrade"}),
        ("get", f"/api/v1/opportunities/{opportunity.pk}/", None),
        ("patch", f"/api/v1/opportunities/{opportunity.pk}/", {"state": "won"}),
        ("delete", f"/api/v1/opportunities/{opportunity.pk}/", None),
        ("get", f"/api/v1/opportunities/{opportunity.pk}/history/", None),
    ]


@pytest.fixture
def opportunity(agent, known):
    from tickets.opportunities import services as opportunity_services

    return opportunity_services.opportunity_create(ticket=known["tickets"][0], actor=agent, kind="upgrade")


@pytest.mark.parametrize("persona", ["customer", "other_customer", "anonymous"])
def test_customers_and_strangers_find_nothing(request, persona, as_user, item, known, opportunity):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    ticket = known["tickets"][0]  # the customer's own ticket: still nothing to see or do
    for method, url, body in _endpoints(item, ticket, opportunity):
        response = getattr(client, method)(url, body, format="json")
        expected = 401 if persona == "anonymous" else 404
        assert response.status_code == expected, (method, url, response.status_code)
    assert FeedbackItem.objects.count() == 1 and FeedbackLink.objects.count() == 4
    assert Opportunity.objects.get().state == "new"


def test_an_agent_creates_reads_and_updates_an_item(as_user, agent, known, item):
    api = as_user(agent)
    created = api.post(
        "/api/v1/feedback-items/",
        {
            "title": "CSV export",
            "kind": "improvement",
            "tracker_url": "https://dev.test/DEV-7",
            "tracker_key": "DEV-7",
            "tickets": [known["unlinked"].pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["kind"], body["status"], body["ticket_count"], body["customer_count"]) == ("improvement", "new", 1, 1)
    patched = api.patch(
        f"/api/v1/feedback-items/{body['id']}/", {"status": "planned", "owner": agent.pk}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["status"] == "planned"
    assert patched.json()["owner"]["id"] == agent.pk
    listed = api.get("/api/v1/feedback-items/", {"status": "planned"}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert [r["id"] for r in api.get("/api/v1/feedback-items/", {"q": "DEV-7"}).json()["results"]] == [body["id"]]


def test_bad_input_is_a_400_per_field(as_user, agent, customer):
    api = as_user(agent)
    response = api.post("/api/v1/feedback-items/", {"title": "", "kind": "wish", "tickets": [999999]}, format="json")
    assert response.status_code == 400
    assert {"title", "kind"} <= set(response.json()["errors"])
    response = api.post("/api/v1/feedback-items/", {"title": "x", "tickets": [999999]}, format="json")
    assert response.status_code == 400 and "tickets" in response.json()["errors"]
    response = api.post("/api/v1/feedback-items/", {"title": "x", "owner": customer.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.json()["errors"]
    assert FeedbackItem.objects.count() == 0


def test_demand_over_the_api_matches_the_hand_count(as_user, agent, item, known):
    demand = as_user(agent).get(f"/api/v1/feedback-items/{item.pk}/demand/").json()
    assert (demand["tickets"], demand["customers"], demand["organizations"]) == (4, 3, 2)
    assert [c["name"] for c in demand["contracts"]] == ["Acme gold", "Globex basic"]
    assert [c["annual_value"] for c in demand["contracts"]] == ["1200.00", None]
    assert demand["contract_value"] == "1200.00"
    assert demand["first_request"].startswith(known["start"].strftime("%Y-%m-%dT%H:%M"))


def test_link_and_unlink_over_the_api(as_user, agent, item, known):
    api = as_user(agent)
    linked = api.post(f"/api/v1/feedback-items/{item.pk}/tickets/", {"tickets": [known["unlinked"].pk]}, format="json")
    assert linked.status_code == 200 and [row["ticket"] for row in linked.json()] == [known["unlinked"].pk]
    assert api.get(f"/api/v1/feedback-items/{item.pk}/").json()["organization_count"] == 3
    gone = api.delete(f"/api/v1/feedback-items/{item.pk}/tickets/{known['unlinked'].pk}/")
    assert gone.status_code == 204
    assert api.delete(f"/api/v1/feedback-items/{item.pk}/tickets/{known['unlinked'].pk}/").status_code == 404
    rows = api.get(f"/api/v1/feedback-items/{item.pk}/tickets/").json()["results"]
    assert [row["ticket"] for row in rows] == [t.pk for t in known["tickets"]]


def test_only_admins_delete_over_the_api(as_user, agent, admin_user, item):
    assert as_user(agent).delete(f"/api/v1/feedback-items/{item.pk}/").status_code == 403
    assert as_user(admin_user).delete(f"/api/v1/feedback-items/{item.pk}/").status_code == 204
    assert not FeedbackItem.objects.exists() and Message.objects.exists()  # tickets stay


def test_notify_over_the_api_needs_a_final_status_and_queues_once(as_user, agent, item, known):
    api = as_user(agent)
    refused = api.post(f"/api/v1/feedback-items/{item.pk}/notify/")
    assert refused.status_code == 409 and refused.json()["code"] == "not_final"
    api.patch(f"/api/v1/feedback-items/{item.pk}/", {"status": "declined"}, format="json")
    assert api.post(f"/api/v1/feedback-items/{item.pk}/notify/").json() == {"queued": 4}
    from tickets.feedback import tasks

    assert tasks.feedback_notify(item.pk, agent.pk, "declined") == 4  # what the worker runs
    assert api.post(f"/api/v1/feedback-items/{item.pk}/notify/").json() == {"queued": 0}
    rows = api.get(f"/api/v1/feedback-items/{item.pk}/tickets/").json()["results"]
    assert all(row["notified_status"] == "declined" and row["notified_at"] for row in rows)


def test_list_queries_do_not_grow_with_items_or_links(as_user, agent, known, django_assert_max_num_queries):
    api = as_user(agent)
    for n in range(12):
        services.feedback_item_create(actor=agent, title=f"Item {n}", tickets=known["tickets"][: n % 4 + 1])
    # session/user, count, page (demand counts in the same query, product and owner joined)
    with django_assert_max_num_queries(4):
        assert len(api.get("/api/v1/feedback-items/").json()["results"]) == 12


def test_linked_tickets_read_in_fixed_queries(as_user, agent, item, known, django_assert_max_num_queries):
    api = as_user(agent)
    with django_assert_max_num_queries(4):  # user, item, count, page (ticket, requester, organization joined)
        api.get(f"/api/v1/feedback-items/{item.pk}/tickets/")
