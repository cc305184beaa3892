"""A ticket's `custom_status` in the customer's API output: `{id, label}` with the customer label in the
reader's language, else the name of the status it stands for; the agent label never reaches a customer.
Agents and webhook payloads keep the agent label."""

import json

import pytest
from django.utils import translation

from tests.tickets.test_api_output import _components
from tickets import services, webhooks
from tickets.api.serializers import TicketCustomerOutput
from tickets.models import Status

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def _list_and_detail(client, ticket, language="en"):
    rows = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    detail = client.get(f"{URL}{ticket.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert rows.status_code == detail.status_code == 200
    [row] = [row for row in rows.json()["results"] if row["id"] == ticket.pk]
    text = json.dumps(rows.json(), ensure_ascii=False) + json.dumps(detail.json(), ensure_ascii=False)
    return row, detail.json(), text


def test_customers_read_the_customer_label_in_their_language(as_user, agent, customer, ticket, visit):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    row, detail, _text = _list_and_detail(as_user(customer), ticket)
    expected = {"id": visit.pk, "label": "A technician visit is scheduled"}
    assert row["custom_status"] == detail["custom_status"] == expected
    row, detail, _text = _list_and_detail(as_user(customer), ticket, "fa")
    assert row["custom_status"]["label"] == detail["custom_status"]["label"] == "بازدید کارشناس زمان‌بندی شده است"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_customer_never_sees_the_agent_label(as_user, agent, customer, ticket, custom, language):
    internal = custom(name="Waiting on Dave's vendor", name_fa="منتظر فروشنده‌ی داوود")  # no customer label
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=internal)
    row, detail, text = _list_and_detail(as_user(customer), ticket, language)
    with translation.override(language):
        base = str(Status.ON_HOLD.label)
    assert row["custom_status"] == detail["custom_status"] == {"id": internal.pk, "label": base}
    for agent_label in ("Waiting on Dave", "فروشنده"):
        assert agent_label not in text
    # the same ticket, read by an agent, carries the agent label
    row, detail, _text = _list_and_detail(as_user(agent), ticket, language)
    assert row["custom_status"]["label"] == detail["custom_status"]["label"] == internal.display_name


def test_without_a_custom_status_it_is_null(as_user, customer, ticket):
    row, detail, _text = _list_and_detail(as_user(customer), ticket)
    assert row["custom_status"] is None and detail["custom_status"] is None


def test_the_webhook_payload_keeps_the_agent_label(agent, ticket, visit):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    assert webhooks._ticket(ticket.pk)["custom_status"] == {"id": visit.pk, "label": "Visit scheduled"}


def test_the_schema_documents_the_customer_form():
    component, components = _components(TicketCustomerOutput)
    assert "custom_status" in component["required"]
    customer_ref = components["CustomStatusCustomerRef"]
    assert set(customer_ref["properties"]) == {"id", "label"}
    assert "customer label" in customer_ref["properties"]["label"]["description"]
