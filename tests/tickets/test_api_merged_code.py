"""Every API call that changes a merged ticket answers 400 with code `ticket_merged` (the service's
code, kept by helpdesk.exceptions.api_exception_handler) and the message naming where it went."""

import pytest

from tickets.models import Referral, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _calls(source, target, agent, other_team, third):
    """(method, path, body) of each write, by name."""
    base = f"/api/v1/tickets/{source.pk}"
    referral = Referral.objects.create(ticket=source, to_team=other_team, requested_by=agent, note="?")
    return {
        "reply": ("post", f"{base}/messages/", {"body": "Hello"}),
        "note": ("post", f"{base}/messages/", {"body": "Psst", "internal": True}),
        "reopen": ("patch", f"{base}/", {"status": Status.OPEN}),
        "assign": ("patch", f"{base}/", {"assignee": agent.pk}),
        "priority": ("patch", f"{base}/", {"priority": "high"}),
        "merge again": ("post", f"{base}/merge/", {"into": third.pk}),
        "spam": ("post", f"{base}/spam/", {}),
        "refer": ("post", f"{base}/referrals/", {"to_team": other_team.pk, "note": "Billing?"}),
        "answer referral": ("post", f"{base}/referrals/{referral.pk}/answer/", {"answer": "42"}),
        "link": ("post", f"{base}/links/", {"other": third.pk, "kind": "related"}),
    }


WRITES = ["reply", "note", "reopen", "assign", "priority", "merge again", "spam", "refer", "answer referral", "link"]


@pytest.mark.parametrize("write", WRITES)
def test_an_api_write_to_a_merged_ticket_is_a_400_with_code_ticket_merged(
    as_user, agent, other_team, make, merged, write
):
    source, target = merged
    third = make(subject="Elsewhere")
    method, path, body = _calls(source, target, agent, other_team, third)[write]
    events = TicketEvent.objects.filter(ticket=source).count()

    response = getattr(as_user(agent), method)(path, body, format="json")

    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "ticket_merged", answer
    assert answer["detail"].startswith(f"Ticket #{source.pk} was merged into #{target.pk}")
    source.refresh_from_db()
    assert (source.status, source.merged_into_id, source.assignee_id) == (Status.CLOSED, target.pk, None)
    assert TicketEvent.objects.filter(ticket=source).count() == events


def test_merging_a_live_ticket_into_a_merged_one_is_a_400_ticket_merged_naming_the_survivor(
    as_user, agent, make, merged
):
    source, target = merged
    live = make(subject="Live")
    response = as_user(agent).post(f"/api/v1/tickets/{live.pk}/merge/", {"into": source.pk}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "ticket_merged")
    assert f"continue on #{target.pk}" in response.json()["detail"]
    live.refresh_from_db()
    assert (live.merged_into_id, live.status) == (None, Status.NEW)


def test_merging_a_closed_ticket_is_still_a_409_invalid_transition(as_user, agent, make):
    closed, target = make(subject="Done"), make(subject="Keeper")
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    response = as_user(agent).post(f"/api/v1/tickets/{closed.pk}/merge/", {"into": target.pk}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


def test_the_merged_message_is_persian_in_fa_with_the_same_code(as_user, agent, merged):
    source, target = merged
    response = as_user(agent).post(
        f"/api/v1/tickets/{source.pk}/messages/", {"body": "Hello"}, format="json", HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert (response.status_code, response.json()["code"]) == (400, "ticket_merged")
    assert "ادغام" in response.json()["detail"]
