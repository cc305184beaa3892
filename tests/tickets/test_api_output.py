"""A ticket's output has one definition: the OpenAPI schema of the declared fields, DRF's own rendering
of those fields and the dicts tickets.output writes by hand (for speed) agree, for the agent's and the
customer's output, on every object the API and the webhooks render (a detail ticket, a list row, the
webhook's ticket), in UTC and in a zone with an offset."""

from datetime import datetime, timedelta

import pytest
from django.urls import path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from customers.models import BusinessCalendar, ServiceContract, SlaPolicy
from tests.factories import ContactFactory, ProductFactory
from tests.tickets.conftest import contact_of
from tickets import output, selectors, webhooks
from tickets.api.serializers import MessageOutput, TicketCustomerOutput, TicketOutput
from tickets.models import Category, CustomStatus, Message, Problem, RootCause, SlaState, Ticket

pytestmark = pytest.mark.django_db


class _CustomerOnly(generics.RetrieveAPIView):
    """The API documents customers' smaller output in prose; a schema of its own, for this test."""

    serializer_class = TicketCustomerOutput
    queryset = Ticket.objects.none()


def _components(serializer: type) -> tuple[dict, dict]:
    """The serializer's component as drf-spectacular generates it, and every component (for `$ref`s)."""
    if serializer is TicketOutput:  # the agent's output, as /api/schema/ publishes it
        schema = SchemaGenerator().get_schema(request=None, public=True)
    else:
        schema = SchemaGenerator(
            patterns=[path("api/v1/customer-ticket/<int:pk>/", _CustomerOnly.as_view())]
        ).get_schema(public=True)
    components = schema["components"]["schemas"]
    return components[serializer.__name__], components


def _nullable(prop: dict, components: dict) -> bool:
    variants = [components[ref["$ref"].rsplit("/", 1)[1]] for ref in prop.get("oneOf", [])]
    return bool(prop.get("nullable")) or any(None in variant.get("enum", ()) for variant in variants)


def _check(value, prop: dict, components: dict, where: str) -> None:
    """Fails unless `value` is what the OpenAPI property `prop` describes (its `$ref`s in `components`)."""
    if value is None:
        assert _nullable(prop, components), f"{where} is null; the schema says it never is"
        return
    if "$ref" in prop:
        prop = components[prop["$ref"].rsplit("/", 1)[1]]
    if "allOf" in prop:
        (only,) = prop["allOf"]
        return _check(value, only, components, where)
    if "oneOf" in prop:
        failures = []
        for variant in prop["oneOf"]:
            try:
                return _check(value, variant, components, where)
            except AssertionError as exc:
                failures.append(str(exc))
        raise AssertionError(f"{where}: {value!r} matches none of {failures}")
    if "enum" in prop:
        assert value in prop["enum"], f"{where}: {value!r} not in {prop['enum']}"
        return
    kind = prop["type"]
    if kind == "object":
        assert list(value) == list(prop["properties"]), f"{where}: keys {list(value)} != {list(prop['properties'])}"
        assert set(prop.get("required", ())) == set(prop["properties"]), f"{where}: every key is always written"
        for name, item in value.items():
            _check(item, prop["properties"][name], components, f"{where}.{name}")
    elif kind == "array":
        assert isinstance(value, list), f"{where}: {value!r} is not an array"
        for i, item in enumerate(value):
            _check(item, prop["items"], components, f"{where}[{i}]")
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r} is not an integer"
    elif kind == "string":
        assert isinstance(value, str), f"{where}: {value!r} is not a string"
        if prop.get("format") == "date-time":
            assert datetime.fromisoformat(value).tzinfo is not None, f"{where}: {value!r} has no offset"
        if prop.get("format") == "email":
            assert "@" in value, f"{where}: {value!r} is not an email"
    else:
        raise AssertionError(f"{where}: the test does not know the type {kind!r}; teach it")


@pytest.fixture
def tickets(agent, customer, team):
    """Tickets of the customer: one with every field set, one with every nullable field empty, and one
    merged into the first (agents only see merged tickets). Ids and names differ wherever a mix-up of
    two fields could hide: the policy's and the contract's ids apart from any ticket's; the assignee
    without a name (written as the email), the requester with one."""
    calendar = BusinessCalendar.objects.create(name="Office")
    policy = SlaPolicy.objects.create(pk=900_001, name="Gold", calendar=calendar)
    requester = contact_of(customer)
    contract = ServiceContract.objects.create(
        pk=900_002, name="Gold", organization=requester.organization, sla_policy=policy, valid_from="2026-01-01"
    )
    agent.full_name = ""
    agent.save(update_fields=["full_name"])
    assert requester.full_name
    sparse = Ticket.objects.create(requester=requester, subject="Bare")  # no organization, team, SLA...
    full = Ticket.objects.create(
        requester=requester,
        subject="Printer on fire",
        organization=requester.organization,
        team=team,
        assignee=agent,
        product=ProductFactory(),
        contract=contract,
        sla_policy=policy,
        sla_state=SlaState.WARNING,
        category=Category.objects.create(pk=900_003, name="Printers"),
        root_cause=RootCause.objects.create(pk=900_004, name="Software bug"),
        problem=Problem.objects.create(pk=900_005, title="Firmware 4.2"),
        status="open",
        custom_status=CustomStatus.objects.create(pk=900_006, name="Visit scheduled", base_status="open"),
    )
    full.tags.create(name="vip")
    full.tags.create(name="billing")
    now = timezone.now().replace(microsecond=123456)
    Ticket.objects.filter(pk=full.pk).update(
        **{name: now + timedelta(hours=i) for i, name in enumerate(TIMES)}, first_responded_at=now
    )
    return full, sparse, Ticket.objects.create(requester=requester, subject="Duplicate", merged_into=full)


