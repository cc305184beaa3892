"""Agent pages of product feedback and sales, the ticket panel and the bulk action; customers never
see any of it (not on the portal, not in their API answers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.factories import make_ticket
from tickets.feedback import services
from tickets.models import FeedbackItem, FeedbackLink, Opportunity
from tickets.opportunities import services as opportunity_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _more_tickets(n: int, organization) -> list:
    contacts = [factories.ContactFactory(organization=organization) for _ in range(5)]
    return [make_ticket(requester=contacts[i % 5], subject=f"More {i}") for i in range(n)]


def test_item_page_queries_do_not_grow_with_linked_tickets(
    agent_client, agent, item, other_organization, django_assert_max_num_queries
):
    url = f"/agent/feedback/{item.pk}/"
    few = _queries(agent_client, url)
    services.feedback_link(item=item, tickets=_more_tickets(30, other_organization), actor=agent)
    with django_assert_max_num_queries(few):
        response = agent_client.get(url)
    assert response.context["demand"].tickets == 34
    assert len(response.context["links"].rows) == 34


def test_list_page_queries_do_not_grow_with_items(agent_client, agent, item, known, django_assert_max_num_queries):
    few = _queries(agent_client, "/agent/feedback/")
    for n in range(20):
        services.feedback_item_create(actor=agent, title=f"Idea {n}", tickets=known["tickets"][: n % 4 + 1])
    with django_assert_max_num_queries(few):
        response = agent_client.get("/agent/feedback/")
    assert len(response.context["page"].rows) == 21


def test_ticket_page_panel_queries_do_not_grow(agent_client, agent, known, django_assert_max_num_queries):
    ticket = known["tickets"][0]
    page = agent_client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert f'hx-get="/agent/tickets/{ticket.pk}/side/"' in page  # loaded after the page: no query of its own
    url = f"/agent/tickets/{ticket.pk}/side/"
    services.feedback_item_create(actor=agent, title="First", tickets=[ticket])
    opportunity_services.opportunity_create(ticket=ticket, actor=agent)
    few = _queries(agent_client, url)
    for n in range(6):
        services.feedback_item_create(actor=agent, title=f"Item {n}", tickets=[ticket])
        opportunity_services.opportunity_create(ticket=ticket, actor=agent, kind="renewal")
    # the same whatever the ticket has: the ear panel reads its links with their items, its opportunities,
    # the open items and the products, beside the other panels (tickets.workspace.side_views)
    with django_assert_max_num_queries(few):
        response = agent_client.get(url, headers={"HX-Request": "true"})
    assert len(response.context["ear"]["feedback_links"]) == 7 and len(response.context["ear"]["opportunities"]) == 7
    assert b"Item 5" in response.content and b"<html" not in response.content
    assert b"<html" in agent_client.get(url).content  # without htmx: a page of its own


def test_opportunity_list_filters_and_keeps_fixed_queries(
    agent_client, agent, known, organization, django_assert_max_num_queries
):
    opportunity_services.opportunity_create(ticket=known["tickets"][0], actor=agent)
    few = _queries(agent_client, "/agent/opportunities/")
    for ticket in known["tickets"] * 4:
        opportunity_services.opportunity_create(ticket=ticket, actor=agent, kind="upgrade")
    with django_assert_max_num_queries(few):
        agent_client.get("/agent/opportunities/")
    response = agent_client.get("/agent/opportunities/", {"organization": known["tickets"][3].organization_id})
    assert {o.organization_id for o in response.context["page"].rows} == {known["tickets"][3].organization_id}


def test_the_ticket_panel_links_creates_and_unlinks(agent_client, known, item):
    ticket = known["unlinked"]
    agent_client.post(f"/agent/tickets/{ticket.pk}/feedback/", {"item": item.pk})
    assert FeedbackLink.objects.filter(item=item, ticket=ticket).exists()
    agent_client.post(f"/agent/tickets/{ticket.pk}/feedback/", {"title": "Bulk export", "kind": "improvement"})
    created = FeedbackItem.objects.get(title="Bulk export")
    assert created.kind == "improvement" and created.links.get().ticket_id == ticket.pk
    agent_client.post(f"/agent/feedback/{item.pk}/tickets/{ticket.pk}/unlink/", {"next": "ticket"})
    assert not FeedbackLink.objects.filter(item=item, ticket=ticket).exists()
    response = agent_client.post(f"/agent/tickets/{ticket.pk}/feedback/", {})
    assert response.status_code == 302 and FeedbackItem.objects.count() == 2


def test_the_ticket_panel_marks_an_opportunity(agent_client, known):
    ticket = known["tickets"][0]
    agent_client.post(f"/agent/tickets/{ticket.pk}/opportunity/", {"kind": "upgrade", "estimated_value": "250"})
    opportunity = Opportunity.objects.get()
    assert (opportunity.ticket_id, str(opportunity.estimated_value)) == (ticket.pk, "250.00")
    agent_client.post(f"/agent/tickets/{ticket.pk}/opportunity/", {"kind": "upgrade", "estimated_value": "-5"})
    assert Opportunity.objects.count() == 1


def test_the_bulk_action_links_the_selected_tickets(agent_client, known, agent):
    item = services.feedback_item_create(actor=agent, title="Bulk")
    ids = [t.pk for t in known["tickets"][:3]]
    agent_client.post("/agent/tickets/bulk/", {"tickets": ids, "action": "feedback", "feedback_item": item.pk})
    assert sorted(item.links.values_list("ticket_id", flat=True)) == sorted(ids)
    agent_client.post("/agent/tickets/bulk/", {"tickets": ids, "action": "feedback", "feedback_item": 999999})
    agent_client.post("/agent/tickets/bulk/", {"tickets": ids, "action": "feedback"})
    assert item.links.count() == 3


def test_sales_moves_an_opportunity_on_from_its_page(agent_client, agent, known):
    opportunity = opportunity_services.opportunity_create(ticket=known["tickets"][0], actor=agent)
    url = f"/agent/opportunities/{opportunity.pk}/"
    agent_client.post(url, {"state": "contacted", "owner": agent.pk, "note": "Called them", "kind": "upgrade"})
    opportunity.refresh_from_db()
    assert (opportunity.state, opportunity.owner_id) == ("contacted", agent.pk)
    assert agent_client.post(url, {"state": "new", "kind": "upgrade"}).status_code == 400  # contacted → new: no
    assert "Called them" in agent_client.get(url).content.decode()


def test_sales_corrects_an_opportunitys_kind_product_and_note_on_its_page(agent_client, agent, known):
    from tests.factories import ProductFactory

    product = ProductFactory(name="Cloud hosting")
    opportunity = opportunity_services.opportunity_create(ticket=known["tickets"][0], actor=agent, note="Upgrade?")
    url = f"/agent/opportunities/{opportunity.pk}/"
    page = agent_client.get(url).content.decode()
    assert 'name="sales_note"' in page and "Upgrade?" in page
    history = opportunity.changes.count()
    response = agent_client.post(
        url, {"state": "new", "kind": "renewal", "product": product.pk, "sales_note": "Renews in March"}
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.kind, opportunity.product_id, opportunity.note) == ("renewal", product.pk, "Renews in March")
    assert opportunity.changes.count() == history  # no state change, no history row


def test_an_item_page_tells_customers_and_shows_who_was_told(
    agent_client, agent, item, django_capture_on_commit_callbacks
):
    services.feedback_item_update(item=item, actor=agent, changes={"status": "shipped"})
    page = agent_client.get(f"/agent/feedback/{item.pk}/").content.decode()
    assert "Tell every linked customer" in page
    from tickets.feedback import tasks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        agent_client.post(f"/agent/feedback/{item.pk}/notify/")
    assert len(callbacks) == 1  # the job is queued after commit
    tasks.feedback_notify(item.pk, agent.pk, "shipped")
    page = agent_client.get(f"/agent/feedback/{item.pk}/").content.decode()
    assert "Tell every linked customer" not in page and page.count('class="badge status-solved"') >= 4


def test_pages_speak_persian(client, agent, item):
    agent.language = "fa"
    agent.save()
    client.force_login(agent)
    page = client.get(f"/agent/feedback/{item.pk}/").content.decode()
    assert "تقاضا" in page and "۴" in page  # "Demand", and four tickets in Persian digits
    assert "بازخورد محصول" in client.get("/agent/feedback/").content.decode()


@pytest.mark.parametrize("persona", ["customer", "other_customer"])
def test_customers_get_404_on_every_agent_page(client, request, persona, item, known, agent):
    opportunity = opportunity_services.opportunity_create(ticket=known["tickets"][0], actor=agent)
    client.force_login(request.getfixturevalue(persona))
    ticket = known["tickets"][0].pk
    for url in (
        "/agent/feedback/",
        f"/agent/feedback/{item.pk}/",
        "/agent/opportunities/",
        f"/agent/opportunities/{opportunity.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/agent/feedback/{item.pk}/edit/",
        f"/agent/feedback/{item.pk}/notify/",
        f"/agent/tickets/{ticket}/feedback/",
        f"/agent/tickets/{ticket}/opportunity/",
        f"/agent/feedback/{item.pk}/tickets/{ticket}/unlink/",
    ):
        assert client.post(url, {"title": "x", "kind": "upgrade"}).status_code == 404, url
    assert item.links.count() == 4 and Opportunity.objects.count() == 1


def test_the_portal_and_the_customer_api_never_show_feedback_or_opportunities(
    client, customer, as_user, agent, item, known
):
    ticket = known["tickets"][0]
    opportunity_services.opportunity_create(ticket=ticket, actor=agent, note="Upsell the premium plan")
    services.feedback_item_update(item=item, actor=agent, changes={"status": "planned"})
    client.force_login(customer)
    page = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert page and "Dark mode" not in page.replace(ticket.subject, "") and "premium plan" not in page
    assert "opportunit" not in page.lower() and "feedback" not in page.lower()
    api = as_user(customer)
    for url in (
        f"/api/v1/tickets/{ticket.pk}/",
        f"/api/v1/tickets/{ticket.pk}/events/",
        f"/api/v1/tickets/{ticket.pk}/messages/",
    ):
        text = api.get(url).content.decode()
        assert "feedback" not in text and "opportunit" not in text and "premium plan" not in text, url


def test_the_admins_tracker_link_typed_without_a_scheme_is_https(rf, admin_user):
    from django.contrib import admin as django_admin

    from tickets.models import FeedbackItem

    request = rf.get("/admin/")
    request.user = admin_user
    field = django_admin.site._registry[FeedbackItem].formfield_for_dbfield(
        FeedbackItem._meta.get_field("tracker_url"), request=request
    )
    assert field.clean("tracker.example/issues/7") == "https://tracker.example/issues/7"
