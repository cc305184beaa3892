"""Query counts of the portal's lists stay the same for 1 and 20 rows (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Contact
from tests.factories import make_ticket
from tickets import services
from tickets.attachments.store import IncomingFile
from tickets.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _tickets(customer, agent, other_team, n, start=0):
    """Requests in every state: some referred, some solved (number 0 is both)."""
    contact = Contact.objects.get(user=customer)
    for i in range(start, start + n):
        ticket = make_ticket(requester=contact, actor=customer, subject=f"Request {i}")
        services.ticket_reply(ticket=ticket, actor=agent, body="On it")
        if i % 3 == 0:
            services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="help")
        if i % 4 == 0:
            services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)


# Portal home: the session with its user (one statement, helpdesk.session_store), contact
# (+organization), open requests, recently solved (each from the ticket table alone), what both lists
# name (one UNION ALL), the open ones' open referrals, the solved ones' ratings = 7, whatever the number
# of requests.
HOME_QUERIES = 7


@pytest.mark.parametrize("n", [1, 20])
def test_portal_home_queries_do_not_grow_with_requests(
    client, customer, agent, other_team, n, django_assert_max_num_queries
):
    _tickets(customer, agent, other_team, n)
    client.force_login(customer)
    with django_assert_max_num_queries(HOME_QUERIES):
        assert client.get("/portal/").status_code == 200


def test_portal_home_same_count_for_1_and_20(client, customer, colleague, agent, other_team):
    _tickets(customer, agent, other_team, 2)  # one open, one solved
    client.force_login(customer)
    one = _count(client, "/portal/")
    _tickets(customer, agent, other_team, 18, start=2)
    assert _count(client, "/portal/") == one


# Request page: the session with its user, contact, the ticket's row joined to its requester, organization,
# team, assignee, custom status and product (one prepared statement; no tags, which customers never
# see), open referrals, messages with their attachments and authors (one union, tickets.timeline_reads),
# follow-up links, rating = 7, whatever the messages.
TICKET_QUERIES = 7


def _conversation(customer, agent, n):
    contact = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=contact, actor=customer)
    for i in range(n):
        services.ticket_reply(
            ticket=ticket,
            actor=agent,
            body=f"Answer {i}",
            attachments=[IncomingFile(name=f"f{i}.txt", content=b"x", content_type="text/plain")],
        )
        services.ticket_reply(ticket=ticket, actor=agent, body=f"note {i}", internal=True)
    return ticket


@pytest.mark.parametrize("n", [1, 20])
def test_request_page_queries_do_not_grow_with_messages(client, customer, agent, n, django_assert_max_num_queries):
    ticket = _conversation(customer, agent, n)
    client.force_login(customer)
    with django_assert_max_num_queries(TICKET_QUERIES):
        assert client.get(f"/portal/requests/{ticket.pk}/").status_code == 200


def test_request_page_same_count_for_1_and_20_messages(client, customer, agent):
    small = _conversation(customer, agent, 1)
    big = _conversation(customer, agent, 20)
    client.force_login(customer)
    assert _count(client, f"/portal/requests/{small.pk}/") == _count(client, f"/portal/requests/{big.pk}/")


def test_organization_page_same_count_for_1_and_20(client, customer, colleague, agent, other_team):
    _tickets(colleague, agent, other_team, 1)
    client.force_login(customer)
    one = _count(client, "/portal/organization/")
    _tickets(colleague, agent, other_team, 19, start=1)
    assert _count(client, "/portal/organization/") == one


# Organization page: the session with its user, contact (+organization), the page's count, its requests
# (requester and team joined), their open referrals = 5, whatever the number of requests.
ORGANIZATION_QUERIES = 5


@pytest.mark.parametrize("n", [1, 20])
def test_organization_page_queries_do_not_grow_with_requests(
    client, customer, colleague, agent, other_team, n, django_assert_max_num_queries
):
    _tickets(colleague, agent, other_team, n)
    client.force_login(customer)
    with django_assert_max_num_queries(ORGANIZATION_QUERIES):
        assert client.get("/portal/organization/").status_code == 200
