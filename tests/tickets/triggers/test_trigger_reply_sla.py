"""A trigger's public reply is an automatic notice: mailed to the customer, but not the first response,
so the first-response SLA runs on until a person answers (and can breach)."""

from datetime import timedelta

import pytest

from customers import services as customer_services
from helpdesk.models import NotificationLog
from tests.factories import make_ticket
from tickets import services
from tickets.models import Message, Status, TicketEvent
from tickets.reports.stats import sla_compliance
from tickets.sla.escalation import sla_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db):
    calendar = customer_services.calendar_create(name="24/7", time_zone="UTC", always_open=True)
    return customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        is_default=True,
        targets=[{"priority": "normal", "first_response_minutes": 60, "resolution_minutes": 1440}],
    )


@pytest.fixture
def acknowledged(policy, trigger, run_on_commit, requester, agent, customer):
    """A ticket a trigger on `created` answered with a public acknowledgement."""
    trigger(reply_en="Thanks {requester_name}, we got ticket {ticket_number}.", author=agent)
    with run_on_commit():
        ticket = make_ticket(requester=requester, actor=customer)
    ticket.refresh_from_db()
    return ticket


def test_a_trigger_reply_is_mailed_but_is_not_the_first_response(acknowledged, agent, customer):
    reply = Message.objects.get(ticket=acknowledged, internal=False, author_user=agent)
    assert reply.notice
    assert NotificationLog.objects.filter(key=f"reply:{reply.pk}:{customer.email}").exists()
    assert acknowledged.first_responded_at is None
    assert acknowledged.first_response_business_minutes is None
    assert acknowledged.status == Status.NEW
    assert acknowledged.first_response_due_at == acknowledged.created_at + timedelta(minutes=60)
    assert not TicketEvent.objects.filter(ticket=acknowledged, kind="sla_met").exists()


def test_after_a_trigger_reply_the_first_response_sla_still_breaches(acknowledged, agent):
    sla_sweep(now=acknowledged.created_at + timedelta(minutes=61))
    assert TicketEvent.objects.filter(ticket=acknowledged, kind="sla_breached", field="first_response").exists()
    rows = sla_compliance(
        user=agent,
        start=acknowledged.created_at - timedelta(days=1),
        end=acknowledged.created_at + timedelta(days=1),
        group_by="",
    )
    assert (rows[0].first_response_met, rows[0].first_response_breached) == (0, 1)


def test_a_person_answering_after_the_trigger_reply_is_the_first_response(acknowledged, agent):
    answer_at = acknowledged.created_at + timedelta(minutes=20)
    services.ticket_reply(ticket=acknowledged, actor=agent, body="Looking into it.", now=answer_at)
    acknowledged.refresh_from_db()
    assert acknowledged.first_responded_at == answer_at
