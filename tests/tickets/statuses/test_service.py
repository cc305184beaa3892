"""The status service is the one writer of a ticket's custom status, and keeps it in agreement with the
status: a custom status moves the ticket to its base status on the transition table, any other move of
the status takes it off, and every change is one event."""

import pytest
from django.core.exceptions import ValidationError

from helpdesk.exceptions import DomainError, InvalidTransition, NotAllowed
from tickets import services
from tickets.models import EventKind, Status, TicketEvent
from tickets.services.edit import UNCHANGED
from tickets.workspace.event_sentences import custom_status_customer_sentence, event_view

pytestmark = pytest.mark.django_db


def _events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CUSTOM_STATUS_CHANGED).order_by("id"))


def test_choosing_a_custom_status_moves_the_ticket_to_its_base_status_with_events(agent, ticket, visit):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.ON_HOLD, visit)
    status_event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_CHANGED, new_value=Status.ON_HOLD)
    [event] = _events(ticket)
    assert status_event.actor == event.actor == agent
    assert event.public and (event.old_value, event.new_value) == ("", "A technician visit is scheduled")
    assert event.data["new"]["name"] == "Visit scheduled" and event.data["old"] is None
    assert event.data["status"] == Status.ON_HOLD


def test_a_custom_status_of_the_same_base_needs_no_move_and_another_base_moves_again(agent, ticket, visit, custom, fix):
    vendor = custom(name="Waiting for the vendor")  # on hold too, no customer label
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=vendor)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.ON_HOLD, vendor)
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED).count() == 1
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=fix)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.PENDING, fix)
    # one event per change, from one custom status straight to the next
    assert [(e.data["old"] and e.data["old"]["name"], e.data["new"]["name"]) for e in _events(ticket)] == [
        (None, "Visit scheduled"),
        ("Visit scheduled", "Waiting for the vendor"),
        ("Waiting for the vendor", "Waiting for a fix"),
    ]
    # the customer's wording changed only from the first to the second (the vendor one has none)
    assert [e.public for e in _events(ticket)] == [True, True, False]


def test_moving_the_base_status_takes_the_ticket_off_its_custom_status(agent, ticket, visit):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.OPEN)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.OPEN, None)
    cleared = _events(ticket)[-1]
    assert cleared.data["new"] is None and cleared.data["status"] == Status.OPEN


def test_a_customer_reply_reopening_the_ticket_takes_it_off_its_custom_status(agent, customer, requester, ticket, fix):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=fix)
    services.ticket_customer_reply(ticket=ticket, actor=customer, contact=requester, body="Here is the log.")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.OPEN, None)


def test_keeping_the_status_keeps_the_custom_status_and_none_clears_it(agent, ticket, visit):
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    services.ticket_edit(ticket=ticket, actor=agent, status=Status.ON_HOLD, changes={"priority": "high"})
    ticket.refresh_from_db()
    assert ticket.custom_status == visit
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=None)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.ON_HOLD, None)
    assert UNCHANGED is not None  # the default leaves it as it is


def test_a_move_the_table_refuses_is_refused_for_a_custom_status_too(agent, ticket, custom):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    waiting = custom(name="Waiting", base_status=Status.PENDING)
    with pytest.raises(InvalidTransition):
        services.ticket_edit(ticket=ticket, actor=agent, custom_status=waiting)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == (Status.CLOSED, None)


def test_a_custom_status_and_a_status_that_disagree_are_refused_whole(agent, ticket, visit):
    with pytest.raises(ValidationError) as refused:
        services.ticket_edit(
            ticket=ticket, actor=agent, status=Status.PENDING, custom_status=visit, changes={"priority": "high"}
        )
    assert "custom_status" in refused.value.message_dict
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.custom_status) == (Status.NEW, "normal", None)


def test_inactive_ones_and_ones_for_other_teams_are_refused(agent, ticket, custom, other_team, team):
    retired = custom(name="Retired", is_active=False)
    billing_only = custom(name="Billing only", teams=[other_team])
    for refused in (retired, billing_only):
        with pytest.raises(ValidationError) as error:
            services.ticket_edit(ticket=ticket, actor=agent, custom_status=refused)
        assert "custom_status" in error.value.message_dict
    # moving the ticket to that team in the same change makes it allowed
    services.ticket_edit(ticket=ticket, actor=agent, custom_status=billing_only, changes={"team": other_team})
    ticket.refresh_from_db()
    assert (ticket.team, ticket.custom_status) == (other_team, billing_only)


def test_customers_cannot_choose_custom_statuses(customer, ticket, visit):
    with pytest.raises(DomainError):
        services.ticket_edit(ticket=ticket, actor=customer, custom_status=visit)
    ticket.refresh_from_db()
    assert ticket.custom_status is None


def test_the_timeline_says_it_in_the_agents_language_and_the_customer_sentence_in_theirs(agent, ticket, visit):
    from django.utils import translation

    services.ticket_edit(ticket=ticket, actor=agent, custom_status=visit)
    [event] = _events(ticket)
    with translation.override("en"):
        assert "Visit scheduled" in event_view(event).sentence and "Custom status" in event_view(event).sentence
        assert "A technician visit is scheduled" in custom_status_customer_sentence(event)
    with translation.override("fa"):
        assert "بازدید زمان‌بندی شد" in event_view(event).sentence
        assert "بازدید کارشناس زمان‌بندی شده است" in custom_status_customer_sentence(event)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.OPEN)
    cleared = _events(ticket)[-1]
    with translation.override("en"):
        assert "Visit scheduled" in event_view(cleared).sentence  # "cleared Custom status (was …)"
        assert "Open" in custom_status_customer_sentence(cleared)  # back to the base status's name


def test_not_an_agent_cannot_even_check(customer, ticket, visit):
    from tickets.services.status import custom_status_check

    with pytest.raises(NotAllowed):
        custom_status_check(ticket=ticket, actor=customer, custom=visit)
