"""Following a referral after its answer: the prompt to tell the customer goes to the ticket's side (not
to the agent who wrote the answer, unless the ticket is theirs); a public reply after the answer tells
the customer and ends the prompt, a note does not; open referrals past their due time say so."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.models import EventKind, Referral, TicketEvent

pytestmark = pytest.mark.django_db


def _page(user, ticket) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()


@pytest.fixture
def answered(agent, other_agent, other_team, ticket) -> Referral:
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund possible?")
    return services.referral_answer(referral=referral, actor=other_agent, answer="Yes, refund approved.")


def test_the_prompt_goes_to_the_tickets_side_not_to_the_one_who_answered(agent, other_agent, ticket, answered):
    assert "callout-action" in _page(agent, ticket)
    assert "callout-action" not in _page(other_agent, ticket)
    services.ticket_edit(ticket=ticket, actor=agent, changes={"assignee": other_agent})  # now theirs to tell
    other_agent.teams.add(ticket.team)
    assert "callout-action" in _page(other_agent, ticket)


def test_a_public_reply_after_the_answer_tells_the_customer(agent, ticket, answered):
    services.ticket_reply(ticket=ticket, actor=agent, body="Internal: check the ledger.", internal=True)
    answered.refresh_from_db()
    assert answered.customer_informed_at is None  # a note tells the customer nothing
    assert "callout-action" in _page(agent, ticket)

    message = services.ticket_reply(ticket=ticket, actor=agent, body="Your refund was approved.")
    answered.refresh_from_db()
    assert answered.customer_informed_at is not None
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CUSTOMER_INFORMED)
    assert event.data == {"referral": answered.pk, "message": message.pk} and event.actor == agent
    assert "callout-action" not in _page(agent, ticket)
    services.ticket_reply(ticket=ticket, actor=agent, body="Anything else?")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CUSTOMER_INFORMED).count() == 1


def test_a_reply_before_the_answer_leaves_the_referral_waiting(agent, other_agent, other_team, ticket):
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund possible?")
    services.ticket_reply(ticket=ticket, actor=agent, body="We asked Billing.")
    referral = services.referral_answer(referral=referral, actor=other_agent, answer="Yes.")
    assert referral.customer_informed_at is None
    assert "callout-action" in _page(agent, ticket)


def test_open_referrals_past_their_due_time_say_so(agent, other_agent, other_team, make):
    late, on_time = make(subject="Late one"), make(subject="On time")
    for ticket in (late, on_time):
        services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Please check.")
    now = timezone.now()
    Referral.objects.filter(ticket=late).update(due_at=now - timedelta(hours=2))
    Referral.objects.filter(ticket=on_time).update(due_at=now + timedelta(hours=2))
    client = Client()
    client.force_login(other_agent)
    for url in (reverse("agent:referrals"), reverse("agent:home")):
        body = client.get(url).content.decode()
        rows = body.split('class="row"')
        late_row = next(row for row in rows if "Late one" in row)
        on_time_row = next(row for row in rows if "On time" in row)
        assert "Overdue" in late_row and "sla-breached" in late_row, url
        assert "Overdue" not in on_time_row and "sla-breached" not in on_time_row, url
    other_agent.language = "fa"
    other_agent.save(update_fields=["language"])
    body = client.get(reverse("agent:referrals")).content.decode()
    assert "دیرکرد" in body


def test_a_notice_tells_no_outcome(agent, ticket, answered):
    """A notice (a shipped feature, tickets.feedback.notify) is no answer: the referral keeps waiting."""
    services.ticket_reply(ticket=ticket, actor=agent, body="The export you asked for has shipped.", notice=True)
    answered.refresh_from_db()
    assert answered.customer_informed_at is None
    assert "callout-action" in _page(agent, ticket)
