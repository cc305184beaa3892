"""Ticket search understands how people ask: other forms of a word (stems, English and Persian), the
knowledge base's synonym groups, stop words left out; while numbers, emails and codes stay exact.

Each case runs through both search entries (API `?q=` and the agent list) on whichever database the
suite runs on (SQLite searches search_document, PostgreSQL search_vector: the same words on both).
"""

import pytest
from django.urls import reverse

from customers import services as customer_services
from knowledgebase.models import SynonymGroup
from knowledgebase.services import synonym_group_save
from tests.factories import OrganizationFactory, make_ticket
from tickets import services
from tickets.models import Ticket
from tickets.search import STEM_MARK

pytestmark = pytest.mark.django_db


@pytest.fixture
def requester(db):
    return customer_services.contact_create(
        email="sara@example.com", full_name="Sara Ahmadi", organization=OrganizationFactory(name="Northwind")
    )


def api_ids(as_user, user, query) -> list[int]:
    response = as_user(user).get("/api/v1/tickets/", {"q": query})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def page_ids(agent_client, query) -> list[int]:
    response = agent_client.get(reverse("agent:tickets"), {"q": query})
    assert response.status_code == 200
    return [row.pk for row in response.context["page"].rows]


# (what the wanted ticket says, what an unrelated ticket says, what the agent types)
WORDS = {
    "English plural finds the singular": ("Invoice is wrong", "Printer is wrong", "invoices"),
    "English singular finds the plural": ("Both printers are offline", "Both servers are offline", "printer"),
    "English verb form": ("We refunded the order", "We shipped the order", "refunds"),
    "two words, other forms of each": ("The invoice was never refunded", "The invoice was paid", "refund invoices"),
    "stop words are left out": ("Invoice is wrong", "Printer is wrong", "where are the invoices"),
    "Persian plural (ها) finds the singular": ("فاکتور اشتباه است", "چاپگر خراب است", "فاکتورها"),
    "Persian plural with ZWNJ": ("صورتحساب ماه قبل نیامد", "چاپگر ماه قبل خراب شد", "صورتحساب\u200cها"),
    "Persian singular finds the plural": ("چاپگرهای طبقه دوم خاموش‌اند", "سرورهای طبقه دوم خاموش‌اند", "چاپگر"),
    "Persian verb with می": ("پرداخت انجام نشد", "ارسال انجام نشد", "پرداخت\u200cها"),
    "synonym (starter set)": ("I forgot my password", "I forgot my umbrella", "passcode"),
    "synonym across languages": ("گذرواژه را فراموش کردم", "چتر را فراموش کردم", "password"),
    "two-word synonym names one thing": ("I forgot my password", "I forgot my umbrella", "رمز عبور"),
    "compound written apart": ("Cannot login since Monday", "Cannot print since Monday", "log in"),
    "synonym of a compound": ("Cannot sign in since Monday", "Cannot print since Monday", "login"),
    # Persian writes a compound as one word or as two: either finds the other
    "Persian compound typed as one, written apart": ("رمز عبور من کار نمی‌کند", "چاپگر من کار نمی‌کند", "رمزعبور"),
    "Persian compound typed apart, written as one": ("وبسایت باز نمی‌شود", "برنامه باز نمی‌شود", "وب سایت"),
    "Persian compound apart after another word": ("خطای وبسایت ۵۰۰ است", "خطای برنامه ۵۰۰ است", "خطای وب سایت"),
    "synonym phrase typed apart, written as one": ("رمزعبور را فراموش کردم", "چتر را فراموش کردم", "رمز عبور"),
}


@pytest.fixture(params=list(WORDS), ids=list(WORDS))
def worded(request, requester):
    wanted_text, other_text, query = WORDS[request.param]
    wanted = make_ticket(requester=requester, subject="Wanted", body=wanted_text)
    other = make_ticket(requester=requester, subject="Other", body=other_text)
    return wanted, other, query


def test_the_api_finds_other_forms_and_synonyms_of_a_word(as_user, agent, worded):
    wanted, _other, query = worded
    assert api_ids(as_user, agent, query) == [wanted.pk]


def test_the_agent_list_finds_other_forms_and_synonyms_of_a_word(agent_client, worded):
    wanted, _other, query = worded
    assert page_ids(agent_client, query) == [wanted.pk]


@pytest.mark.parametrize(
    "text",
    [
        "رمز کارت درست است ولی مسیر عبور بسته است",  # both words, apart: not the compound
        "عبور رمز",  # both words, side by side the other way round
    ],
)
def test_a_persian_compound_does_not_match_its_parts_apart_or_in_another_order(as_user, agent, requester, text):
    make_ticket(requester=requester, subject="Other", body=text)
    wanted = make_ticket(requester=requester, subject="Wanted", body="رمز عبور کار نمی‌کند")
    assert api_ids(as_user, agent, "رمزعبور") == [wanted.pk]


