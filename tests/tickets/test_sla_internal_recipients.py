"""Escalation and automation mail is internal: never to a customer, not even one an old row names as a
team lead or an escalation recipient (saved before the checks)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, EscalationStep, SlaPolicy, SlaTarget
from customers.services import sla_policy_create
from helpdesk.models import NotificationLog, Team
from tests.factories import make_ticket
from tickets.alerts.services import Mail, notify
from tickets.models import Notification, NotificationKind
from tickets.sla.escalation import sla_sweep


@pytest.fixture
def calendar(db):
    return BusinessCalendar.objects.create(name="Always", always_open=True)


@pytest.fixture
def policy(calendar):
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    return policy


@pytest.fixture
def ticket(policy, other_customer, team):
    contact = Contact.objects.get(user=other_customer)
    return make_ticket(requester=contact, actor=other_customer, team=team, now=timezone.now() - timedelta(minutes=5))


def escalation_mail_to(address: str) -> int:
    return NotificationLog.objects.filter(key__startswith="escalation:", recipient=address).count()


def test_a_customer_made_lead_directly_gets_no_escalation_mail(policy, ticket, team, customer, agent):
    Team.objects.filter(pk=team.pk).update(lead=customer)  # a row saved before the checks
    EscalationStep.objects.create(policy=policy, minutes_after_breach=0, action="notify_team_lead")
    sla_sweep(now=ticket.created_at + timedelta(minutes=61))
    sla_sweep(now=ticket.created_at + timedelta(minutes=62))
    assert ticket.events.filter(kind="escalated").count() == 1
    assert escalation_mail_to(customer.email) == 0
    assert escalation_mail_to(agent.email) == 1  # the team's member stands in, as without a lead


def test_a_customer_as_escalation_recipient_directly_gets_no_mail(policy, ticket, customer, agent):
    EscalationStep.objects.create(policy=policy, minutes_after_breach=0, action="notify_user", user=customer)
    sla_sweep(now=ticket.created_at + timedelta(minutes=61))
    sla_sweep(now=ticket.created_at + timedelta(minutes=62))
    assert escalation_mail_to(customer.email) == 0


def test_an_agent_as_escalation_recipient_is_mailed(policy, ticket, agent):
    EscalationStep.objects.create(policy=policy, minutes_after_breach=0, action="notify_user", user=agent)
    sla_sweep(now=ticket.created_at + timedelta(minutes=61))
    sla_sweep(now=ticket.created_at + timedelta(minutes=62))
    assert escalation_mail_to(agent.email) == 1


def test_a_customer_is_refused_as_escalation_recipient(calendar, customer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        sla_policy_create(
            name="Silver",
            calendar=calendar,
            escalation_steps=[{"action": "notify_user", "minutes_after_breach": 0, "user": customer}],
        )
    assert "Only agents can be notified" in str(refused.value)
    assert not SlaPolicy.objects.filter(name="Silver").exists()


def test_escalation_step_offers_no_customer_in_the_admin(admin_user, customer, agent, client):
    client.force_login(admin_user)
    response = client.get("/admin/customers/slapolicy/add/")
    formset = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is EscalationStep)
    offered = set(formset.formset.empty_form.fields["user"].queryset)
    assert customer not in offered
    assert agent in offered


def test_internal_notice_mail_skips_a_customer(ticket, customer, agent):
    mail = Mail(template="sla_breached", key="breach-test", context={"target": "resolution"})
    notify(kind=NotificationKind.BAD_RATING, recipients=[customer, agent], ticket=ticket, mail=mail)
    assert list(Notification.objects.filter(ticket=ticket).values_list("recipient", flat=True)) == [agent.pk]
    mailed = NotificationLog.objects.filter(key__startswith="breach-test").values_list("recipient", flat=True)
    assert list(mailed) == [agent.email]


def test_a_bad_rating_under_a_customer_lead_is_told_to_the_team_members(ticket, team, customer, agent):
    from tickets.models import Ticket
    from tickets.satisfaction.follow_ups import follow_up_recipients

    Team.objects.filter(pk=team.pk).update(lead=customer)  # a row saved before the checks
    assert follow_up_recipients(ticket=Ticket.objects.get(pk=ticket.pk)) == [agent]
