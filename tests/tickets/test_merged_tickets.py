"""A merged ticket is closed and read-only on every channel (tickets.transitions.merged_check)."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.feedback import services as feedback_services
from tickets.models import Message, Referral, Status, Ticket, TicketEvent
from tickets.opportunities import services as opportunity_services
from tickets.timetrack import services as time_services
from tickets.transitions import TicketMerged

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def merged(make, agent):
    """(source, target): the source merged into the target, both the customer persona's."""
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    services.ticket_merge(source=source, target=target, actor=agent)
    source.refresh_from_db()
    return source, target


def _refused(exc_info, source, target) -> None:
    assert exc_info.value.code == "ticket_merged"
    assert f"Ticket #{source.pk} was merged into #{target.pk}" in exc_info.value.messages[0]


def _events_of(ticket) -> list[int]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))


# --- the service rule: every write refused -----------------------------------------------------


WRITES = {
    "reply": lambda t, agent, other: services.ticket_reply(ticket=t, actor=agent, body="Hello"),
    "note": lambda t, agent, other: services.ticket_reply(ticket=t, actor=agent, body="Psst", internal=True),
    "reopen": lambda t, agent, other: services.ticket_change_status(ticket=t, actor=agent, status=Status.OPEN),
    "fields": lambda t, agent, other: services.ticket_edit(ticket=t, actor=agent, changes={"priority": "high"}),
    "tags": lambda t, agent, other: services.ticket_update(ticket=t, actor=agent, changes={}, tags=["vip"]),
    "refer": lambda t, agent, other: services.ticket_refer(ticket=t, actor=agent, to_team=other, note="?"),
    "link from": lambda t, agent, other: services.ticket_link(
        ticket=t, other=t.merged_into, kind="related", actor=agent
    ),
    "link to": lambda t, agent, other: services.ticket_link(ticket=t.merged_into, other=t, kind="related", actor=agent),
    "time": lambda t, agent, other: time_services.time_entry_log(
        ticket=t, actor=agent, time=time_services.TimeSpent(minutes=5)
    ),
    "opportunity": lambda t, agent, other: opportunity_services.opportunity_create(ticket=t, actor=agent),
    "feedback": lambda t, agent, other: feedback_services.feedback_item_create(actor=agent, title="Dark", tickets=[t]),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_a_merged_ticket_is_refused_with_a_clear_message(merged, agent, other_team, write):
    source, target = merged
    before = _events_of(source)
    with pytest.raises(TicketMerged) as exc_info:
        WRITES[write](source, agent, other_team)
    _refused(exc_info, source, target)
    source.refresh_from_db()
    assert (source.status, source.priority, _events_of(source)) == (Status.CLOSED, "normal", before)
    assert not source.tags.exists() and not source.messages.exists()


def test_a_referral_left_on_a_merged_ticket_cannot_be_answered_there(merged, agent, other_team):
    source, target = merged
    referral = Referral.objects.create(ticket=source, to_team=other_team, requested_by=agent, note="?")
    with pytest.raises(TicketMerged):
        services.referral_answer(referral=referral, actor=agent, answer="42")
    with pytest.raises(TicketMerged):
        services.referral_cancel(referral=referral, actor=agent)
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.OPEN


# --- the agent's pages and bulk actions, the API -------------------------------------------------


def test_an_agent_reply_posted_to_a_merged_ticket_is_a_form_error_not_a_500(agent_client, merged):
    source, target = merged
    response = agent_client.post(reverse("agent:ticket-reply", args=[source.pk]), {"kind": "reply", "body": "Hi"})
    assert response.status_code == 400
    assert f"was merged into #{target.pk}" in response.content.decode()
    assert not Message.objects.filter(body_text="Hi").exists()


def test_agent_properties_posted_to_a_merged_ticket_are_refused_with_the_message(agent_client, merged):
    source, target = merged
    data = {"status": "closed", "priority": "urgent", "type": source.type, "team": source.team_id, "tags": "vip"}
    response = agent_client.post(reverse("agent:ticket-properties", args=[source.pk]), data, **HTMX)
    assert response.status_code == 200 and f"was merged into #{target.pk}" in response.content.decode()
    response = agent_client.post(reverse("agent:ticket-properties", args=[source.pk]), data, follow=True)
    assert f"was merged into #{target.pk}" in response.content.decode()
    source.refresh_from_db()
    assert source.priority == "normal" and not source.tags.exists()


def test_a_bulk_change_skips_a_merged_ticket(agent_client, merged, make):
    source, _target = merged
    other = make(subject="Other")
    response = agent_client.post(
        reverse("agent:ticket-bulk"), {"tickets": [source.pk, other.pk], "action": "priority", "priority": "high"}
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=source.pk).priority == "normal"
    assert Ticket.objects.get(pk=other.pk).priority == "high"


def test_api_changes_and_replies_to_a_merged_ticket_are_400s_with_the_message(as_user, agent, merged):
    source, target = merged
    api = as_user(agent)
    for response in (
        api.patch(f"/api/v1/tickets/{source.pk}/", {"priority": "high"}, format="json"),
        api.patch(f"/api/v1/tickets/{source.pk}/", {"status": "open"}, format="json"),
        api.post(f"/api/v1/tickets/{source.pk}/messages/", {"body": "Hi"}, format="json"),
        api.post(f"/api/v1/tickets/{source.pk}/messages/", {"body": "Psst", "internal": True}, format="json"),
    ):
        assert response.status_code == 400, response.content
        assert f"was merged into #{target.pk}" in response.json()["detail"]
    source.refresh_from_db()
    assert (source.status, source.priority) == (Status.CLOSED, "normal")


def test_a_trigger_that_would_change_a_merged_ticket_is_skipped_not_switched_off(
    make, agent, admin_user, django_capture_on_commit_callbacks
):
    from tickets.models import Trigger
    from tickets.triggers import rules

    rule = rules.automation_create(
        actor=admin_user, model=Trigger, name="Raise", events=["status_changed"], set_priority="high"
    )
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_merge(source=source, target=target, actor=agent)
    assert Ticket.objects.get(pk=source.pk).priority == "normal"
    assert Trigger.objects.get(pk=rule.pk).is_active
