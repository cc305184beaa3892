"""Custom statuses on the pages: the ticket page's picker and badge, the list's label, filter and bulk
action (query counts unchanged), the portal's and the customer mail's customer label, the admin."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tickets import services
from tickets.models import CustomStatus, Status, Ticket

pytestmark = pytest.mark.django_db


def test_the_ticket_page_offers_the_statuses_for_its_team_and_shows_the_chosen_one(
    agent_client, agent, ticket, visit, custom, other_team
):
    custom(name="Billing only", teams=[other_team])
    custom(name="Retired", is_active=False)
    # the properties panel, which the page loads after itself with the others (tickets.workspace.side_views)
    panel = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk])).content.decode()
    assert "Visit scheduled (On hold)" in panel
    assert "Billing only" not in panel and "Retired" not in panel
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert 'class="badge status-on_hold custom-status"' in page


def _properties(ticket, **fields):
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "team": ticket.team_id or "",
        "assignee": ticket.assignee_id or "",
        "tags": "",
        "custom_status": "",
    }
    return {**data, **fields}


def test_the_properties_form_sets_it_with_the_status_picker_left_alone(agent_client, ticket, visit):
    url = reverse("agent:ticket-properties", args=[ticket.pk])
    assert agent_client.post(url, _properties(ticket, custom_status=visit.pk)).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.ON_HOLD, visit)
    # a new status alone takes the ticket off it
    agent_client.post(url, _properties(ticket, status=Status.OPEN, custom_status=visit.pk))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.OPEN, None)


def test_the_properties_form_shows_a_disagreement_as_a_field_error(agent_client, ticket, visit):
    url = reverse("agent:ticket-properties", args=[ticket.pk])
    response = agent_client.post(
        url, _properties(ticket, status=Status.PENDING, custom_status=visit.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "stands for" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_the_list_shows_the_label_filters_by_it_and_bulk_sets_it(agent_client, agent, make, visit, fix):
    on_it, other = make(subject="On a visit"), make(subject="Something else")
    services.ticket_edit(ticket=on_it, actor=agent, custom_status=visit)
    page = agent_client.get(reverse("agent:tickets"), {"view": "all"}).content.decode()
    assert '<span class="badge status-on_hold">Visit scheduled</span>' in page
    filtered = agent_client.get(reverse("agent:tickets"), {"view": "all", "custom_status": visit.pk})
    assert [row.pk for row in filtered.context["page"].rows] == [on_it.pk]
    response = agent_client.post(
        reverse("agent:ticket-bulk"),
        {"action": "custom_status", "custom_status": fix.pk, "tickets": [on_it.pk, other.pk]},
    )
    assert response.status_code == 302
    assert set(Ticket.objects.values_list("custom_status", "status")) == {(fix.pk, Status.PENDING)}


def test_list_and_ticket_page_query_counts_stay_with_custom_statuses(
    agent_client, agent, make, custom, team, other_team, django_assert_max_num_queries
):
    statuses = [custom(name=f"Status {n}", teams=[team, other_team] if n % 2 else []) for n in range(6)]
    tickets = [make(subject=f"Row {n}") for n in range(12)]
    for n, ticket in enumerate(tickets):
        services.ticket_edit(ticket=ticket, actor=agent, custom_status=statuses[n % 6])
    # the counts tests/tickets/test_agent_pages.py explains query by query (custom statuses and
    # categories share a query on both pages; root causes share it on the ticket page)
    with django_assert_max_num_queries(10):
        assert agent_client.get(reverse("agent:tickets"), {"view": "all"}).status_code == 200
    with django_assert_max_num_queries(19):
        assert agent_client.get(reverse("agent:ticket", args=[tickets[0].pk])).status_code == 200


def test_the_portal_shows_the_customer_label_in_the_customers_language(
    client, customer, agent, acme_ticket, visit, fix
):
    client.force_login(customer)
    services.ticket_edit(ticket=acme_ticket, actor=agent, custom_status=visit)
    home = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    page = client.get(reverse("portal:ticket", args=[acme_ticket.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A technician visit is scheduled" in home and "A technician visit is scheduled" in page
    assert "Visit scheduled" not in page  # never the agents' label
    customer.language = "fa"
    customer.save()
    with translation.override("fa"):
        page = client.get(reverse("portal:ticket", args=[acme_ticket.pk]), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "بازدید کارشناس زمان‌بندی شده است" in page
    # no customer label: the base status's own wording ("Waiting for you")
    services.ticket_edit(ticket=acme_ticket, actor=agent, custom_status=fix)
    customer.language = "en"
    customer.save()
    page = client.get(reverse("portal:ticket", args=[acme_ticket.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for you" in page and "Waiting for a fix" not in page


def test_the_persian_customer_label_falls_back_to_english(custom):
    only_english = custom(name="Parts ordered", customer_name="Parts are on their way")
    with translation.override("fa"):
        assert only_english.customer_text == "Parts are on their way" and only_english.display_name == "Parts ordered"


def test_the_reply_mail_carries_the_customer_label(agent, acme_ticket, visit, mailoutbox):
    services.ticket_edit(ticket=acme_ticket, actor=agent, custom_status=visit)
    services.ticket_reply(ticket=acme_ticket, actor=agent, body="We will come on Tuesday.")
    for row in NotificationLog.objects.filter(sent_at__isnull=True, template="agent_reply"):
        assert notification_send(notification_id=row.pk)
    [mail] = [m for m in mailoutbox if "Tuesday" in m.body]
    assert "Status: A technician visit is scheduled" in mail.body
    assert "A technician visit is scheduled" in mail.alternatives[0][0]
    assert "Visit scheduled" not in mail.body


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_admin_pages_in_both_languages(admin_client, admin_user, visit, language):
    admin_user.language = language
    admin_user.save()
    with translation.override(language):
        listing = admin_client.get("/admin/tickets/customstatus/").content.decode()
        add = admin_client.get("/admin/tickets/customstatus/add/").content.decode()
        change = admin_client.get(f"/admin/tickets/customstatus/{visit.pk}/change/").content.decode()
    assert "Visit scheduled" in listing and "بازدید زمان‌بندی شد" in change
    if language == "fa":
        assert 'dir="rtl"' in listing and "وضعیت" in add and "برچسب مشتری" in add
    else:
        assert "Custom statuses" in listing and "Customer label" in add


def test_the_admin_adds_one_and_refuses_to_move_one_in_use(admin_client, agent, ticket, team):
    response = admin_client.post(
        "/admin/tickets/customstatus/add/",
        {"name": "Parts ordered", "base_status": "on_hold", "position": 5, "is_active": "on", "teams": [team.pk]},
    )
    assert response.status_code == 302
    made = CustomStatus.objects.get(name="Parts ordered")
    assert list(made.teams.all()) == [team]
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=made)
    response = admin_client.post(
        f"/admin/tickets/customstatus/{made.pk}/change/",
        {"name": "Parts ordered", "base_status": "pending", "position": 5, "is_active": "on", "teams": [team.pk]},
    )
    assert response.status_code == 200 and "base_status" in response.context["adminform"].form.errors
    made.refresh_from_db()
    assert made.base_status == "on_hold"


def test_agents_do_not_reach_the_admin(agent):
    client = Client()
    client.force_login(agent)
    assert client.get("/admin/tickets/customstatus/").status_code == 302


def test_the_properties_panel_keeps_a_custom_status_no_longer_offered(agent_client, agent, ticket, visit):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    type(visit).objects.filter(pk=visit.pk).update(is_active=False)
    panel = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk])).content.decode()
    assert f'<option value="{visit.pk}" selected>Visit scheduled</option>' in panel
