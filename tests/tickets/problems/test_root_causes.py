"""Root causes: chosen when solving; HELPDESK_REQUIRE_ROOT_CAUSE makes solving without one a clear
error on the page and in the API (the rule is the status service's); customers never see them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tickets import services
from tickets.models import Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _solve_on_page(agent_client, ticket, **extra):
    data = {"status": Status.SOLVED, "priority": ticket.priority, "type": ticket.type, **extra}
    return agent_client.post(reverse("agent:ticket-properties", args=[ticket.pk]), data, HTTP_HX_REQUEST="true")


def test_the_page_refuses_to_solve_without_a_root_cause_and_says_why(require_root_cause, agent_client, ticket):
    response = _solve_on_page(agent_client, ticket)
    assert response.status_code == 200
    assert "Choose the root cause of this ticket before solving it." in response.content.decode()
    assert response.context["properties_form"].errors["root_cause"]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.root_cause is None


def test_the_page_solves_with_a_root_cause_in_one_change(require_root_cause, agent_client, ticket, root_causes):
    response = _solve_on_page(agent_client, ticket, root_cause=root_causes["config"].pk)
    assert response.status_code == 200 and response.context["saved"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.root_cause) == (Status.SOLVED, root_causes["config"])
    assert TicketEvent.objects.filter(ticket=ticket, field="root_cause", public=False).count() == 1


def test_replying_as_solved_without_a_root_cause_is_refused_too(require_root_cause, agent_client, ticket):
    response = agent_client.post(
        reverse("agent:ticket-reply", args=[ticket.pk]), {"kind": "reply", "body": "Fixed", "status": Status.SOLVED}
    )
    assert response.status_code == 400
    assert "Choose the root cause of this ticket before solving it." in response.content.decode()
    assert not ticket.messages.filter(body_text__contains="Fixed").exists()


def test_the_api_refuses_with_a_400_on_root_cause(require_root_cause, as_user, agent, ticket, root_causes):
    url = f"/api/v1/tickets/{ticket.pk}/"
    response = as_user(agent).patch(url, {"status": "solved"}, format="json")
    assert response.status_code == 400
    assert "root_cause" in response.json()["errors"]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    response = as_user(agent).patch(url, {"status": "solved", "root_cause": root_causes["bug"].pk}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["root_cause"]) == ("solved", root_causes["bug"].pk)


def test_a_root_cause_set_earlier_is_enough(require_root_cause, agent, ticket, root_causes):
    services.ticket_edit(ticket=ticket, actor=agent, changes={"root_cause": root_causes["bug"]})
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED


def test_without_the_setting_solving_needs_no_root_cause(agent, ticket):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED


def test_the_service_refuses_every_channel(require_root_cause, agent, ticket):
    with pytest.raises(ValidationError) as caught:
        services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    assert "root_cause" in caught.value.message_dict


def test_a_customer_solves_their_own_request_without_one(require_root_cause, as_user, customer, acme_ticket):
    response = as_user(customer).patch(f"/api/v1/tickets/{acme_ticket.pk}/", {"status": "solved"}, format="json")
    assert response.status_code == 200, response.content
    assert "root_cause" not in response.json()


def test_customers_never_see_root_causes(as_user, client, agent, customer, acme_ticket, root_causes):
    services.ticket_edit(
        ticket=acme_ticket, actor=agent, changes={"root_cause": root_causes["config"]}, status=Status.SOLVED
    )
    api = as_user(customer)
    assert "root_cause" not in api.get(f"/api/v1/tickets/{acme_ticket.pk}/").json()
    assert api.get("/api/v1/root-causes/").status_code == 404
    events = api.get(f"/api/v1/tickets/{acme_ticket.pk}/events/").json()
    rows = events["results"] if isinstance(events, dict) else events
    assert all(row.get("field") != "root_cause" for row in rows)
    client.force_login(customer)
    page = client.get(reverse("portal:ticket", args=[acme_ticket.pk])).content.decode()
    assert "Configuration error" not in page and "Root cause" not in page
