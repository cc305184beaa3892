from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Contact
from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, Ticket


def solve(ticket: Ticket, agent, *, hours_ago: float = 25) -> Ticket:
    """Solve through the service, then move the solve back in time (the survey waits a day)."""
    services.ticket_reply(ticket=ticket, actor=agent, body="Fixed it")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(hours=hours_ago))
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def solved(customer, agent, team):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    services.ticket_update(ticket=ticket, actor=agent, changes={"team": team, "assignee": agent})
    return solve(ticket, agent)
