"""Referrals, links and merge: agents only; for customers these endpoints do not exist (404)."""

import pytest

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets.models import Referral, Status, Ticket, TicketLink

pytestmark = pytest.mark.django_db

CUSTOMERS = ["customer", "colleague", "private_colleague", "other_customer"]


@pytest.fixture
def referral(acme_ticket, agent, other_team):
    from tickets import services

    return services.ticket_refer(ticket=acme_ticket, actor=agent, to_team=other_team, note="Is this billed?")


def test_agent_refers_a_ticket_and_lists_referrals(as_user, agent, other_team, acme_ticket):
    client = as_user(agent)
    url = f"/api/v1/tickets/{acme_ticket.pk}/referrals/"
    response = client.post(url, {"to_team": other_team.pk, "note": "Please check the invoice"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to_team"] == {"id": other_team.pk, "name": "Billing"} and body["state"] == "open"
    assert body["requested_by"]["id"] == agent.pk and body["handoff"] is False
    assert [row["id"] for row in client.get(url).json()] == [body["id"]]


def test_handoff_moves_the_ticket_to_the_team(as_user, agent, other_team, acme_ticket):
    response = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/referrals/",
        {"to_team": other_team.pk, "note": "Yours now", "handoff": True},
        format="json",
    )
    assert response.status_code == 201
    acme_ticket.refresh_from_db()
    assert acme_ticket.team == other_team


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"note": "x"}, "to_team"),
        ({"to_team": 99999, "note": "x"}, "to_team"),
        ({"to_team": "a", "note": "x"}, "to_team"),
    ],
)
def test_bad_referral_input_is_a_400(as_user, agent, other_team, acme_ticket, payload, field):
    response = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/referrals/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_referral_to_the_tickets_own_team_is_a_400(as_user, agent, team, acme_ticket):
    response = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/referrals/", {"to_team": team.pk, "note": "x"}, format="json"
    )
    assert response.status_code == 400 and "to_team" in response.json()["errors"]


def test_answer_then_tell_the_customer(as_user, other_agent, agent, referral):
    base = f"/api/v1/tickets/{referral.ticket_id}/referrals/{referral.pk}"
    response = as_user(other_agent).post(f"{base}/answer/", {"answer": "Yes, billed twice"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "answered" and response.json()["answered_by"]["id"] == other_agent.pk
    again = as_user(other_agent).post(f"{base}/answer/", {"answer": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    informed = as_user(agent).post(f"{base}/customer-informed/")
    assert informed.status_code == 200 and informed.json()["customer_informed_at"]


def test_customer_informed_before_an_answer_is_a_409(as_user, agent, referral):
    response = as_user(agent).post(f"/api/v1/tickets/{referral.ticket_id}/referrals/{referral.pk}/customer-informed/")
    assert response.status_code == 409


def test_cancel_a_referral(as_user, agent, referral):
    base = f"/api/v1/tickets/{referral.ticket_id}/referrals/{referral.pk}"
    response = as_user(agent).post(f"{base}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert as_user(agent).post(f"{base}/cancel/").status_code == 409


def test_empty_answer_is_a_400(as_user, agent, referral):
    response = as_user(agent).post(
        f"/api/v1/tickets/{referral.ticket_id}/referrals/{referral.pk}/answer/", {"answer": ""}, format="json"
    )
    assert response.status_code == 400 and "answer" in response.json()["errors"]


def test_a_referral_of_another_ticket_is_a_404(as_user, agent, customer, referral):
    other = make_ticket(requester=contact_of(customer), subject="Other")
    response = as_user(agent).post(f"/api/v1/tickets/{other.pk}/referrals/{referral.pk}/cancel/")
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.state == Referral.State.OPEN


@pytest.mark.parametrize("persona", CUSTOMERS)
def test_referrals_links_and_merge_do_not_exist_for_customers(request, as_user, referral, persona):
    client = as_user(request.getfixturevalue(persona))
    ticket_id = referral.ticket_id
    base = f"/api/v1/tickets/{ticket_id}"
    assert client.get(f"{base}/referrals/").status_code == 404
    assert (
        client.post(f"{base}/referrals/", {"to_team": referral.to_team_id, "note": "x"}, format="json").status_code
        == 404
    )
    for action in ("answer", "cancel", "customer-informed"):
        assert (
            client.post(f"{base}/referrals/{referral.pk}/{action}/", {"answer": "x"}, format="json").status_code == 404
        )
    assert client.get(f"{base}/links/").status_code == 404
    assert client.post(f"{base}/links/", {"other": ticket_id, "kind": "related"}, format="json").status_code == 404
    assert client.post(f"{base}/merge/", {"into": ticket_id}, format="json").status_code == 404
    referral.refresh_from_db()
    assert referral.state == Referral.State.OPEN and Referral.objects.count() == 1


def test_anonymous_gets_a_json_refusal_on_internal_endpoints(api, referral):
    base = f"/api/v1/tickets/{referral.ticket_id}"
    for url in (f"{base}/referrals/", f"{base}/links/"):
        response = api.get(url)
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert api.post(f"{base}/merge/", {"into": 1}, format="json").status_code == 401


def test_agent_links_two_tickets_and_both_show_the_link(as_user, agent, customer, acme_ticket):
    other = make_ticket(requester=contact_of(customer), subject="Related one")
    client = as_user(agent)
    response = client.post(
        f"/api/v1/tickets/{acme_ticket.pk}/links/", {"other": other.pk, "kind": "related"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["other"] == {"id": other.pk, "subject": "Related one", "status": "new"}
    from_other = client.get(f"/api/v1/tickets/{other.pk}/links/").json()
    assert [(row["kind"], row["other"]["id"]) for row in from_other] == [("related", acme_ticket.pk)]


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"other": 999999, "kind": "related"}, "other"),
        ({"other": "x", "kind": "related"}, "other"),
        ({"kind": "related"}, "other"),
        ({"other": 1, "kind": "cousin"}, "kind"),
    ],
)
def test_bad_link_input_is_a_400(as_user, agent, acme_ticket, payload, field):
    response = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/links/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_a_ticket_cannot_link_to_itself(as_user, agent, acme_ticket):
    response = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/links/", {"other": acme_ticket.pk, "kind": "related"}, format="json"
    )
    assert response.status_code == 400 and not TicketLink.objects.exists()


def test_agent_merges_a_ticket_into_another(as_user, agent, customer, acme_ticket):
    target = make_ticket(requester=contact_of(customer), subject="Keeper")
    response = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/merge/", {"into": target.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == target.pk
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == Status.CLOSED and acme_ticket.merged_into_id == target.pk
    again = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/merge/", {"into": target.pk}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "ticket_merged")  # read-only, as to any write


@pytest.mark.parametrize("into", [None, "abc", 999999, "self"])
def test_bad_merge_target_is_a_400(as_user, agent, acme_ticket, into):
    payload = {"into": acme_ticket.pk if into == "self" else into}
    response = as_user(agent).post(f"/api/v1/tickets/{acme_ticket.pk}/merge/", payload, format="json")
    assert response.status_code == 400 and "into" in response.json()["errors"]
    assert Ticket.objects.get(pk=acme_ticket.pk).merged_into_id is None