TIMES = ("solved_at", "closed_at", "first_response_due_at", "next_response_due_at", "resolution_due_at")


def _as_rendered(user, tickets):
    """Each ticket the user sees as the API's detail view, its list view and the webhook payload read it."""
    ticket_ids = sorted(
        selectors.ticket_base_for(user=user).filter(pk__in=[t.pk for t in tickets]).values_list("pk", flat=True)
    )
    assert len(ticket_ids) == (3 if user.is_agent else 2)
    for ticket_id in ticket_ids:
        yield "detail", selectors.ticket_get_for(user=user, ticket_id=ticket_id, with_terms=False)
        yield "webhook", selectors.ticket_for_system(ticket_id=ticket_id)
    values = selectors.ticket_list_for(user=user).filter(pk__in=ticket_ids).values(*selectors.LIST_FIELDS)
    for row in selectors.ticket_rows(values, with_internal=user.is_agent):
        yield "list", row


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tehran"])
@pytest.mark.parametrize(("serializer", "persona"), [(TicketOutput, "agent"), (TicketCustomerOutput, "customer")])
def test_schema_drf_rendering_and_hand_built_output_agree(request, serializer, persona, zone, tickets):
    component, components = _components(serializer)
    properties = component["properties"]
    assert list(properties) == list(serializer.Meta.fields)
    assert set(component["required"]) == set(properties)  # the output always writes every key
    context = {"request": Request(APIRequestFactory().get("/api/v1/tickets/"))}
    seen: dict[str, set[bool]] = {name: set() for name in properties}
    with timezone.override(zone):
        for where, obj in _as_rendered(request.getfixturevalue(persona), tickets):
            data = serializer(obj, context=context).data
            label = f"{serializer.__name__} ({where}, ticket {obj.pk})"
            assert list(data) == list(properties), label
            for name, value in data.items():
                _check(value, properties[name], components, f"{label}.{name}")
                seen[name].add(value is None)
            by_drf = serializers.Serializer.to_representation(serializer(context=context), obj)
            assert data == by_drf, label
    # Every field was checked with a value, and with null exactly when the schema allows null.
    assert {name for name, nulls in seen.items() if False not in nulls} == set()
    assert {name for name, nulls in seen.items() if True in nulls} == {
        name for name, prop in properties.items() if _nullable(prop, components)
    }


def test_the_webhook_payload_carries_the_agents_output(tickets, settings):
    settings.SITE_URL, settings.ALLOWED_HOSTS = "https://help.example.com", ["help.example.com"]
    ticket = tickets[0]
    context = {"request": Request(APIRequestFactory().get("/", SERVER_NAME="help.example.com", secure=True))}
    expected = TicketOutput(selectors.ticket_for_system(ticket_id=ticket.pk), context=context).data
    assert webhooks._ticket(ticket.pk) == expected
    assert list(expected) == list(output.AGENT_FIELDS)


def test_a_messages_author_is_written_from_the_message(tickets, agent):
    """MessageOutput's `author` (AuthorOutput read from the message): a contact, an agent (named by
    email when nameless), or nobody (a system message is the agents' side, unnamed)."""
    ticket = tickets[1]
    nameless = ContactFactory(full_name="", organization=None)
    by = {
        "contact": Message.objects.create(ticket=ticket, author_contact=ticket.requester, body_text="a"),
        "nameless contact": Message.objects.create(ticket=ticket, author_contact=nameless, body_text="b"),
        "agent": Message.objects.create(ticket=ticket, author_user=agent, body_text="c"),
        "nobody": Message.objects.create(ticket=ticket, body_text="d"),
    }
    context = {"request": Request(APIRequestFactory().get("/"))}
    assert {kind: MessageOutput(message, context=context).data["author"] for kind, message in by.items()} == {
        "contact": {"type": "customer", "name": ticket.requester.full_name},
        "nameless contact": {"type": "customer", "name": nameless.email},
        "agent": {"type": "agent", "name": agent.email},  # the fixture's agent has no name
        "nobody": {"type": "agent", "name": ""},
    }
