"""Moving a ticket to another team takes it off a custom status kept for other teams (the base status
stays), with the usual event; one for every team, or for the new team too, stays."""

import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import EventKind, Status, TicketEvent

pytestmark = pytest.mark.django_db


def _custom_events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CUSTOM_STATUS_CHANGED).order_by("id"))


def test_moving_to_a_team_the_custom_status_is_not_for_clears_it_and_keeps_the_base_status(
    agent, ticket, custom, team, other_team
):
    ticket.team = team
    ticket.save(update_fields=["team"])
    ours = custom(name="Ours only", teams=[team])
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=ours)
    services.ticket_edit(ticket=ticket, actor=agent, changes={"team": other_team})
    ticket.refresh_from_db()
    assert (ticket.team, ticket.status, ticket.custom_status) == (other_team, Status.ON_HOLD, None)
    cleared = _custom_events(ticket)[-1]
    assert cleared.actor == agent and cleared.data["new"] is None
    assert cleared.data["old"]["name"] == "Ours only" and cleared.data["status"] == Status.ON_HOLD


def test_a_custom_status_for_every_team_or_for_the_new_one_stays(agent, ticket, custom, team, other_team):
    ticket.team = team
    ticket.save(update_fields=["team"])
    everyone, both = custom(name="Everyone"), custom(name="Both", teams=[team, other_team])
    for kept in (everyone, both):
        services.ticket_edit(ticket=ticket, actor=agent, custom_status=kept)
        before = len(_custom_events(ticket))
        new_team = other_team if ticket.team == team else team
        services.ticket_edit(ticket=ticket, actor=agent, changes={"team": new_team})
        ticket.refresh_from_db()
        assert (ticket.team, ticket.custom_status) == (new_team, kept)
        assert len(_custom_events(ticket)) == before


def test_the_system_moving_the_team_clears_it_without_an_actor(agent, ticket, custom, team, other_team):
    ticket.team = team
    ticket.save(update_fields=["team"])
    ours = custom(name="Ours only", teams=[team])
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=ours)
    services.ticket_update(ticket=ticket, actor=None, changes={"team": other_team}, system=True)  # routing, triggers
    ticket.refresh_from_db()
    assert ticket.custom_status is None and ticket.status == Status.ON_HOLD
    assert _custom_events(ticket)[-1].actor is None


def test_a_hand_off_to_another_team_clears_it_and_a_question_does_not(agent, ticket, custom, team, other_team):
    ticket.team = team
    ticket.save(update_fields=["team"])
    ours = custom(name="Ours only", teams=[team])
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=ours)
    services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Can you check?")
    ticket.refresh_from_db()
    assert ticket.custom_status == ours
    services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Yours now", handoff=True)
    ticket.refresh_from_db()
    assert (ticket.team, ticket.status, ticket.custom_status) == (other_team, Status.ON_HOLD, None)


def test_asking_to_keep_it_while_moving_to_a_team_it_is_not_for_is_refused(agent, ticket, custom, team, other_team):
    ticket.team = team
    ticket.save(update_fields=["team"])
    ours = custom(name="Ours only", teams=[team])
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=ours)
    with pytest.raises(ValidationError) as refused:
        services.ticket_edit(ticket=ticket, actor=agent, custom_status=ours, changes={"team": other_team})
    assert "custom_status" in refused.value.message_dict
    ticket.refresh_from_db()
    assert (ticket.team, ticket.custom_status) == (team, ours)
