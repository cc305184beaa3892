"""Ticket search finds what agents type: emails, numbers, phones, URLs, versions, Persian words.

Every kind runs through both search entries (API `?q=` and the agent list), on whichever database the
suite runs on (SQLite and PostgreSQL: the same tokens are indexed and queried on both).
"""

import pytest
from django.urls import reverse

from customers import services as customer_services
from tests.factories import OrganizationFactory, make_ticket
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def requesters(db):
    """The requester agents look for, and another contact whose tickets look alike but must not match."""
    northwind = OrganizationFactory(name="Northwind")
    wanted = customer_services.contact_create(
        email="customer@example.com", full_name="Sara Ahmadi", phone="+98 912 123 4567", organization=northwind
    )
    other = customer_services.contact_create(
        email="customer@example.org", full_name="Omid Karimi", phone="0935 765 4321", organization=northwind
    )
    return wanted, other


# (what the wanted ticket says, what the look-alike says, what the agent types)
KINDS = {
    "email": ({}, {}, "customer@example.com"),
    "email in upper case": ({}, {}, "Customer@Example.COM"),
    "start of an email": ({}, {}, "customer@example.c"),
    "ticket number with #": ({}, {}, "#{pk}"),
    "ticket number": ({}, {}, "{pk}"),
    "invoice number": ({"subject": "Invoice 2026-114"}, {"subject": "Invoice 2026-115"}, "2026-114"),
    "invoice word and number": ({"subject": "Invoice 2026-114"}, {"subject": "Invoice 2026-115"}, "Invoice 2026-114"),
    "number with slashes in the body": (
        {"body": "Our reference is INV/2026/114, thanks."},
        {"body": "Our reference is INV/2026/141, thanks."},
        "INV/2026/114",
    ),
    "order number with letters": ({"body": "Order #A-7731 never came"}, {"body": "Order #A-7713"}, "A-7731"),
    "phone written in the body, searched without spaces": (
        {"body": "Please call me back on 0912 555 0101."},
        {"body": "Please call me back on 0912 555 0199."},
        "09125550101",
    ),
    "phone written in the body, searched in Persian digits with dashes": (
        {"body": "Please call me back on 0912 555 0101."},
        {"body": "Please call me back on 0912 555 0199."},
        "۰۹۱۲-۵۵۵-۰۱۰۱",
    ),
    "phone of the requester, national form": ({}, {}, "0912 123 4567"),
    "phone of the requester, Arabic digits": ({}, {}, "٠٩١٢١٢٣٤٥٦٧"),
    "URL": (
        {"body": "It fails at https://status.example.com/incidents/42?ref=mail today"},
        {"body": "It fails at https://status.example.com/incidents/43?ref=mail today"},
        "https://status.example.com/incidents/42",
    ),
    "host name": (
        {"body": "Mail from relay.acme-corp.com bounces"},
        {"body": "Mail from relay.acme.com"},
        "acme-corp.com",
    ),
    "version": ({"subject": "Crash after upgrade to v2.3.1"}, {"subject": "Crash after upgrade to v2.3.2"}, "v2.3.1"),
    "word with underscores": (
        {"body": "The setting mail_relay_host is empty"},
        {"body": "The setting mail_relay_port is empty"},
        "mail_relay_host",
    ),
    "Persian word typed with ZWNJ, stored without": (
        {"body": "من این فاکتور را نمیخواهم"},
        {"body": "من این فاکتور را میخواهم"},
        "نمی\u200cخواهم",
    ),
    "Persian word typed without ZWNJ, stored with": (
        {"body": "من این فاکتور را نمی\u200cخواهم"},
        {"body": "من این فاکتور را می\u200cخواهم"},
        "نمیخواهم",
    ),
    "Persian word on an Arabic keyboard": ({"subject": "مشكل در كيبورد"}, {"subject": "مشکل در ماوس"}, "کیبورد"),
}


@pytest.fixture(params=list(KINDS), ids=list(KINDS))
def searched(request, requesters, agent):
    """(the wanted ticket, its look-alike, the query) for one kind of search."""
    wanted_fields, other_fields, query = KINDS[request.param]
    mine, theirs = requesters
    wanted = make_ticket(requester=mine, **{"subject": "Wanted", "body": "Hello", **wanted_fields})
    services.ticket_reply(ticket=wanted, actor=agent, body="We are on it.", internal=False)
    other = make_ticket(requester=theirs, **{"subject": "Look-alike", "body": "Hello", **other_fields})
    return wanted, other, query.format(pk=wanted.pk)


