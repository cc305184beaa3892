"""Timed rules: once per ticket and stay in a status, business hours of the ticket's calendar, two
sweeps at once on PostgreSQL, a sweep killed mid-run, failures."""

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection

from customers import services as customer_services
from helpdesk.models import NotificationLog
from tests.factories import make_ticket
from tickets import services
from tickets.models import EventKind, Message, Notification, Status, Ticket, TicketEvent, TimedRuleRun
from tickets.triggers import actions, timed

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def _pending(requester, agent, *, at=T0):
    ticket = make_ticket(requester=requester, now=at)
    services.ticket_reply(ticket=ticket, actor=agent, body="Which version?", status=Status.PENDING, now=at)
    ticket.refresh_from_db()
    return ticket


def test_a_pending_ticket_gets_one_reminder_per_stay_in_pending(timed_rule, requester, agent, customer):
    rule = timed_rule(
        status=Status.PENDING,
        since="status",
        minutes=2880,
        reply_en="Ticket {ticket_number}: we are still waiting for your answer.",
        author=agent,
    )
    ticket = _pending(requester, agent)
    assert timed.timed_rules_sweep(now=T0 + timedelta(hours=47)) == {str(rule.pk): 0}
    assert timed.timed_rules_sweep(now=T0 + timedelta(hours=49)) == {str(rule.pk): 1}
    assert timed.timed_rules_sweep(now=T0 + timedelta(hours=80)) == {str(rule.pk): 0}
    reminders = Message.objects.filter(ticket=ticket, body_text__contains="still waiting")
    assert reminders.count() == 1
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REPLIED, data__message=reminders.get().pk)
    assert event.actor is None and event.data["timed_rule"] == rule.pk
    # the customer answers (back to open), the agent asks again: a new stay, a new reminder
    later = T0 + timedelta(hours=81)
    services.ticket_reply(ticket=ticket, actor=customer, body="Version 2", now=later)
    services.ticket_reply(ticket=ticket, actor=agent, body="And the OS?", status=Status.PENDING, now=later)
    assert timed.timed_rules_sweep(now=later + timedelta(hours=49)) == {str(rule.pk): 1}
    assert TimedRuleRun.objects.filter(rule=rule, ticket=ticket).count() == 2


def test_solve_with_a_message_after_ten_days(timed_rule, requester, agent):
    timed_rule(
        status=Status.PENDING,
        since="status",
        minutes=14400,
        set_status=Status.SOLVED,
        reply_en="Solved, no answer.",
        author=agent,
    )
    ticket = _pending(requester, agent)
    timed.timed_rules_sweep(now=T0 + timedelta(days=11))
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED).last().actor is None


def test_unassigned_for_thirty_minutes_notifies_the_lead(timed_rule, requester, agent, other_agent, team):
    team.lead = other_agent
    team.save()
    timed_rule(
        status=Status.NEW,
        since="created",
        minutes=30,
        conditions=[{"field": "assignee", "values": ["unset"]}],
        notify_lead=True,
    )
    ticket = make_ticket(requester=requester, now=T0, team=team)
    make_ticket(requester=requester, now=T0, team=team, assignee=agent, actor=agent)  # owned: open, not new
    timed.timed_rules_sweep(now=T0 + timedelta(minutes=29))
    assert not Notification.objects.filter(kind="automation").exists()
    timed.timed_rules_sweep(now=T0 + timedelta(minutes=31))
    alert = Notification.objects.get(kind="automation")
    assert (alert.ticket_id, alert.recipient) == (ticket.pk, other_agent)


def test_business_hours_count_only_the_tickets_calendar(timed_rule, requester, agent, organization):
    calendar = customer_services.calendar_create(
        name="Office", time_zone="UTC", periods=[{"weekday": d, "start": time(9), "end": time(17)} for d in range(5)]
    )
    policy = customer_services.sla_policy_create(
        name="Office hours",
        calendar=calendar,
        targets=[{"priority": "normal", "first_response_minutes": 60}],
        is_default=True,
    )
    rule = timed_rule(status=Status.PENDING, since="status", minutes=480, business_hours=True, add_tags=["stale"])
    ticket = _pending(requester, agent, at=datetime(2026, 3, 6, 13, 0, tzinfo=UTC))  # Friday 13:00
    assert ticket.sla_policy == policy
    # Sunday 12:00: 47 hours on the wall clock but 4 business hours (Friday 13-17)
    assert timed.timed_rules_sweep(now=datetime(2026, 3, 8, 12, 0, tzinfo=UTC)) == {str(rule.pk): 0}
    # Monday 13:00: 8 business hours
    assert timed.timed_rules_sweep(now=datetime(2026, 3, 9, 13, 0, tzinfo=UTC)) == {str(rule.pk): 1}
    assert [t.name for t in ticket.tags.all()] == ["stale"]


def test_a_sweep_killed_mid_run_rolls_back_its_claim_and_the_next_acts_once(timed_rule, requester, agent, monkeypatch):
    rule = timed_rule(status=Status.PENDING, since="status", minutes=60, add_tags=["late"], notify_user=agent)
    ticket = _pending(requester, agent)
    real_act = actions.act

    def act_then_die(**kwargs):
        real_act(**kwargs)  # the tag and the notification are written ...
        raise SystemExit("worker killed")  # ... and the process dies before the commit

    monkeypatch.setattr(actions, "act", act_then_die)
    with pytest.raises(SystemExit):
        timed.timed_rules_sweep(now=T0 + timedelta(hours=2))
    assert not TimedRuleRun.objects.exists() and not ticket.tags.exists()
    assert not Notification.objects.filter(kind="automation").exists()
    monkeypatch.setattr(actions, "act", real_act)
    assert timed.timed_rules_sweep(now=T0 + timedelta(hours=3)) == {str(rule.pk): 1}
    assert timed.timed_rules_sweep(now=T0 + timedelta(hours=4)) == {str(rule.pk): 0}
    assert Notification.objects.filter(kind="automation").count() == 1


def test_a_failing_timed_rule_is_switched_off_and_the_others_run(timed_rule, requester, agent, team, admin_user):
    broken = timed_rule(name="broken", position=1, status=Status.PENDING, since="status", minutes=60, set_team=team)
    fine = timed_rule(name="fine", position=2, status=Status.PENDING, since="status", minutes=60, add_tags=["late"])
    team.is_active = False
    team.save()
    ticket = _pending(requester, agent)
    assert timed.timed_rules_sweep(now=T0 + timedelta(hours=2)) == {str(broken.pk): 0, str(fine.pk): 1}
    broken.refresh_from_db()
    assert not broken.is_active and TicketEvent.objects.filter(ticket=ticket, kind=EventKind.TRIGGER_FAILED).exists()
    assert not TimedRuleRun.objects.filter(rule=broken).exists()
    assert NotificationLog.objects.filter(template="automation_failed").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_act_once_per_ticket(timed_rule, requester, agent):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    rule = timed_rule(status=Status.PENDING, since="status", minutes=60, notify_user=agent)
    tickets = [_pending(requester, agent) for _ in range(5)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(timed.timed_rules_sweep(now=T0 + timedelta(hours=2)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(r[str(rule.pk)] for r in results) == 5
    assert TimedRuleRun.objects.filter(rule=rule).count() == 5
    assert Notification.objects.filter(kind="automation").count() == 5
    alerts = Notification.objects.filter(kind="automation").values_list("ticket_id", flat=True)
    assert sorted(alerts) == sorted(t.pk for t in tickets)
    assert Ticket.objects.filter(status=Status.PENDING).count() == 5
