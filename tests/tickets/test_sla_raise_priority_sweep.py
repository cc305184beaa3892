"""An escalation step never raises a ticket to a priority its policy has no targets for: that would erase
its due times, its state and its breach. The step is skipped and its event says why (for rows saved
before the policy check: customers.rules.raise_errors)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, EscalationStep, SlaPolicy, SlaTarget
from tests.factories import make_ticket
from tickets.models import TicketEvent
from tickets.sla.escalation import sla_sweep


@pytest.fixture
def policy(db):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    SlaTarget.objects.create(policy=policy, priority="high", first_response_minutes=30, resolution_minutes=120)
    EscalationStep.objects.create(policy=policy, minutes_after_breach=0, action="raise_priority")  # no check
    return policy


def open_ticket(customer, team, priority):
    contact = Contact.objects.get(user=customer)
    return make_ticket(
        requester=contact, actor=customer, team=team, priority=priority, now=timezone.now() - timedelta(minutes=5)
    )


def test_a_breached_ticket_is_not_raised_to_a_priority_without_targets(policy, customer, team):
    ticket = open_ticket(customer, team, "high")
    start = ticket.created_at
    sla_sweep(now=start + timedelta(minutes=31))
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert ticket.sla_state == "breached"
    assert ticket.first_response_due_at and ticket.resolution_due_at
    event = TicketEvent.objects.get(ticket=ticket, kind="escalated")
    assert event.data["skipped"] == {"priority": "urgent", "missing": ["first_response_minutes", "resolution_minutes"]}

    sla_sweep(now=start + timedelta(minutes=121))
    breached = TicketEvent.objects.filter(ticket=ticket, kind="sla_breached").values_list("field", flat=True)
    assert sorted(breached) == ["first_response", "resolution"]


def test_a_raise_to_a_priority_with_targets_still_happens(policy, customer, team):
    ticket = open_ticket(customer, team, "normal")
    sla_sweep(now=ticket.created_at + timedelta(minutes=61))
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert "skipped" not in TicketEvent.objects.get(ticket=ticket, kind="escalated").data
