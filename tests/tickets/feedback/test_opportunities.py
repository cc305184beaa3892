"""Sales opportunities: marking a ticket, sales told by mail, state changes with history, the API."""

from decimal import Decimal

import pytest

from helpdesk.exceptions import InvalidTransition, NotAllowed
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests import factories
from tickets.models import EventKind, Opportunity, TicketEvent
from tickets.opportunities import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db):
    team = factories.TeamFactory(name="Sales", slug="sales")
    seller = factories.UserFactory(role="agent", email="seller@test.example", language="fa")
    seller.teams.add(team)
    return team, seller


def test_marking_a_ticket_tells_sales_by_mail_and_records_an_event(sales, agent, known, mailoutbox):
    _team, seller = sales
    ticket = known["tickets"][0]
    opportunity = services.opportunity_create(
        ticket=ticket, actor=agent, kind="upgrade", note="Wants 50 more seats", estimated_value=Decimal("9000")
    )
    assert (opportunity.organization_id, opportunity.state) == (ticket.organization_id, "new")
    rows = NotificationLog.objects.filter(template="opportunity_created")
    assert [row.recipient for row in rows] == [seller.email]  # sales only: never the customer
    notification_send(notification_id=rows[0].pk)
    mail = mailoutbox[-1]
    assert mail.to == [seller.email] and "فرصت فروش" in mail.subject  # in the seller's language
    assert "Wants 50 more seats" in mail.body
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.OPPORTUNITY_CREATED)
    assert event.public is False
    assert list(opportunity.changes.values_list("old_state", "new_state")) == [("", "new")]


def test_without_a_sales_team_nobody_is_mailed(agent, known, settings):
    settings.HELPDESK_SALES_TEAM = ""
    services.opportunity_create(ticket=known["tickets"][0], actor=agent)
    assert not NotificationLog.objects.filter(template="opportunity_created").exists()


def test_state_changes_follow_the_table_and_keep_a_history(agent, known):
    opportunity = services.opportunity_create(ticket=known["tickets"][0], actor=agent)
    services.opportunity_update(opportunity=opportunity, actor=agent, changes={"state": "contacted"}, note="Called")
    services.opportunity_update(opportunity=opportunity, actor=agent, changes={"state": "won"})
    with pytest.raises(InvalidTransition):
        services.opportunity_update(opportunity=opportunity, actor=agent, changes={"state": "lost"})
    history = list(opportunity.changes.values_list("old_state", "new_state", "note"))
    assert history == [("", "new", ""), ("new", "contacted", "Called"), ("contacted", "won", "")]


def test_customers_cannot_mark_or_move_opportunities(customer, agent, known):
    with pytest.raises(NotAllowed):
        services.opportunity_create(ticket=known["tickets"][0], actor=customer)
    opportunity = services.opportunity_create(ticket=known["tickets"][0], actor=agent)
    with pytest.raises(NotAllowed):
        services.opportunity_update(opportunity=opportunity, actor=customer, changes={"state": "won"})
    with pytest.raises(NotAllowed):
        services.opportunity_delete(opportunity=opportunity, actor=agent)


def test_the_api_lists_filters_and_moves_opportunities(as_user, agent, admin_user, known, organization, sales):
    api = as_user(agent)
    created = api.post(
        "/api/v1/opportunities/",
        {"ticket": known["tickets"][0].pk, "kind": "renewal", "estimated_value": "1500.50"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["organization"]["id"], body["estimated_value"], body["state"]) == (organization.pk, "1500.50", "new")
    api.post("/api/v1/opportunities/", {"ticket": known["tickets"][3].pk, "kind": "other"}, format="json")
    mine = api.get("/api/v1/opportunities/", {"organization": organization.pk}).json()["results"]
    assert [row["id"] for row in mine] == [body["id"]]
    assert len(api.get("/api/v1/opportunities/", {"state": "new"}).json()["results"]) == 2
    moved = api.patch(
        f"/api/v1/opportunities/{body['id']}/", {"state": "contacted", "state_note": "Mail sent"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["state"] == "contacted"
    refused = api.patch(f"/api/v1/opportunities/{body['id']}/", {"state": "new"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    history = api.get(f"/api/v1/opportunities/{body['id']}/history/").json()
    assert [(h["old_state"], h["new_state"], h["note"]) for h in history] == [
        ("", "new", ""),
        ("new", "contacted", "Mail sent"),
    ]
    assert api.delete(f"/api/v1/opportunities/{body['id']}/").status_code == 403
    assert as_user(admin_user).delete(f"/api/v1/opportunities/{body['id']}/").status_code == 204


def test_bad_opportunity_input_is_a_400(as_user, agent, known):
    api = as_user(agent)
    response = api.post(
        "/api/v1/opportunities/", {"ticket": 999999, "estimated_value": "-1", "kind": "x"}, format="json"
    )
    assert response.status_code == 400
    assert {"estimated_value", "kind"} <= set(response.json()["errors"])
    response = api.post("/api/v1/opportunities/", {"ticket": 999999}, format="json")
    assert response.status_code == 400 and "ticket" in response.json()["errors"]
    assert not Opportunity.objects.exists()


def test_the_opportunity_list_reads_in_fixed_queries(as_user, agent, known, django_assert_max_num_queries):
    for ticket in known["tickets"] * 3:
        services.opportunity_create(ticket=ticket, actor=agent)
    with django_assert_max_num_queries(3):  # user, count, page with ticket, organization, product, owner joined
        assert len(as_user(agent).get("/api/v1/opportunities/").json()["results"]) == 12