def test_the_api_search_finds_each_kind_and_not_its_look_alike(as_user, agent, searched):
    wanted, _other, query = searched
    response = as_user(agent).get("/api/v1/tickets/", {"q": query})
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_the_agent_list_finds_each_kind_and_not_its_look_alike(agent_client, searched):
    wanted, _other, query = searched
    response = agent_client.get(reverse("agent:tickets"), {"q": query})
    assert response.status_code == 200
    assert [row.pk for row in response.context["page"].rows] == [wanted.pk]


def test_a_reply_is_searchable_as_soon_as_it_is_sent(as_user, agent, requesters):
    ticket = make_ticket(requester=requesters[0], subject="Login")
    services.ticket_reply(ticket=ticket, actor=agent, body="Fixed in build 7.4.0-rc2", internal=False)
    assert [row["id"] for row in as_user(agent).get("/api/v1/tickets/", {"q": "7.4.0-rc2"}).json()["results"]] == [
        ticket.pk
    ]


def test_internal_notes_are_searchable_by_agents_only(as_user, agent, requesters):
    ticket = make_ticket(requester=requesters[0], subject="Login")
    services.ticket_reply(ticket=ticket, actor=agent, body="secret-code 99-77-11", internal=True)
    assert [row["id"] for row in as_user(agent).get("/api/v1/tickets/", {"q": "99-77-11"}).json()["results"]] == [
        ticket.pk
    ]
    # customers never: tests/tickets/test_search_agents.py


def test_a_changed_subject_is_searchable(as_user, agent, requesters):
    ticket = make_ticket(requester=requesters[0], subject="Login")
    services.ticket_update(ticket=ticket, actor=agent, changes={"subject": "Refund RF-2026-0042"})
    assert [row["id"] for row in as_user(agent).get("/api/v1/tickets/", {"q": "RF-2026-0042"}).json()["results"]] == [
        ticket.pk
    ]


@pytest.mark.parametrize("query", ["#", "--", "@", "   ", "'", "a & b | !c", "\\", "x:*", "<->"])
def test_punctuation_alone_or_tsquery_syntax_is_never_an_error(as_user, agent, requesters, query):
    make_ticket(requester=requesters[0], subject="Anything")
    assert as_user(agent).get("/api/v1/tickets/", {"q": query}).status_code == 200


# --- the permission boundary --------------------------------------------------------------------


def test_a_customer_never_finds_another_organizations_ticket_by_email_number_or_phone(
    as_user, customer, other_customer, requesters
):
    globex = Ticket.objects.get(
        pk=make_ticket(requester=requesters[0], subject="Invoice 2026-114", body="call 0912 555 0101").pk
    )
    mine = make_ticket(requester=customer.contact, subject="My own")
    client = as_user(customer)
    for query in ["customer@example.com", "customer@", f"#{globex.pk}", str(globex.pk), "2026-114", "09121234567"]:
        assert [row["id"] for row in client.get("/api/v1/tickets/", {"q": query}).json()["results"]] == [], query
    assert [row["id"] for row in client.get("/api/v1/tickets/", {"q": f"#{mine.pk}"}).json()["results"]] == [mine.pk]
    assert [row["id"] for row in client.get("/api/v1/tickets/", {"q": "carla@acme.test"}).json()["results"]] == [
        mine.pk
    ]


# --- what is indexed --------------------------------------------------------------------------


def test_words_are_indexed_as_their_parts_with_phone_keys_and_closed_zwnj_words():
    from helpdesk.text import search_tokens

    assert search_tokens("Invoice 2026-114, customer@Example.com") == [
        "invoice",
        "2026",
        "114",
        "customer",
        "example",
        "com",
        "2026114",
    ]
    assert search_tokens("call +98 (912) 123-4567") == [
        "call",
        "98",
        "912",
        "123",
        "4567",
        "989121234567",
        "9121234567",
    ]
    assert search_tokens("نمی\u200cخواهم") == ["نمی", "خواهم", "نمیخواهم"]


def test_the_upgrade_rebuilds_the_words_of_existing_tickets(as_user, agent, requesters):
    """Tickets indexed before this version (PostgreSQL's parser, old document) are found after the migration."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    ticket = make_ticket(requester=requesters[0], subject="Invoice 2026-114", body="see v2.3.1")
    Ticket.objects.filter(pk=ticket.pk).update(search_document="invoice 2026-114 see v2.3.1", search_vector=None)
    assert as_user(agent).get("/api/v1/tickets/", {"q": "2026-114"}).json()["results"] == []
    migration = importlib.import_module("tickets.migrations.0011_search_tokens")
    migration.rebuild(apps, SimpleNamespace(connection=connection))  # it uses only the editor's connection
    for query in ["2026-114", "v2.3.1", "customer@example.com"]:
        assert [row["id"] for row in as_user(agent).get("/api/v1/tickets/", {"q": query}).json()["results"]] == [
            ticket.pk
        ], query
