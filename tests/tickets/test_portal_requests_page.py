"""/portal/requests/: every request the customer may see (the API's visibility), paginated, newest
activity first, by status and words; never another customer's; the same queries whatever the page size."""

import re

import pytest

from customers.models import Contact
from tests.factories import make_ticket
from tickets import services
from tickets.models import Status
from tickets.portal import home, lists

pytestmark = pytest.mark.django_db


def _requests(user, agent, n, *, solved=True, prefix="Request"):
    contact = Contact.objects.get(user=user)
    tickets = []
    for i in range(n):
        ticket = make_ticket(requester=contact, actor=user, subject=f"{prefix} {i:02d}")
        if solved:
            services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
        tickets.append(ticket)
    return tickets


def _subjects(html: str) -> list[str]:
    return re.findall(r'class="prow-subject" dir="auto">([^<]*)<', html)


def _all_pages(client, query=""):
    subjects, page = [], 1
    while True:
        html = client.get(f"/portal/requests/?{query}page={page}").content.decode()
        subjects += _subjects(html)
        if "Older</a>" not in html:
            return subjects
        page += 1


def test_every_solved_request_is_reachable_beyond_the_home_page(client, private_customer, agent, monkeypatch):
    """The QA case: 12 solved requests; the home shows 10, and links to all of them."""
    monkeypatch.setattr(lists, "REQUESTS_PAGE_SIZE", 5)
    _requests(private_customer, agent, 12)
    client.force_login(private_customer)
    portal = client.get("/portal/").content.decode()
    assert len(_subjects(portal)) == home.HOME_SOLVED_LIMIT
    assert 'href="/portal/requests/"' in portal and "All requests" in portal
    subjects = _all_pages(client, "status=solved&")
    assert subjects == [f"Request {i:02d}" for i in reversed(range(12))]  # newest activity first


def test_the_home_links_to_all_requests_only_when_there_are_more(client, private_customer, agent):
    _requests(private_customer, agent, 2)
    client.force_login(private_customer)
    portal = client.get("/portal/").content.decode()
    assert 'class="button" href="/portal/requests/"' not in portal
    assert 'href="/portal/requests/"' in portal  # the nav's link stays


def test_open_requests_are_not_capped(client, private_customer, agent, monkeypatch):
    monkeypatch.setattr(home, "HOME_OPEN_LIMIT", 3)
    monkeypatch.setattr(lists, "REQUESTS_PAGE_SIZE", 2)
    _requests(private_customer, agent, 5, solved=False, prefix="Open")
    client.force_login(private_customer)
    portal = client.get("/portal/").content.decode()
    assert len(_subjects(portal)) == 3 and "All requests</a></p>" in portal
    assert sorted(_all_pages(client, "status=open&")) == [f"Open {i:02d}" for i in range(5)]


def test_the_status_filter_and_the_search(client, private_customer, agent):
    _requests(private_customer, agent, 2, prefix="Printer")
    _requests(private_customer, agent, 1, solved=False, prefix="Scanner")
    client.force_login(private_customer)
    everything = _subjects(client.get("/portal/requests/").content.decode())
    assert sorted(everything) == ["Printer 00", "Printer 01", "Scanner 00"]
    assert _subjects(client.get("/portal/requests/?status=open").content.decode()) == ["Scanner 00"]
    assert sorted(_subjects(client.get("/portal/requests/?status=solved").content.decode())) == [
        "Printer 00",
        "Printer 01",
    ]
    found = client.get("/portal/requests/?q=scanner").content.decode()
    assert _subjects(found) == ["Scanner 00"]
    assert _subjects(client.get("/portal/requests/?q=scanner&status=solved").content.decode()) == []
    assert client.get("/portal/requests/?status=bogus&page=99").status_code == 200


def test_another_customers_requests_are_never_listed(
    client, private_customer, private_colleague, other_customer, agent
):
    """Neither someone of another organization nor a colleague of one that does not share, whatever is asked."""
    _requests(private_customer, agent, 1, prefix="Mine")
    theirs = _requests(other_customer, agent, 1, prefix="Globex secret")[0]
    _requests(private_colleague, agent, 1, solved=False, prefix="Colleague private")
    client.force_login(private_customer)
    for query in ("", "?status=all", "?status=open", "?q=secret", f"?q=%23{theirs.pk}", "?q=Colleague"):
        html = client.get(f"/portal/requests/{query}").content.decode()
        assert "Globex secret" not in html and "Colleague private" not in html, query


def test_a_sharing_organizations_requests_are_listed_with_their_requester(client, customer, colleague, agent):
    _requests(colleague, agent, 1, solved=False, prefix="Colleague shared")
    client.force_login(customer)
    html = client.get("/portal/requests/").content.decode()
    assert _subjects(html) == ["Colleague shared 00"]
    assert "bob@acme.test" in html or str(Contact.objects.get(user=colleague)) in html


def test_persian_digits_and_jalali_dates(client, private_customer, agent):
    ticket = _requests(private_customer, agent, 1)[0]
    private_customer.language = "fa"
    private_customer.save(update_fields=["language"])
    client.force_login(private_customer)
    html = client.get("/portal/requests/").content.decode()
    digits = str(ticket.pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"#{digits}" in html
    assert "۱۴۰" in html  # a Jalali year (14xx), in Persian digits


# The session with its user, the contact (+organization), the page's count, its rows (requester, team,
# custom status joined), their open referrals, the solved ones' ratings = 6, whatever the page size.
REQUESTS_QUERIES = 6


@pytest.mark.parametrize("n", [1, 25])
def test_the_page_runs_the_same_queries_whatever_its_size(
    client, private_customer, agent, other_team, n, django_assert_max_num_queries
):
    for i, ticket in enumerate(_requests(private_customer, agent, n, solved=False)):
        if i % 2:
            services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="help")
        else:
            services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    client.force_login(private_customer)
    with django_assert_max_num_queries(REQUESTS_QUERIES):
        html = client.get("/portal/requests/").content.decode()
    assert len(_subjects(html)) == n


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/portal/requests/")
    assert response.status_code == 302 and "/login/" in response["Location"]