def test_a_synonym_group_an_admin_adds_widens_ticket_search_at_once(as_user, agent, admin_user, requester):
    ticket = make_ticket(requester=requester, subject="Wanted", body="The dongle blinks red")
    assert api_ids(as_user, agent, "adapter") == []
    synonym_group_save(actor=admin_user, group=SynonymGroup(terms="dongle\nadapter\nآداپتور"))
    assert api_ids(as_user, agent, "adapters") == [ticket.pk]
    assert api_ids(as_user, agent, "آداپتور") == [ticket.pk]


def test_a_reply_is_found_by_other_forms_of_its_words(as_user, agent, requester):
    ticket = make_ticket(requester=requester, subject="Wanted", body="Hello")
    services.ticket_reply(ticket=ticket, actor=agent, body="Your invoices were re-sent.", internal=False)
    services.ticket_reply(ticket=ticket, actor=agent, body="فاکتورها دوباره ارسال شدند", internal=False)
    assert api_ids(as_user, agent, "invoice") == [ticket.pk]
    assert api_ids(as_user, agent, "فاکتور") == [ticket.pk]


def test_internal_notes_are_found_by_their_stems_by_agents_only(as_user, agent, requester):
    ticket = make_ticket(requester=requester, subject="Wanted", body="Hello")
    services.ticket_reply(ticket=ticket, actor=agent, body="Discounts were promised", internal=True)
    assert api_ids(as_user, agent, "discount") == [ticket.pk]
    # customers never: tests/tickets/test_search_agents.py


def test_a_changed_subject_is_found_by_other_forms_of_its_words(as_user, agent, requester):
    ticket = make_ticket(requester=requester, subject="Login", body="Hello")
    services.ticket_update(ticket=ticket, actor=agent, changes={"subject": "Refunds pending"})
    assert api_ids(as_user, agent, "refund") == [ticket.pk]


# --- exact things stay exact ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "look_alike", "query"),
    [
        ("Invoice 2026-114", "Invoices 2026-115", "invoices 2026-114"),
        ("Order A-7731 never came", "Orders A-7713 never came", "A-7731"),
        ("Crash after upgrade to v2.3.1", "Crashes after upgrades to v2.3.2", "v2.3.1"),
        ("Mail from relay.acme-corp.com bounces", "Mail from relay.acme.com bounces", "acme-corp.com"),
    ],
)
def test_numbers_and_codes_are_never_widened_by_stems(as_user, agent, requester, wanted, look_alike, query):
    ticket = make_ticket(requester=requester, subject="Wanted", body=wanted)
    make_ticket(requester=requester, subject="Other", body=look_alike)
    assert api_ids(as_user, agent, query) == [ticket.pk]


def test_a_ticket_number_email_or_phone_still_finds_exactly_one(as_user, agent, requester):
    customer_services.contact_update(contact=requester, data={"phone": "+98 912 123 4567"})
    wanted = make_ticket(requester=requester, subject="Invoices", body="Hello")
    other = customer_services.contact_create(email="omid@example.org", full_name="Omid", phone="0935 765 4321")
    look_alike = make_ticket(requester=other, subject="Invoice", body="Hello")
    for query in [f"#{wanted.pk}", str(wanted.pk), "sara@example.com", "sara@exa", "0912 123 4567", "09121234567"]:
        assert api_ids(as_user, agent, query) == [wanted.pk], query
    assert sorted(api_ids(as_user, agent, "invoice")) == [wanted.pk, look_alike.pk]


def test_stems_are_stored_marked_beside_the_words_as_written(requester):
    ticket = make_ticket(requester=requester, subject="Invoices", body="فاکتورها رسید")
    document = Ticket.objects.get(pk=ticket.pk).search_document
    assert " invoices " in document and f" {STEM_MARK}invoic " in document
    assert " فاکتورها " in document and f" {STEM_MARK}فاکتور" in document


def test_searching_by_stems_costs_no_query_more_than_searching_exactly(as_user, agent, requester):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_ticket(requester=requester, subject="Invoice 2026-114", body="Hello")
    client = as_user(agent)
    client.get("/api/v1/tickets/", {"q": "invoices"})  # the synonym groups are read once, then cached
    counts = []
    for query in ["2026-114", "invoices", "رمز عبور"]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/tickets/", {"q": query}).status_code == 200
        counts.append(len(captured))
    assert counts[1] == counts[0] and counts[2] <= counts[0]


def test_the_upgrade_adds_the_stems_of_existing_tickets(as_user, agent, requester):
    """Tickets indexed before this version (words only, no stems) are found by other forms after 0016."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    ticket = make_ticket(requester=requester, subject="Invoice 2026-114", body="چاپگرها خاموش‌اند")
    services.ticket_reply(ticket=ticket, actor=agent, body="The printers were restarted", internal=False)
    old = " invoice 2026 114 sara ahmadi sara example com چاپگرها خاموش اند خاموشاند the printers were restarted"
    Ticket.objects.filter(pk=ticket.pk).update(search_document=old, search_vector=None)
    assert api_ids(as_user, agent, "invoices") == []
    migration = importlib.import_module("tickets.migrations.0016_search_stems")
    migration.rebuild(apps, SimpleNamespace(connection=connection))  # it uses only the editor's connection
    for query in ["invoices", "2026-114", "printer", "restart", "چاپگر", "sara@example.com"]:
        assert api_ids(as_user, agent, query) == [ticket.pk], query
