"""What agents search tickets by beyond the words of the conversation, and the boundary customers keep:

- Persian verbs with a ZWNJ ("نمی‌کند"), as one word or apart are one word: «کند» ("slow") is never read
  out of «نمی‌کند», so it does not find the tickets about slowness;
- the requester's organization (and its new name after a rename, rebuilt in the background);
- internal notes, for agents only: a customer searching a word only a note holds finds nothing.

On whichever database the suite runs on (PostgreSQL here; SQLite matches the same stored words).
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from customers import services as customer_services
from knowledgebase.models import SynonymGroup
from knowledgebase.services import synonym_group_save
from tests.factories import ContactFactory, OrganizationFactory, make_ticket
from tickets import selectors, services, tasks
from tickets.models import Ticket
from tickets.search import INTERNAL_MARK, text_words

pytestmark = pytest.mark.django_db

ZWNJ = "\u200c"


def api_ids(as_user, user, query) -> list[int]:
    response = as_user(user).get("/api/v1/tickets/", {"q": query})
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def page_ids(agent_client, query) -> list[int]:
    response = agent_client.get(reverse("agent:tickets"), {"q": query})
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["page"].rows)


@pytest.fixture
def parsian(db):
    return OrganizationFactory(name="پارسیان")


@pytest.fixture
def sara(parsian):
    return customer_services.contact_create(email="sara@parsian.example", full_name="سارا احمدی", organization=parsian)


# --- 1. Persian verbs with a ZWNJ ------------------------------------------------------------------


@pytest.fixture
def verbs(sara, admin_user):
    """One ticket whose printer "does not work" (نمی‌کند), two about slowness (کند, "slow")."""
    synonym_group_save(actor=admin_user, group=SynonymGroup(terms="کند\nآهسته\nslow"))
    broken = make_ticket(requester=sara, subject="چاپگر", body=f"چاپگر کار نمی{ZWNJ}کند")
    slow = [
        make_ticket(requester=sara, subject="سامانه کند است", body="صفحه دیر باز می‌شود"),
        make_ticket(requester=sara, subject="Portal", body="The portal is slow"),
    ]
    return broken, slow


@pytest.mark.parametrize("query", [f"نمی{ZWNJ}کند", "نمیکند", "نمی کند", f"نمي{ZWNJ}كند"])
def test_a_persian_verb_is_one_word_however_the_joiner_is_typed(as_user, agent, agent_client, verbs, query):
    broken, _slow = verbs
    assert api_ids(as_user, agent, query) == [broken.pk]
    assert page_ids(agent_client, query) == [broken.pk]


def test_slowness_is_still_found_by_its_word_and_not_by_the_verb(as_user, agent, verbs):
    broken, slow = verbs
    assert api_ids(as_user, agent, "کند") == sorted(t.pk for t in slow)


def test_prefixes_and_suffixes_are_indexed_with_their_word():
    assert "کند" not in text_words(f"کار نمی{ZWNJ}کند") and "نمیکند" in text_words("کار نمی کند")
    assert "فاکتورها" in text_words(f"فاکتور{ZWNJ}ها") and "ها" not in text_words(f"فاکتور{ZWNJ}ها")
    # a compound that is not a prefix or a suffix keeps both spellings (tickets.search.compound_spellings)
    assert {"صورت", "حساب", "صورتحساب"} <= set(text_words(f"صورت{ZWNJ}حساب"))


# --- 2. Organization, requester ---------------------------------------------------------------------


@pytest.fixture
def by_company(sara):
    acme = OrganizationFactory(name="Acme")
    joe = customer_services.contact_create(email="joe@example.org", full_name="Joe Doe", organization=acme)
    return make_ticket(requester=joe, subject="Printer"), make_ticket(requester=sara, subject="Printer")


@pytest.mark.parametrize(("query", "which"), [("Acme", 0), ("acme printer", 0), ("پارسیان", 1), ("سارا", 1)])
def test_agents_find_tickets_by_the_customer_company_or_requester(
    as_user, agent, agent_client, by_company, query, which
):
    wanted = by_company[which]
    assert api_ids(as_user, agent, query) == [wanted.pk]
    assert page_ids(agent_client, query) == [wanted.pk]


def test_a_renamed_organization_is_found_by_its_new_name(as_user, agent, by_company, run_queued):
    acme_ticket = by_company[0]
    with run_queued():
        customer_services.organization_update(organization=acme_ticket.organization, data={"name": "Globex"})
    assert api_ids(as_user, agent, "Globex") == [acme_ticket.pk]
    assert api_ids(as_user, agent, "Acme") == []


def test_a_renamed_contact_is_found_by_the_new_name_and_address(as_user, agent, by_company, run_queued):
    acme_ticket = by_company[0]
    with run_queued():
        customer_services.contact_update(
            contact=acme_ticket.requester, data={"full_name": "Joanna Smith", "email": "joanna@globex.example"}
        )
    assert api_ids(as_user, agent, "Joanna") == [acme_ticket.pk]
    assert api_ids(as_user, agent, "globex") == [acme_ticket.pk]


def test_an_unchanged_name_queues_no_rebuild(by_company, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        customer_services.organization_update(organization=by_company[0].organization, data={"notes": "VIP"})
    assert queued == []


def test_the_rebuild_goes_in_batches_of_one_update(by_company, django_assert_max_num_queries):
    organization = by_company[0].organization
    Ticket.objects.update(search_document="", search_vector=None)
    with django_assert_max_num_queries(4):  # tickets, their messages, one UPDATE; then no more tickets
        done = tasks.search_names_refresh([], [organization.pk])
    assert done == 1


def test_the_company_search_costs_no_query_more_than_a_word(agent_client, by_company):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page_ids(agent_client, "printer")  # the synonym groups are read once, then cached
    counts = []
    for query in ["printer", "Acme", "پارسیان"]:
        with CaptureQueriesContext(connection) as captured:
            page_ids(agent_client, query)
        counts.append(len(captured))
    assert counts[1] == counts[0] and counts[2] == counts[0]


# --- 3. Internal notes: agents only --------------------------------------------------------------


@pytest.fixture
def noted(agent, organization, customer):
    """A ticket of the customer with a public reply and an internal note that says "chargeback 55-31"."""
    ticket = make_ticket(requester=customer.contact, subject="Invoice question", body="Hello")
    services.ticket_reply(ticket=ticket, actor=agent, body="Looking into it", internal=False)
    services.ticket_reply(ticket=ticket, actor=agent, body="Chargebacks risk, ref 55-31", internal=True)
    return ticket


@pytest.mark.parametrize("query", ["55-31", "chargeback", "chargebacks risk"])
def test_agents_find_a_ticket_by_its_internal_note(as_user, agent, agent_client, noted, query):
    assert api_ids(as_user, agent, query) == [noted.pk]
    assert page_ids(agent_client, query) == [noted.pk]


@pytest.mark.parametrize("query", ["55-31", "chargeback", "chargebacks risk", "Chargebacks"])
def test_a_customer_never_finds_a_ticket_by_a_word_only_an_internal_note_holds(as_user, customer, noted, query):
    assert api_ids(as_user, customer, query) == []
    # the portal's lists read through the same selector, with the customer's filters
    assert list(selectors.ticket_list_for(user=customer, filters={"q": query})) == []
    # what the public messages say, the customer finds
    assert api_ids(as_user, customer, "Looking") == [noted.pk]


def test_a_note_opening_a_ticket_is_found_by_agents_only(as_user, agent, customer, organization):
    ticket = make_ticket(requester=customer.contact, actor=agent, subject="Call back", body="x", internal=True)
    assert ticket.messages.get().internal
    assert api_ids(as_user, agent, "x") == [ticket.pk]
    assert api_ids(as_user, customer, "x") == []


def test_internal_words_are_stored_marked(noted):
    noted.refresh_from_db()
    assert f" {INTERNAL_MARK}chargebacks " in noted.search_document and " chargebacks " not in noted.search_document


# --- The re-index path ----------------------------------------------------------------------------


def test_the_reindex_command_rebuilds_every_ticket(as_user, agent, noted, by_company, capsys):
    Ticket.objects.update(search_document="", search_vector=None)
    assert api_ids(as_user, agent, "Acme") == []
    call_command("search_reindex", "--batch-size", "1")
    assert "3 tickets reindexed" in capsys.readouterr().out
    assert api_ids(as_user, agent, "پارسیان") == [by_company[1].pk]
    assert api_ids(as_user, agent, "55-31") == [noted.pk]


def test_the_upgrade_rebuilds_existing_tickets(as_user, agent, noted):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    Ticket.objects.update(search_document="", search_vector=None)
    migration = importlib.import_module("tickets.migrations.0047_search_notes_organizations_persian_affixes")
    migration.rebuild(apps, SimpleNamespace(connection=connection))
    assert api_ids(as_user, agent, "55-31") == [noted.pk]
    assert api_ids(as_user, agent, "Acme") == [noted.pk]


def test_contacts_of_other_organizations_do_not_leak(as_user, customer, noted):
    other = make_ticket(requester=ContactFactory(organization=OrganizationFactory(name="Initech")), subject="Hi")
    assert api_ids(as_user, customer, "Initech") == []
    assert Ticket.objects.filter(pk=other.pk).exists()
