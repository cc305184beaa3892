"""`/api/v1/macros/`: the macros page's rules over the API, and applying a macro as one change."""

import pytest

from tests.conftest import api_as
from tests.factories import make_ticket
from tickets.models import EventKind, Macro, Status
from tickets.workspace import macros

pytestmark = pytest.mark.django_db


@pytest.fixture
def macro(agent):
    return macros.macro_create(
        actor=agent,
        name="Thanks",
        body="Hello {{customer.first_name}}, ticket {{ticket.number}} is done.",
        status=Status.SOLVED,
        priority="high",
        add_tags=["Answered"],
    )


def test_an_agent_lists_the_macros_they_may_use_in_a_fixed_number_of_queries(
    agent, other_agent, macro, django_assert_max_num_queries
):
    for n in range(12):
        macros.macro_create(actor=agent, name=f"Mine {n}", body="x")
    hidden = macros.macro_create(actor=other_agent, name="Not shared", body="x")
    client = api_as(agent)
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/macros/").json()
    names = [m["name"] for m in page["results"]]
    assert "Thanks" in names and hidden.name not in names and page["count"] == 13
    assert page["results"][0]["can_edit"] is True


def test_an_agent_creates_changes_and_deletes_their_macro(agent):
    client = api_as(agent)
    created = client.post(
        "/api/v1/macros/",
        {"name": "Ask for logs", "body": "Please send the logs.", "add_tags": ["Logs"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["add_tags"] == ["logs"]
    changed = client.patch(f"/api/v1/macros/{pk}/", {"internal": True}, format="json")
    assert changed.status_code == 200 and changed.json()["internal"] is True
    assert changed.json()["body"] == "Please send the logs."  # what was not sent stays
    assert client.delete(f"/api/v1/macros/{pk}/").status_code == 204
    assert not Macro.objects.filter(pk=pk).exists()


def test_bad_input_is_a_400_naming_the_field(agent, other_team):
    client = api_as(agent)
    empty = client.post("/api/v1/macros/", {"name": " ", "body": "x"}, format="json")
    assert empty.status_code == 400 and "name" in str(empty.json())
    foreign = client.post(
        "/api/v1/macros/", {"name": "n", "body": "x", "shared_with_team": other_team.pk}, format="json"
    )
    assert foreign.status_code == 400 and "shared_with_team" in str(foreign.json())
    everyone = client.post("/api/v1/macros/", {"name": "n", "body": "x", "is_global": True}, format="json")
    assert everyone.status_code == 400 and "is_global" in str(everyone.json())


def test_another_agent_cannot_see_change_or_delete_a_private_macro(other_agent, macro):
    client = api_as(other_agent)
    assert client.get(f"/api/v1/macros/{macro.pk}/").status_code == 404
    assert client.patch(f"/api/v1/macros/{macro.pk}/", {"name": "Mine now"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/macros/{macro.pk}/").status_code == 404
    macro.refresh_from_db()
    assert macro.name == "Thanks"


def test_for_customers_and_anonymous_callers_the_endpoints_do_not_exist(customer, macro, ticket):
    assert api_as(customer).get("/api/v1/macros/").status_code == 404
    assert api_as(customer).post(f"/api/v1/macros/{macro.pk}/apply/", {"ticket": ticket.pk}).status_code == 404
    assert ticket.messages.count() == 1
    assert api_as(None).get("/api/v1/macros/").status_code in (401, 403)


def test_applying_a_macro_posts_the_reply_and_changes_the_ticket(agent, macro, ticket):
    response = api_as(agent).post(f"/api/v1/macros/{macro.pk}/apply/", {"ticket": ticket.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["body"].startswith(f"Hello {ticket.requester.full_name.split()[0]}, ticket {ticket.pk}")
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.priority == "high"
    assert list(ticket.tags.values_list("name", flat=True)) == ["answered"]
    assert ticket.events.filter(kind=EventKind.STATUS_CHANGED).exists()
    macro.refresh_from_db()
    assert macro.usage_count == 1


def test_applying_is_idempotent_with_a_key(agent, macro, ticket):
    client = api_as(agent)
    first = client.post(
        f"/api/v1/macros/{macro.pk}/apply/", {"ticket": ticket.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        f"/api/v1/macros/{macro.pk}/apply/", {"ticket": ticket.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert ticket.messages.count() == 2  # the customer's first message and one reply


def test_applying_to_a_missing_ticket_or_a_switched_off_macro_changes_nothing(agent, other_agent, macro, requester):
    client = api_as(agent)
    assert client.post(f"/api/v1/macros/{macro.pk}/apply/", {"ticket": 10**9}, format="json").status_code == 404
    ticket = make_ticket(requester=requester, subject="Mine")
    # Another agent's private macro is not theirs to apply.
    refused = api_as(other_agent).post(f"/api/v1/macros/{macro.pk}/apply/", {"ticket": ticket.pk}, format="json")
    assert refused.status_code == 404
    macros.macro_update(macro=macro, actor=agent, is_active=False)
    off = client.post(f"/api/v1/macros/{macro.pk}/apply/", {"ticket": ticket.pk}, format="json")
    assert off.status_code == 400 and "switched off" in str(off.json())
    assert ticket.messages.count() == 1 and ticket.status != Status.SOLVED
