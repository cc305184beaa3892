"""Two agents edit a ticket's properties from pages opened at the same time: only what each changed on
their page is applied (tickets.services.seen); a field both changed is refused with its current value,
and saving again from the form that came back is a deliberate choice."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tickets import services
from tickets.models import Status

HTMX = {"HTTP_HX_REQUEST": "true"}


def _page_form(client, ticket) -> dict:
    """The properties form as the agent's page shows it (the sidebar's panels), field by field."""
    body = client.get(reverse("agent:ticket-side", args=[ticket.pk])).content.decode()
    form = body[body.index('id="properties"') : body.index("</form>", body.index('id="properties"'))]
    data = {
        name: html.unescape(value) for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form)
    }
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        data[name] = chosen.group(1) if chosen else ""
    data.setdefault("tags", "")
    data.pop("csrfmiddlewaretoken", None)
    return data


def _post(client, ticket, data, **extra):
    return client.post(reverse("agent:ticket-properties", args=[ticket.pk]), data, **extra)


@pytest.fixture
def reza(agent, client):
    client.force_login(agent)
    return client


@pytest.fixture
def other(other_agent, team):
    other_agent.teams.add(team)
    return other_agent


def test_a_stale_form_changing_another_field_keeps_the_other_agents_change(reza, agent, other, ticket):
    services.ticket_edit(ticket=ticket, actor=agent, tags=["printer"])
    seen = _page_form(reza, ticket)
    services.ticket_edit(ticket=ticket, actor=other, changes={"priority": "urgent"}, tags=["printer", "vip"])
    response = _post(reza, ticket, {**seen, "assignee": agent.pk}, **HTMX)
    assert response.status_code == 200 and "Saved." in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("urgent", agent)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["printer", "vip"]


def test_a_stale_status_left_as_shown_is_no_change(reza, agent, other, ticket):
    seen = _page_form(reza, ticket)
    assert seen["status"] == Status.NEW
    services.ticket_edit(ticket=ticket, actor=other, changes={"assignee": other})  # opens it
    _post(reza, ticket, {**seen, "priority": "high"}, **HTMX)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.priority) == (Status.OPEN, other, "high")


def test_the_same_field_changed_by_both_is_refused_with_its_current_value(reza, agent, other, ticket):
    seen = _page_form(reza, ticket)
    services.ticket_edit(ticket=ticket, actor=other, changes={"priority": "urgent"})
    response = _post(reza, ticket, {**seen, "priority": "high", "assignee": agent.pk}, **HTMX)
    page = response.content.decode()
    assert "field-error" in page and "Someone else changed this to “Urgent”" in page
    assert "Saved." not in page
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("urgent", None)  # all or nothing: nothing written
    # the form came back with reza's choices, and now knows what he saw: saving again is deliberate
    again = dict(re.findall(r'<input[^>]*name="(seen)"[^>]*value="([^"]*)"', page))
    assert '<option value="high" selected' in page
    _post(
        reza, ticket, {**seen, "priority": "high", "assignee": agent.pk, "seen": html.unescape(again["seen"])}, **HTMX
    )
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("high", agent)


def test_the_refusal_without_javascript_is_the_panels_page_with_the_form(reza, agent, other, ticket):
    seen = _page_form(reza, ticket)
    services.ticket_edit(ticket=ticket, actor=other, changes={"type": "incident"})
    response = _post(reza, ticket, {**seen, "type": "task"})
    page = response.content.decode()
    assert response.status_code == 200 and "flash-error" in page and "“Incident”" in page
    assert '<option value="task" selected' in page
    ticket.refresh_from_db()
    assert ticket.type == "incident"


def test_the_refusal_is_in_persian(reza, agent, other, ticket):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    seen = _page_form(reza, ticket)
    services.ticket_edit(ticket=ticket, actor=other, changes={"priority": "urgent"})
    page = _post(reza, ticket, {**seen, "priority": "low"}, **HTMX).content.decode()
    assert 'class="field-error"' in page and "کس دیگری" in page and "فوری" in page


def test_the_same_change_by_both_is_no_conflict(reza, agent, other, ticket):
    seen = _page_form(reza, ticket)
    services.ticket_edit(ticket=ticket, actor=other, changes={"priority": "urgent"})
    response = _post(reza, ticket, {**seen, "priority": "urgent"}, **HTMX)
    assert "Saved." in response.content.decode()


def test_tags_added_and_removed_relative_to_what_the_agent_saw(reza, agent, other, ticket):
    services.ticket_edit(ticket=ticket, actor=agent, tags=["printer", "paper"])
    seen = _page_form(reza, ticket)
    services.ticket_edit(ticket=ticket, actor=other, tags=["printer", "vip"])  # adds vip, removes paper
    _post(reza, ticket, {**seen, "tags": "paper, toner"}, **HTMX)  # removes printer, adds toner
    ticket.refresh_from_db()
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["toner", "vip"]


def test_the_service_refuses_a_field_changed_since_the_callers_view(agent, other, ticket):
    services.ticket_edit(ticket=ticket, actor=other, changes={"assignee": other})
    with pytest.raises(ValidationError) as refused:
        services.ticket_edit(ticket=ticket, actor=agent, changes={"assignee": agent}, seen={"assignee": None})
    assert "assignee" in refused.value.message_dict
    ticket.refresh_from_db()
    assert ticket.assignee == other


def test_the_api_patch_changes_only_the_fields_sent(agent, other, ticket):
    services.ticket_edit(ticket=ticket, actor=other, changes={"priority": "urgent"}, tags=["vip"])
    api = Client()
    api.force_login(agent)
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"assignee": agent.pk}, content_type="application/json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("urgent", agent)
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]


def test_an_agent_who_may_not_see_the_ticket_cannot_post_its_properties(client, customer, ticket):
    client.force_login(customer)
    response = client.post(reverse("agent:ticket-properties", args=[ticket.pk]), {"priority": "urgent"})
    assert response.status_code in (302, 403, 404)
    ticket.refresh_from_db()
    assert ticket.priority != "urgent"
