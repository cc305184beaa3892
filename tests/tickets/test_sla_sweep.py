"""The SLA sweep: warnings, breaches and escalation, each once, with no stale warnings."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, EscalationStep, SlaPolicy, SlaTarget
from helpdesk.models import NotificationLog
from tests.conftest import wait_for
from tests.factories import make_ticket
from tickets import services, tasks
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.sla.escalation import sla_check_ticket, sla_sweep


@pytest.fixture
def policy(db, team, agent):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    SlaTarget.objects.create(policy=policy, priority="high", first_response_minutes=30, resolution_minutes=120)
    team.lead = agent
    team.save()
    return policy


@pytest.fixture
def ticket(policy, customer, team):
    contact = Contact.objects.get(user=customer)
    start = timezone.now() - timedelta(minutes=5)
    return make_ticket(requester=contact, actor=customer, team=team, now=start)


def kinds(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=["sla_warning", "sla_breached", "escalated"]).values_list(
            "kind", "field"
        )
    )


def test_new_ticket_gets_due_times_and_a_next_check(ticket):
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=60)
    assert ticket.resolution_due_at == ticket.created_at + timedelta(minutes=240)
    assert ticket.sla_next_check_at == ticket.created_at + timedelta(minutes=45)  # 75 % of 60
    assert ticket.sla_state == "ok"


def test_warning_then_breach_are_recorded_once_each(ticket):
    start = ticket.created_at
    sla_sweep(now=start + timedelta(minutes=46))
    sla_sweep(now=start + timedelta(minutes=47))
    assert kinds(ticket) == [("sla_warning", "first_response")]
    assert NotificationLog.objects.filter(key__startswith=f"sla-warning:{ticket.pk}:").count() == 1

    sla_sweep(now=start + timedelta(minutes=61))
    sla_sweep(now=start + timedelta(minutes=62))
    assert kinds(ticket) == [("sla_warning", "first_response"), ("sla_breached", "first_response")]
    ticket.refresh_from_db()
    assert ticket.sla_state == "breached"
    assert ticket.sla_breached_at == start + timedelta(minutes=60)
    event = TicketEvent.objects.get(ticket=ticket, kind="sla_breached")
    assert event.data["minutes_late"] == 1


def test_two_sweeps_claiming_the_same_check_act_once(ticket):
    expected = Ticket.objects.get(pk=ticket.pk).sla_next_check_at
    now = ticket.created_at + timedelta(minutes=50)
    assert sla_check_ticket(ticket_id=ticket.pk, expected=expected, now=now) is True
    assert sla_check_ticket(ticket_id=ticket.pk, expected=expected, now=now) is False
    assert kinds(ticket) == [("sla_warning", "first_response")]


def test_answered_ticket_gets_no_stale_warning_after_downtime(ticket, agent):
    services.ticket_reply(ticket=ticket, actor=agent, body="On it", now=ticket.created_at + timedelta(minutes=10))
    sla_sweep(now=ticket.created_at + timedelta(minutes=90))
    assert ("sla_warning", "first_response") not in kinds(ticket)
    assert ("sla_breached", "first_response") not in kinds(ticket)
    met = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SLA_MET, field="first_response")
    assert met.data["minutes_late"] == -50  # met 50 minutes early


def test_after_downtime_a_passed_due_time_is_a_breach_not_a_late_warning(ticket):
    sla_sweep(now=ticket.created_at + timedelta(minutes=120))
    assert kinds(ticket) == [("sla_breached", "first_response")]


def test_changing_priority_recomputes_due_times(ticket, agent):
    services.ticket_update(ticket=ticket, actor=agent, changes={"priority": "high"})
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=30)


def test_pending_pauses_the_resolution_clock(ticket, agent):
    start = ticket.created_at
    services.ticket_reply(
        ticket=ticket, actor=agent, body="Which version?", status="pending", now=start + timedelta(minutes=10)
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due_at is None  # paused while waiting on the customer
    customer = ticket.requester.user
    services.ticket_reply(ticket=ticket, actor=customer, body="4.2", now=start + timedelta(minutes=70))
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == start + timedelta(minutes=240 + 60)


def test_escalation_steps_run_in_order_once_each(ticket, policy, other_team):
    EscalationStep.objects.create(policy=policy, minutes_after_breach=0, action="notify_team_lead")
    EscalationStep.objects.create(policy=policy, minutes_after_breach=60, action="raise_priority")
    EscalationStep.objects.create(policy=policy, minutes_after_breach=120, action="reassign_team", team=other_team)
    start = ticket.created_at
    for minutes in (61, 62, 121, 122, 181, 200):
        sla_sweep(now=start + timedelta(minutes=minutes))
    steps = list(TicketEvent.objects.filter(ticket=ticket, kind="escalated").values_list("data__action", flat=True))
    assert steps == ["notify_team_lead", "raise_priority", "reassign_team"]
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team_id, ticket.escalation_level) == ("high", other_team.pk, 3)
    assert ticket.next_escalation_at is None


@pytest.mark.worker
def test_sweep_tasks_run_twice_on_a_real_worker_record_one_breach(celery_worker, policy, customer, team):
    contact = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=contact, actor=customer, team=team, now=timezone.now() - timedelta(hours=5))
    with transaction.atomic():
        tasks.sla_sweep.delay_on_commit()
        tasks.sla_sweep.delay_on_commit()
    assert wait_for(lambda: TicketEvent.objects.filter(ticket=ticket, kind="sla_breached").count() >= 2)
    # the first-response and the resolution targets are both breached, each exactly once
    assert sorted(TicketEvent.objects.filter(ticket=ticket, kind="sla_breached").values_list("field", flat=True)) == [
        "first_response",
        "resolution",
    ]


def test_referral_gets_the_receiving_teams_target_and_is_reminded_then_escalated_once(
    ticket, agent, other_team, other_agent
):
    other_team.referral_target_minutes = 120
    other_team.lead = other_agent
    other_team.save()
    start = ticket.created_at + timedelta(minutes=1)
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund possible?", now=start)
    referral.refresh_from_db()
    assert referral.due_at == start + timedelta(minutes=120)  # the 24/7 default calendar

    sla_sweep(now=start + timedelta(minutes=30))
    assert not NotificationLog.objects.filter(key__startswith=f"referral-reminder:{referral.pk}").exists()
    for minutes in (61, 62):
        sla_sweep(now=start + timedelta(minutes=minutes))
    reminders = NotificationLog.objects.filter(key__startswith=f"referral-reminder:{referral.pk}")
    assert sorted(reminders.values_list("recipient", flat=True)) == sorted([agent.email, other_agent.email])

    for minutes in (121, 125):
        sla_sweep(now=start + timedelta(minutes=minutes))
    overdue = TicketEvent.objects.filter(ticket=ticket, kind="escalated", data__referral=referral.pk)
    assert overdue.count() == 1
    assert NotificationLog.objects.filter(key__startswith=f"referral-overdue:{referral.pk}").count() == 2


def test_answered_referral_is_neither_reminded_nor_escalated(ticket, agent, other_team):
    start = ticket.created_at + timedelta(minutes=1)
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Known issue?", now=start)
    services.referral_answer(referral=referral, actor=agent, answer="Yes", now=start + timedelta(minutes=5))
    sla_sweep(now=start + timedelta(days=2))
    assert (
        not NotificationLog.objects.filter(key__contains=f":{referral.pk}")
        .exclude(key__startswith="referral-answered")
        .filter(key__startswith="referral-")
        .exclude(key__startswith=f"referral:{referral.pk}")
        .exists()
    )
    assert not TicketEvent.objects.filter(ticket=ticket, kind="escalated").exists()


def test_changing_the_contract_or_policy_recomputes_due_times_from_history(ticket, agent, policy, organization):
    from datetime import date

    from customers.models import ServiceContract

    fast = SlaPolicy.objects.create(name="Platinum", calendar=policy.calendar)
    SlaTarget.objects.create(policy=fast, priority="normal", first_response_minutes=15, resolution_minutes=60)
    contract = ServiceContract.objects.create(
        name="Acme Platinum", organization=organization, sla_policy=fast, valid_from=date(2026, 1, 1)
    )
    services.ticket_update(ticket=ticket, actor=agent, changes={"contract": contract})
    ticket.refresh_from_db()
    assert ticket.sla_policy == fast
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=15)
    services.ticket_update(ticket=ticket, actor=agent, changes={"sla_policy": policy})
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=60)
    assert set(ticket.events.filter(kind="field_changed").values_list("field", flat=True)) >= {"contract", "sla_policy"}


def test_a_referral_is_due_in_the_receiving_teams_own_business_hours(ticket, agent, other_team):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from customers.models import TeamCalendar, WorkingPeriod

    billing_hours = BusinessCalendar.objects.create(name="Billing hours", time_zone="Asia/Tehran")
    for weekday in (5, 6, 0, 1, 2):  # Saturday to Wednesday, 09:00-17:00 Tehran
        WorkingPeriod.objects.create(calendar=billing_hours, weekday=weekday, start=time(9), end=time(17))
    TeamCalendar.objects.create(team=other_team, calendar=billing_hours)
    other_team.referral_target_minutes = 120
    other_team.save()
    tehran = ZoneInfo("Asia/Tehran")
    wednesday_late = datetime(2026, 11, 25, 16, 0, tzinfo=tehran)  # a Wednesday, one hour before closing
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund?", now=wednesday_late)
    referral.refresh_from_db()
    # one business hour on Wednesday, Thursday and Friday are off, the second hour on Saturday morning
    assert referral.due_at == datetime(2026, 11, 28, 10, 0, tzinfo=tehran)


MICROSECOND = timedelta(microseconds=1)
AROUND_DUE = pytest.mark.parametrize(
    "offset", [-MICROSECOND, timedelta(0), MICROSECOND], ids=["just-before-due", "at-due", "just-after-due"]
)


def assert_next_check_while_anything_is_pending(ticket, now):
    """Every running clock that has not breached yet is looked at again, after now and by its due time."""
    from tickets.sla.store import running_clocks, ticket_sla_compute

    ticket.refresh_from_db()
    pending = [
        clock for _, clock in running_clocks(ticket_sla_compute(ticket=ticket, now=now)) if clock.state != "breached"
    ]
    if pending:
        assert ticket.sla_next_check_at is not None
        assert now < ticket.sla_next_check_at <= min(clock.due_at for clock in pending)


@pytest.mark.parametrize("target", ["first_response", "next_response", "resolution"])
@AROUND_DUE
def test_a_sweep_at_or_around_the_due_instant_records_the_breach_once(ticket, policy, agent, target, offset):
    SlaTarget.objects.filter(policy=policy, priority="normal").update(next_response_minutes=30)
    start = ticket.created_at
    if target != "first_response":
        services.ticket_reply(ticket=ticket, actor=agent, body="Looking", now=start + timedelta(minutes=10))
    if target == "next_response":
        customer = ticket.requester.user
        services.ticket_reply(ticket=ticket, actor=customer, body="Any news?", now=start + timedelta(minutes=20))
    ticket.refresh_from_db()
    due = getattr(ticket, f"{target}_due_at")
    assert due is not None

    sla_sweep(now=due + offset)
    ticket.refresh_from_db()
    if offset < timedelta(0):
        assert ticket.sla_state == "warning"
        assert ticket.sla_next_check_at == due
    else:
        assert ticket.sla_state == "breached"
        assert ticket.sla_breached_at == due
    assert_next_check_while_anything_is_pending(ticket, due + offset)

    for now in [moment for moment in (due, due + MICROSECOND) if moment > due + offset]:
        sla_sweep(now=now)
        assert_next_check_while_anything_is_pending(ticket, now)
    ticket.refresh_from_db()
    assert ticket.sla_state == "breached"
    breaches = TicketEvent.objects.filter(ticket=ticket, kind="sla_breached", field=target)
    assert list(breaches.values_list("data__due", flat=True)) == [due.isoformat()]


def test_a_reply_at_the_due_instant_is_late_and_recorded_as_a_breach(ticket, agent):
    due = ticket.first_response_due_at
    services.ticket_reply(ticket=ticket, actor=agent, body="Here", now=due)
    event = TicketEvent.objects.get(ticket=ticket, kind__in=["sla_met", "sla_breached"], field="first_response")
    assert (event.kind, event.data["minutes_late"]) == ("sla_breached", 0)


@AROUND_DUE
def test_a_referral_is_reminded_before_its_due_instant_and_overdue_from_it(ticket, agent, other_team, offset):
    referral = services.ticket_refer(
        ticket=ticket, actor=agent, to_team=other_team, note="Refund?", now=ticket.created_at + timedelta(minutes=1)
    )
    referral.refresh_from_db()
    result = sla_sweep(now=referral.due_at + offset)
    if offset < timedelta(0):
        assert (result["reminded"], result["overdue"]) == (1, 0)
    else:
        assert (result["reminded"], result["overdue"]) == (0, 1)
    sla_sweep(now=referral.due_at + MICROSECOND)
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalated", data__referral=referral.pk).count() == 1
