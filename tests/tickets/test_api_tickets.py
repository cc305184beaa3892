"""`/api/v1/tickets/` and `/api/v1/tickets/{id}/` for every persona."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Contact, Product
from helpdesk.models import User
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets.models import Channel, Status, Ticket

pytestmark = pytest.mark.django_db

AGENT_FIELDS = {
    "id",
    "subject",
    "status",
    "priority",
    "type",
    "channel",
    "requester",
    "organization",
    "team",
    "assignee",
    "tags",
    "product",
    "contract",
    "sla_policy",
    "created_at",
    "updated_at",
    "first_responded_at",
    "solved_at",
    "closed_at",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "sla_state",
    "merged_into",
    "category",
    "root_cause",
    "problem",
    "custom_status",
    "url",
}
CUSTOMER_FIELDS = {
    "id",
    "subject",
    "status",
    "priority",
    "type",
    "channel",
    "requester",
    "organization",
    "team",
    "product",
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
    "custom_status",
    "url",
}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin_user", "agent", "other_agent"])
def test_agents_see_every_ticket_with_the_full_output(request, as_user, persona, acme_ticket, private_ticket):
    response = as_user(request.getfixturevalue(persona)).get("/api/v1/tickets/")
    assert set(ids(response)) == {acme_ticket.pk, private_ticket.pk}
    row = response.json()["results"][0]
    assert set(row) == AGENT_FIELDS
    assert set(row["requester"]) == {"id", "name", "email"}


def test_customer_gets_the_smaller_output_without_internals(as_user, customer, team, acme_ticket):
    response = as_user(customer).get("/api/v1/tickets/")
    assert ids(response) == [acme_ticket.pk]
    row = response.json()["results"][0]
    assert set(row) == CUSTOMER_FIELDS
    detail = as_user(customer).get(f"/api/v1/tickets/{acme_ticket.pk}/").json()
    assert set(detail) == CUSTOMER_FIELDS
    assert detail["team"]["name"] == "First line"


def test_colleague_sees_the_organizations_tickets_because_acme_shares(as_user, colleague, acme_ticket):
    assert ids(as_user(colleague).get("/api/v1/tickets/")) == [acme_ticket.pk]
    assert as_user(colleague).get(f"/api/v1/tickets/{acme_ticket.pk}/").status_code == 200


def test_private_colleague_does_not_see_a_colleagues_ticket(
    as_user, private_colleague, private_customer, private_ticket
):
    assert ids(as_user(private_colleague).get("/api/v1/tickets/")) == []
    response = as_user(private_colleague).get(f"/api/v1/tickets/{private_ticket.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ids(as_user(private_customer).get("/api/v1/tickets/")) == [private_ticket.pk]


def test_other_customer_gets_404_on_every_ticket_url_of_acme(as_user, other_customer, acme_ticket):
    client = as_user(other_customer)
    assert ids(client.get("/api/v1/tickets/")) == []
    base = f"/api/v1/tickets/{acme_ticket.pk}"
    for url in (f"{base}/", f"{base}/messages/", f"{base}/events/", f"{base}/referrals/", f"{base}/links/"):
        assert client.get(url).status_code == 404, url
    assert client.patch(f"{base}/", {"status": "solved"}, format="json").status_code == 404
    assert client.post(f"{base}/messages/", {"body": "hi"}, format="json").status_code == 404
    assert client.get(f"/api/v1/tickets/{acme_ticket.pk + 1000}/").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_gets_a_json_refusal(api, acme_ticket, method):
    for url in (
        "/api/v1/tickets/",
        f"/api/v1/tickets/{acme_ticket.pk}/",
        f"/api/v1/tickets/{acme_ticket.pk}/messages/",
    ):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"


def test_customers_never_see_merged_away_tickets(as_user, agent, customer, acme_ticket):
    target = make_ticket(requester=contact_of(customer), subject="Other")
    assert (
        as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/merge/", {"into": target.pk}, format="json").status_code
        == 200
    )
    assert ids(as_user(customer).get("/api/v1/tickets/")) == [target.pk]
    assert as_user(customer).get(f"/api/v1/tickets/{acme_ticket.pk}/").status_code == 404
    assert as_user(agent).get(f"/api/v1/tickets/{acme_ticket.pk}/").json()["merged_into"] == target.pk


# --- create -----------------------------------------------------------------------------------


def test_customer_opens_a_ticket_for_themself_on_the_api_channel(token_client, customer):
    response = token_client(customer).post(
        "/api/v1/tickets/", {"subject": "VPN down", "body": "Since 9am", "priority": "high"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CUSTOMER_FIELDS
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.requester == contact_of(customer)
    assert ticket.channel == Channel.API and ticket.priority == "high"
    assert response["Location"].endswith(f"/api/v1/tickets/{ticket.pk}/")


def test_customer_cannot_open_an_urgent_ticket_with_a_token(token_client, customer):
    response = token_client(customer).post(
        "/api/v1/tickets/", {"subject": "Everything is on fire", "body": "now", "priority": "urgent"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and "priority" in response.json()["errors"]
    assert not Ticket.objects.filter(subject="Everything is on fire").exists()


def test_customer_cannot_open_an_urgent_ticket_from_a_browser_session(client, customer):
    client.force_login(customer)
    response = client.post(
        "/api/v1/tickets/", {"subject": "On fire", "body": "x", "priority": "urgent"}, content_type="application/json"
    )
    assert response.status_code == 400 and "priority" in response.json()["errors"]


def test_the_service_refuses_urgent_from_customers_on_every_channel_but_not_from_agents(customer, agent):
    from django.core.exceptions import ValidationError

    from tickets import services

    requester = contact_of(customer)
    with pytest.raises(ValidationError) as refused:
        services.ticket_open(actor=customer, requester=requester, subject="Urgent?", body="b", priority="urgent")
    assert "priority" in refused.value.message_dict
    ticket = services.ticket_open(actor=agent, requester=requester, subject="Urgent", body="b", priority="urgent")
    assert ticket.priority == "urgent"
    capped = services.ticket_open(actor=customer, requester=requester, subject="High", body="b", priority="high")
    assert capped.priority == "high"


def test_customer_session_uses_the_portal_channel(client, customer):
    client.force_login(customer)
    response = client.post("/api/v1/tickets/", {"subject": "Hi", "body": "there"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Ticket.objects.get(pk=response.json()["id"]).channel == Channel.PORTAL


@pytest.mark.parametrize(
    "field,value", [("assignee", 1), ("team", 1), ("requester", 1), ("tags", ["x"]), ("channel", "email")]
)
def test_customer_cannot_set_agent_fields_when_opening(as_user, customer, agent, field, value):
    response = as_user(customer).post("/api/v1/tickets/", {"subject": "s", "body": "b", field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Ticket.objects.exists()


def test_agent_opens_a_ticket_for_a_new_contact_by_email(as_user, agent, team):
    response = as_user(agent).post(
        "/api/v1/tickets/",
        {
            "subject": "Phoned in",
            "body": "Caller says hi",
            "requester_email": "New.Person@Example.test",
            "requester_name": "New Person",
            "channel": "phone",
            "assignee": agent.pk,
            "team": team.pk,
            "tags": ["VIP", "phone"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requester"]["email"] == "new.person@example.test"
    assert body["requester"]["name"] == "New Person"
    assert body["channel"] == "phone" and body["assignee"]["id"] == agent.pk and body["status"] == "open"
    assert body["tags"] == ["phone", "vip"]
    assert Contact.objects.filter(email="new.person@example.test").count() == 1


def test_agent_must_name_a_requester(as_user, agent):
    response = as_user(agent).post("/api/v1/tickets/", {"subject": "s", "body": "b"}, format="json")
    assert response.status_code == 400
    assert "requester" in response.json()["errors"]


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"subject": "", "body": "b"}, "subject"),
        ({"body": "b"}, "subject"),
        ({"subject": "s", "body": ""}, "body"),
        ({"subject": "s", "body": "b", "priority": "sky-high"}, "priority"),
        ({"subject": "s", "body": "b", "type": "rant"}, "type"),
        ({"subject": "s", "body": "b", "product": 999999}, "product"),
        ({"subject": "s", "body": "b", "product": "abc"}, "product"),
    ],
)
def test_bad_ticket_input_is_a_400_per_field(as_user, customer, payload, field):
    response = as_user(customer).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]


@pytest.mark.parametrize(
    "field,value", [("requester", 999999), ("requester", "x"), ("assignee", 999999), ("team", "abc")]
)
def test_bad_ids_from_agents_are_a_400_per_field(as_user, agent, customer, field, value):
    payload = {"subject": "s", "body": "b", "requester": contact_of(customer).pk, field: value}
    response = as_user(agent).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_customer_cannot_be_assigned(as_user, agent, customer):
    payload = {"subject": "s", "body": "b", "requester": contact_of(customer).pk, "assignee": customer.pk}
    response = as_user(agent).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400 and "assignee" in response.json()["errors"]


def test_non_json_body_is_a_400(as_user, customer):
    response = as_user(customer).post("/api/v1/tickets/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_unsupported_media_type_is_json(as_user, customer):
    response = as_user(customer).post("/api/v1/tickets/", "subject=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_json_body_over_the_upload_limit_is_a_413(as_user, customer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_user(customer).post("/api/v1/tickets/", {"subject": "s", "body": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not Ticket.objects.exists()


# --- change -----------------------------------------------------------------------------------


def test_agent_changes_fields_and_status_in_one_patch(as_user, agent, other_team, acme_ticket):
    response = as_user(agent).patch(
        f"/api/v1/tickets/{acme_ticket.pk}/",
        {
            "subject": "Printer still on fire",
            "priority": "urgent",
            "team": other_team.pk,
            "tags": ["hw"],
            "status": "pending",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["subject"], body["priority"], body["team"]["id"], body["tags"], body["status"]) == (
        "Printer still on fire",
        "urgent",
        other_team.pk,
        ["hw"],
        "pending",
    )


def test_assigning_a_new_ticket_opens_it_and_unassigning_works(as_user, agent, acme_ticket):
    body = as_user(agent).patch(f"/api/v1/tickets/{acme_ticket.pk}/", {"assignee": agent.pk}, format="json").json()
    assert body["assignee"]["id"] == agent.pk and body["status"] == "open"
    body = as_user(agent).patch(f"/api/v1/tickets/{acme_ticket.pk}/", {"assignee": None}, format="json").json()
    assert body["assignee"] is None


def test_a_refused_status_leaves_the_other_changes_undone(as_user, agent, acme_ticket):
    response = as_user(agent).patch(
        f"/api/v1/tickets/{acme_ticket.pk}/", {"subject": "Changed", "status": "closed"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    acme_ticket.refresh_from_db()
    assert acme_ticket.subject == "Printer on fire"


@pytest.mark.parametrize("payload", [{"status": "bogus"}, {"assignee": "me"}, {"team": 999999}, {"priority": ""}])
def test_bad_agent_patch_is_a_400(as_user, agent, acme_ticket, payload):
    response = as_user(agent).patch(f"/api/v1/tickets/{acme_ticket.pk}/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(payload)


@pytest.mark.parametrize(
    "payload",
    [{"assignee": 1}, {"priority": "urgent"}, {"team": 1}, {"subject": "x"}, {"status": "solved", "tags": ["a"]}],
)
def test_customer_can_change_nothing_but_the_status(as_user, customer, acme_ticket, payload):
    response = as_user(customer).patch(f"/api/v1/tickets/{acme_ticket.pk}/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Customers can only change the status of a ticket."
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == Status.NEW and acme_ticket.priority == "normal"


def test_customer_marks_solved_and_reopens(as_user, customer, acme_ticket):
    url = f"/api/v1/tickets/{acme_ticket.pk}/"
    assert as_user(customer).patch(url, {"status": "solved"}, format="json").json()["status"] == "solved"
    assert as_user(customer).patch(url, {"status": "open"}, format="json").json()["status"] == "open"


def test_customer_unknown_status_is_a_400(as_user, customer, acme_ticket):
    response = as_user(customer).patch(f"/api/v1/tickets/{acme_ticket.pk}/", {"status": "bogus"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["errors"]


# --- filters, ordering, pagination, search ----------------------------------------------------


@pytest.fixture
def spread(agent, other_agent, customer, other_customer, team, other_team):
    """Four tickets that differ in every filterable way."""
    now = timezone.now()
    acme, globex = contact_of(customer), contact_of(other_customer)
    a = make_ticket(requester=acme, subject="Alpha", priority="low", team=team, tags=["billing"])
    b = make_ticket(
        requester=acme, subject="Bravo", priority="urgent", type="incident", assignee=agent, channel="email"
    )
    c = make_ticket(requester=globex, subject="Charlie", priority="high", team=other_team, assignee=other_agent)
    d = make_ticket(requester=globex, subject="Delta", priority="normal", tags=["Billing", "vip"])
    for i, ticket in enumerate([a, b, c, d]):
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=now - timedelta(days=10 - i),
            updated_at=now - timedelta(hours=10 - i),
            resolution_due_at=None if ticket is c else now + timedelta(hours=i),
            sla_state="breached" if ticket is a else "ok",
        )
    return a, b, c, d


@pytest.mark.parametrize(
    "query,expected",
    [
        ("status=open", "bc"),
        ("status=new,open", "abcd"),
        ("status=new&status=pending", "ad"),
        ("priority=urgent,high", "bc"),
        ("type=incident", "b"),
        ("channel=email", "b"),
        ("assignee=none", "ad"),
        ("tag=billing", "ad"),
        ("tag=VIP", "d"),
        ("sla_state=breached", "a"),
        ("q=charlie", "c"),
        ("q=alph", "a"),
    ],
)
def test_filters(as_user, agent, spread, query, expected):
    by_letter = dict(zip("abcd", spread, strict=True))
    response = as_user(agent).get(f"/api/v1/tickets/?{query}")
    assert set(ids(response)) == {by_letter[letter].pk for letter in expected}


def test_filters_by_ids_and_dates(as_user, agent, other_agent, team, other_customer, spread):
    a, b, c, d = spread
    client = as_user(agent)
    assert set(ids(client.get(f"/api/v1/tickets/?assignee={agent.pk}"))) == {b.pk}
    assert set(ids(client.get("/api/v1/tickets/?assignee=me"))) == {b.pk}
    assert set(ids(client.get(f"/api/v1/tickets/?team={c.team_id}"))) == {c.pk}
    assert set(ids(client.get(f"/api/v1/tickets/?requester={c.requester_id}"))) == {c.pk, d.pk}
    assert set(ids(client.get(f"/api/v1/tickets/?organization={a.organization_id}"))) == {a.pk, b.pk}
    cut = (timezone.now() - timedelta(days=8, hours=12)).isoformat()
    assert set(ids(client.get("/api/v1/tickets/", {"created_after": cut}))) == {c.pk, d.pk}
    assert set(ids(client.get("/api/v1/tickets/", {"created_before": cut}))) == {a.pk, b.pk}
    due = (timezone.now() + timedelta(hours=1, minutes=30)).isoformat()
    assert set(ids(client.get("/api/v1/tickets/", {"resolution_due_before": due}))) == {a.pk, b.pk}
    updated = (timezone.now() - timedelta(hours=8, minutes=30)).isoformat()
    assert set(ids(client.get("/api/v1/tickets/", {"updated_after": updated}))) == {c.pk, d.pk}


@pytest.mark.parametrize(
    "query,field",
    [
        ("status=bogus", "status"),
        ("assignee=someone", "assignee"),
        ("team=abc", "team"),
        ("created_after=yesterday", "created_after"),
        ("ordering=subject", "ordering"),
        ("cursor=garbage", "cursor"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(as_user, agent, query, field):
    response = as_user(agent).get(f"/api/v1/tickets/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_customers_cannot_filter_or_order_by_internal_fields(as_user, customer, spread):
    a, b, _c, _d = spread
    client = as_user(customer)
    # Internal filters are not offered to customers: they are ignored, so they reveal nothing.
    assert set(ids(client.get("/api/v1/tickets/?assignee=none"))) == {a.pk, b.pk}
    assert set(ids(client.get("/api/v1/tickets/?sla_state=breached"))) == {a.pk, b.pk}
    assert client.get("/api/v1/tickets/?ordering=resolution_due_at").status_code == 400


@pytest.mark.parametrize(
    "ordering,expected",
    [
        ("", "dcba"),
        ("-updated_at", "dcba"),
        ("updated_at", "abcd"),
        ("created_at", "abcd"),
        ("-created_at", "dcba"),
        ("priority", "adcb"),
        ("-priority", "bcda"),
        ("resolution_due_at", "abdc"),  # no due date last, either way
        ("-resolution_due_at", "dbac"),
        ("id", "abcd"),
        ("-id", "dcba"),
    ],
)
def test_ordering_pages_through_every_row_exactly_once(as_user, agent, spread, ordering, expected):
    by_letter = dict(zip("abcd", spread, strict=True))
    want = [by_letter[letter].pk for letter in expected]
    client = as_user(agent)
    seen: list[int] = []
    url = f"/api/v1/tickets/?page_size=1&ordering={ordering}"
    pages = []
    while url:
        body = client.get(url).json()
        pages.append(body)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == want
    # and back again through the `previous` links
    back: list[int] = []
    url = pages[-1]["previous"]
    while url:
        body = client.get(url).json()
        back = [row["id"] for row in body["results"]] + back
        url = body["previous"]
    assert back == want[:-1]


def test_equal_sort_values_are_paged_by_id(as_user, agent, customer):
    now = timezone.now()
    tickets = [make_ticket(requester=contact_of(customer), subject=f"T{i}") for i in range(5)]
    Ticket.objects.update(updated_at=now)
    client = as_user(agent)
    seen: list[int] = []
    url = "/api/v1/tickets/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted((t.pk for t in tickets), reverse=True)


@pytest.mark.parametrize(
    "stored,query",
    [
        ("مشكل در كيبورد", "مشکل کیبورد"),  # typed on an Arabic keyboard, searched in Persian
        ("مشکل در کیبورد", "مشكل كيبورد"),  # and the reverse
    ],
)
def test_search_treats_arabic_and_persian_letters_alike(as_user, agent, customer, stored, query):
    wanted = make_ticket(requester=contact_of(customer), subject=stored, body="...")
    make_ticket(requester=contact_of(customer), subject="Something else", body="nothing")
    assert ids(as_user(agent).get("/api/v1/tickets/", {"q": query})) == [wanted.pk]


def test_search_finds_words_of_the_conversation_and_the_number(as_user, agent, customer):
    wanted = make_ticket(requester=contact_of(customer), subject="Printer", body="پرينتر روشن نمی‌شود")
    make_ticket(requester=contact_of(customer), subject="Other", body="nothing")
    client = as_user(agent)
    assert ids(client.get("/api/v1/tickets/", {"q": "پرینتر"})) == [wanted.pk]
    assert ids(client.get("/api/v1/tickets/", {"q": f"#{wanted.pk}"})) == [wanted.pk]


def test_customer_search_stays_within_their_tickets(as_user, customer, other_customer):
    make_ticket(requester=contact_of(other_customer), subject="Secret Globex plans")
    assert ids(as_user(customer).get("/api/v1/tickets/", {"q": "globex"})) == []


# --- list rows --------------------------------------------------------------------------------


def test_list_rows_are_the_detail_output_of_each_ticket(client, as_user, agent, customer, other_team):
    """The list reads related rows its own way (selectors.ticket_rows); it must show what the detail shows."""
    requester = contact_of(customer)
    loner = Contact.objects.create(email="loner@example.com")  # no organization, no name
    product = Product.objects.create(name="Backup Pro")
    make_ticket(requester=requester, subject="Plain")
    make_ticket(requester=requester, subject="Tagged", tags=["vip", "billing"], product=product, team=other_team)
    make_ticket(requester=requester, subject="Assigned", assignee=agent, priority="urgent")
    make_ticket(requester=loner, subject="No organization", actor=agent)
    agent.time_zone = "Asia/Tehran"  # a browser session in a non-UTC zone: list and detail write times alike
    agent.save(update_fields=["time_zone"])
    client.force_login(agent)
    for api, expected_count in [(client, 4), (as_user(agent), 4), (as_user(User.objects.get(pk=customer.pk)), 3)]:
        rows = api.get("/api/v1/tickets/?page_size=50").json()["results"]
        assert len(rows) == expected_count
        for row in rows:
            detail = api.get(row["url"]).json()
            detail.pop("satisfaction", None)  # the agent's detail adds the ticket's satisfaction (rating, survey)
            assert row == detail, row["subject"]
    tagged = next(row for row in client.get("/api/v1/tickets/").json()["results"] if row["subject"] == "Tagged")
    assert tagged["tags"] == ["billing", "vip"] and tagged["product"]["name"] == "Backup Pro"
    assert tagged["created_at"].endswith("+03:30")


# --- query counts -----------------------------------------------------------------------------


def _tickets(requester, count):
    for i in range(count):
        make_ticket(requester=requester, subject=f"Ticket {i}", tags=["a", "b"], priority="high")


@pytest.mark.parametrize("count", [1, 50])
def test_agent_ticket_list_runs_the_same_queries_for_1_and_50_rows(
    as_user, agent, customer, count, django_assert_num_queries
):
    _tickets(contact_of(customer), count)
    client = as_user(agent)
    # 1. the page of tickets (one table)
    # 2. their requesters, organizations, teams, assignees, products and tags (selectors.ticket_rows)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/tickets/?page_size=50")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_customer_ticket_list_runs_the_same_queries_for_1_and_50_rows(
    as_user, customer, count, django_assert_num_queries
):
    _tickets(contact_of(customer), count)
    client = as_user(User.objects.get(pk=customer.pk))  # a fresh user, as each real request loads
    # 1. the customer's contact  2. its organization (does it share?)  (tickets.selectors)
    # 3. the page of tickets  4. their requesters, organizations, teams and products (selectors.ticket_rows)
    with django_assert_num_queries(4):
        response = client.get("/api/v1/tickets/?page_size=50")
    assert len(response.json()["results"]) == count


def test_ticket_list_with_many_rows_stays_under_the_bound(as_user, agent, customer, django_assert_max_num_queries):
    _tickets(contact_of(customer), 60)
    with django_assert_max_num_queries(2):
        body = as_user(agent).get("/api/v1/tickets/").json()
    assert len(body["results"]) == 50 and body["next"]
