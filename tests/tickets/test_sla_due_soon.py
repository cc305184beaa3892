"""The "due soon" moment is one moment everywhere: the SLA policy's warning. The lists' badge turns amber when the
sweep has recorded that warning, as the home page's "due soon" list and the notification do, not at a
fixed four hours before due (which made a one-hour target amber from the start while the home page said
nothing was due soon)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget
from tests.factories import make_ticket
from tickets.models import SlaState, Ticket
from tickets.sla.escalation import sla_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(team, customer):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    contact = Contact.objects.get(user=customer)
    return make_ticket(requester=contact, actor=customer, team=team, now=timezone.now() - timedelta(minutes=5))


def _list_badge(agent_client, ticket) -> str:
    body = agent_client.get(reverse("agent:tickets"), {"view": "all"}).content.decode()
    row = re.search(rf'name="tickets" value="{ticket.pk}".*?</tr>', body, re.S).group(0)
    return re.search(r'<span class="badge (sla-[a-z]+)"', row).group(1)


def _home_due_soon(agent_client) -> dict:
    return agent_client.get(reverse("agent:home")).context["warning"]


def test_the_list_and_the_home_page_agree_on_due_soon(agent_client, ticket):
    # 55 minutes left of a one-hour first response: before the policy's warning (at 45 minutes in)
    assert ticket.sla_state == SlaState.OK
    assert _list_badge(agent_client, ticket) == "sla-ok"
    assert _home_due_soon(agent_client)["count"] == "0"

    sla_sweep(now=ticket.created_at + timedelta(minutes=46))  # the warning fires
    assert Ticket.objects.get(pk=ticket.pk).sla_state == SlaState.WARNING
    assert _list_badge(agent_client, ticket) == "sla-warning"
    due_soon = _home_due_soon(agent_client)
    assert due_soon["count"] == "1" and [row.pk for row in due_soon["rows"]] == [ticket.pk]


def test_a_passed_due_time_is_overdue_before_the_sweep_records_it(agent_client, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(first_response_due_at=timezone.now() - timedelta(minutes=2))
    assert _list_badge(agent_client, ticket) == "sla-breached"
