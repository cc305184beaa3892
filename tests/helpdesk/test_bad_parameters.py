"""Parameters the pentest's fuzzer sent: each is a 400 naming the parameter, never a 500.

PostgreSQL refuses NUL in text and time-zone offsets beyond ±15:59, and a huge page number overflows
a query's OFFSET; SQLite accepts the first two silently, so these tests ask for the 400 itself.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _errors(response) -> dict:
    body = response.json()
    assert body["code"] == "invalid", body
    return body["errors"]


def test_a_nul_byte_in_the_public_kb_search_is_a_400_naming_q(client):
    response = client.get("/api/v1/kb/articles/search/", {"q": "\x00"})
    assert response.status_code == 400
    assert "q" in _errors(response)


def test_a_nul_byte_in_the_kb_category_language_is_a_400_naming_language(client):
    response = client.get("/api/v1/kb/categories/?language=%00")
    assert response.status_code == 400
    assert "language" in _errors(response)


def test_a_nul_byte_in_a_parameter_name_is_a_400_too(client):
    response = client.get("/api/v1/kb/categories/?lang%00uage=en")
    assert response.status_code == 400


def test_a_nul_byte_in_a_page_query_is_a_400(client):
    response = client.get("/kb/search/?q=a%00b")
    assert response.status_code == 400
    assert "q" in response.content.decode()


def test_a_nul_byte_in_a_posted_form_field_is_a_400(client, customer):
    from urllib.parse import urlencode

    client.force_login(customer)
    body = urlencode({"full_name": "Carla\x00", "language": "", "time_zone": ""})
    response = client.post("/profile/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "full_name" in response.content.decode()
    # A multipart form is left to the form's own fields, which refuse NUL too: nothing is stored.
    client.post("/profile/", {"full_name": "Carla\x00", "language": "", "time_zone": ""})
    customer.refresh_from_db()
    assert "\x00" not in customer.full_name


@pytest.mark.parametrize(
    "value",
    [
        "0778-12-18T02:41:59-17:48",  # the pentest's value: beyond PostgreSQL's ±15:59
        "2026-01-01T00:00:00+23:59",
        "0001-01-01T00:00:00+01:00",  # one hour before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # one hour after year 9999 in UTC
    ],
)
@pytest.mark.parametrize("parameter", ["updated_after", "created_before", "resolution_due_before"])
def test_a_date_filter_with_an_impossible_offset_is_a_400_naming_it(as_user, agent, parameter, value):
    response = as_user(agent).get("/api/v1/tickets/", {parameter: value})
    assert response.status_code == 400, response.content
    assert parameter in _errors(response)


def test_a_date_filter_with_an_ordinary_offset_still_works(as_user, agent, customer):
    from tests.factories import make_ticket
    from tests.tickets.conftest import contact_of

    ticket = make_ticket(requester=contact_of(customer))
    response = as_user(agent).get("/api/v1/tickets/", {"updated_after": "2000-01-01T10:00:00+03:30"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [ticket.pk]


@pytest.mark.parametrize("page", ["99999999999999999999999", str(2**63), "-1"])
def test_a_huge_page_number_on_the_agent_ticket_list_is_a_400_naming_page(client, agent, page):
    client.force_login(agent)
    response = client.get(reverse("agent:tickets"), {"page": page})
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_a_huge_requester_id_on_the_agent_ticket_list_is_a_400(client, agent):
    client.force_login(agent)
    response = client.get(reverse("agent:tickets"), {"requester": "9" * 30})
    assert response.status_code == 400


# Every query parameter a page reads (its filter forms, searches, pickers, pagination).
PAGE_PARAMETERS = [
    "q", "page", "view", "sort", "status", "priority", "type", "channel", "team", "assignee", "tag", "sla_state",
    "requester", "language", "start", "end", "group", "seen", "subject", "email", "contact", "mode", "next",
    "product", "impact", "category", "field", "exclude", "related", "related_q", "translation_q",
]  # fmt: skip
PAGE_VALUES = [str(2**63), "-" + "9" * 40, "0778-12-18T02:41:59-17:48", "9999-12-31T23:59:59-15:59"]


def _page_routes(ids: dict[str, int]) -> list[str]:
    """Every page's path (not the API, not the admin), each id the id of a real row of its kind (`ids`,
    by the route's parameter name; the ticket's where none is given), so its page answers."""
    import re

    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    routes = [r for r in walk(get_resolver().url_patterns) if not r.startswith(("api/", "admin/", "i18n/", "logout"))]
    filled = [
        re.sub(
            r"<int:(\w+)>",
            lambda m: str(ids.get(m.group(1), ids["ticket_id"])),
            re.sub(r"<(str|slug)?:?\w+>", "x", r),
        )
        for r in routes
    ]
    return ["/" + route for route in filled]


def _records(agent, customer) -> dict[str, int]:
    """A ticket and a row of each kind an agent page shows by id: problem, feedback item, opportunity,
    the requester's contact, an article, a macro."""
    from tests.factories import make_ticket
    from tests.knowledgebase.conftest import make_article
    from tests.tickets.conftest import contact_of
    from tickets.feedback import services as feedback_services
    from tickets.opportunities import services as opportunity_services
    from tickets.problems import services as problem_services
    from tickets.workspace.macros import macro_create

    ticket = make_ticket(requester=contact_of(customer))
    return {
        "ticket_id": ticket.pk,
        "request_id": ticket.pk,
        "contact_id": ticket.requester_id,
        "problem_id": problem_services.problem_create(actor=agent, title="Outage", tickets=[ticket]).pk,
        "item_id": feedback_services.feedback_item_create(actor=agent, title="Dark mode", tickets=[ticket]).pk,
        "opportunity_id": opportunity_services.opportunity_create(ticket=ticket, actor=agent).pk,
        "article_id": make_article(agent).pk,
        "macro_id": macro_create(actor=agent, name="Thanks", body="Thank you.").pk,
    }


@pytest.mark.slow
@pytest.mark.parametrize("persona", ["agent", "customer", None])
def test_every_page_answers_nul_bytes_extreme_offsets_and_huge_integers_without_a_server_error(
    client, request, persona
):
    customer = request.getfixturevalue("customer")
    ids = _records(request.getfixturevalue("agent"), customer)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    client.raise_request_exception = False
    tried, pages = 0, set()
    for path in _page_routes(ids):
        if client.get(path).status_code != 200:
            continue  # a page this persona cannot see, or that takes no GET
        pages.add(path)
        nul = client.get(path, {name: "x\x00" for name in PAGE_PARAMETERS})
        assert nul.status_code == 400, path
        for name in PAGE_PARAMETERS:
            for value in PAGE_VALUES:
                response = client.get(path, {name: value})
                assert response.status_code < 500, (path, name, value)
                tried += 1
    assert tried > 0
    if persona == "agent":  # the pages of each record answered, so their parameters were tried
        assert {f"/agent/problems/{ids['problem_id']}/", f"/agent/feedback/{ids['item_id']}/"} <= pages
