"""One ticket whose SLA cannot be handled never stops the sweep, a ticket creation or a reply.

The broken calendars are written straight to the database: the admin forms and the API refuse
them, but rows edited by hand, by a migration or before that validation existed still occur.
"""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, EscalationStep, SlaPolicy, SlaTarget, TeamCalendar
from helpdesk.models import NotificationLog
from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket, TicketEvent
from tickets.sla import checks, escalation, referrals
from tickets.sla.escalation import sla_sweep

LOGGER = "tickets"


@pytest.fixture
def gold(db, team, agent):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    EscalationStep.objects.create(policy=policy, minutes_after_breach=30, action="notify_team_lead")
    team.lead = agent
    team.save()
    return policy


@pytest.fixture
def fragile(db):
    """A policy whose calendar works until a test empties it (`break_calendar`)."""
    calendar = BusinessCalendar.objects.create(name="Fragile hours", always_open=True)
    policy = SlaPolicy.objects.create(name="Fragile", calendar=calendar, warning_percent=75)
    for priority in ("normal", "high"):
        SlaTarget.objects.create(policy=policy, priority=priority, first_response_minutes=60, resolution_minutes=240)
    EscalationStep.objects.create(policy=policy, minutes_after_breach=30, action="raise_priority")
    return policy


def break_calendar(calendar: BusinessCalendar) -> None:
    """No weekly hours and not always open: a calendar whose clock never runs."""
    calendar.periods.all().delete()
    BusinessCalendar.objects.filter(pk=calendar.pk).update(always_open=False)


@pytest.fixture
def start():
    return timezone.now() - timedelta(hours=1)


@pytest.fixture
def tickets(gold, fragile, customer, team, start):
    """A ticket on the fragile policy created first (so it leads every batch), then two on Gold."""
    contact = Contact.objects.get(user=customer)
    broken = make_ticket(requester=contact, actor=customer, team=team, subject="Broken", now=start)
    services.ticket_update(ticket=broken, actor=None, system=True, changes={"sla_policy": fragile}, now=start)
    others = [make_ticket(requester=contact, actor=customer, team=team, subject=f"Fine {n}", now=start) for n in (1, 2)]
    return Ticket.objects.get(pk=broken.pk), others


def sla_errors(ticket) -> list:
    return list(TicketEvent.objects.filter(ticket=ticket, kind="sla_error").values_list("field", "data__cause"))


def breaches(ticket) -> list:
    return list(TicketEvent.objects.filter(ticket=ticket, kind="sla_breached").values_list("field", flat=True))


def logged_about(caplog, ticket) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and f"#{ticket.pk}" in r.getMessage()
    ]


def test_a_ticket_on_a_calendar_without_working_time_is_recorded_once_and_the_sweep_goes_on(
    tickets, fragile, start, caplog, other_team, agent
):
    broken, others = tickets
    other_team.referral_target_minutes = 120
    other_team.save()
    referral = services.ticket_refer(
        ticket=others[0], actor=agent, to_team=other_team, note="Refund?", now=start + timedelta(minutes=1)
    )
    break_calendar(fragile.calendar)

    with caplog.at_level(logging.INFO, logger=LOGGER):
        result = sla_sweep(now=start + timedelta(minutes=61))

    for ticket in others:
        assert breaches(ticket) == ["first_response"]
    assert result["checked"] == 2
    assert sla_errors(broken) == [("check", "no_working_time")]
    assert breaches(broken) == []
    lines = logged_about(caplog, broken)
    assert len(lines) == 1 and "Fragile hours" in lines[0] and "no working time" in lines[0]
    broken.refresh_from_db()
    assert broken.sla_next_check_at > start + timedelta(minutes=61)  # retried later, not every minute
    assert (broken.first_response_due_at, broken.resolution_due_at) == (None, None)

    # later sweeps: the others escalate and their referral is reminded; the broken one is retried quietly
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        for minutes in (62, 91, 200, 420):
            sla_sweep(now=start + timedelta(minutes=minutes))
    assert sla_errors(broken) == [("check", "no_working_time")]
    assert logged_about(caplog, broken) == []
    for ticket in others:
        assert TicketEvent.objects.filter(ticket=ticket, kind="escalated", data__step=1).count() == 1
    assert NotificationLog.objects.filter(key__startswith=f"referral-reminder:{referral.pk}:").exists()


def test_a_repaired_calendar_brings_the_clocks_back_at_the_next_retry(tickets, fragile, start):
    broken, _ = tickets
    break_calendar(fragile.calendar)
    sla_sweep(now=start + timedelta(minutes=50))
    BusinessCalendar.objects.filter(pk=fragile.calendar_id).update(always_open=True)
    sla_sweep(now=start + timedelta(minutes=70))
    broken.refresh_from_db()
    assert broken.first_response_due_at == start + timedelta(minutes=60)
    assert broken.sla_error == ""
    assert breaches(broken) == ["first_response"]  # the breach that happened meanwhile is recorded


def test_an_escalation_step_on_a_broken_calendar_still_runs_and_the_others_follow(tickets, fragile, start, caplog):
    broken, others = tickets
    sla_sweep(now=start + timedelta(minutes=61))  # every first response breached; steps due at 90
    break_calendar(fragile.calendar)

    with caplog.at_level(logging.INFO, logger=LOGGER):
        result = sla_sweep(now=start + timedelta(minutes=91))

    assert result["escalated"] == 3
    broken.refresh_from_db()
    assert broken.priority == "high"  # the step ran; recomputing the clocks is what failed
    assert sla_errors(broken) == [("check", "no_working_time")]
    assert len(logged_about(caplog, broken)) == 1
    for ticket in others:
        assert TicketEvent.objects.filter(ticket=ticket, kind="escalated").count() == 1


def test_creating_and_replying_to_a_ticket_on_a_broken_calendar_answers_without_due_times(
    gold, customer, agent, as_user, client
):
    break_calendar(gold.calendar)
    response = as_user(customer).post(
        "/api/v1/tickets/", {"subject": "Printer", "body": "It is on fire."}, format="json"
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.first_response_due_at, ticket.resolution_due_at, ticket.sla_state) == (None, None, "")
    assert sla_errors(ticket) == [("check", "no_working_time")]

    reply = as_user(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "On it"}, format="json")
    assert reply.status_code == 201, reply.content
    assert sla_errors(ticket) == [("check", "no_working_time")]  # the same cause is not recorded twice
    client.force_login(agent)
    page = client.get(f"/agent/tickets/{ticket.pk}/")
    assert "SLA due times could not be computed: the business calendar “Always” has no working time." in (
        page.content.decode()
    )


def test_a_referral_to_a_team_on_a_broken_calendar_is_due_in_clock_minutes(gold, customer, agent, other_team, start):
    hours = BusinessCalendar.objects.create(name="Billing hours", always_open=True)
    TeamCalendar.objects.create(team=other_team, calendar=hours)
    break_calendar(hours)
    other_team.referral_target_minutes = 120
    other_team.save()
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, now=start)

    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund?", now=start)

    referral.refresh_from_db()
    assert referral.due_at == start + timedelta(minutes=120)
    assert sla_errors(ticket) == [("referral_due", "no_working_time")]


# A failure nobody can provoke through the data (a bug, a lost connection) is injected at one point.


def test_an_unexpected_failure_on_one_ticket_rolls_back_only_that_ticket(tickets, start, caplog, monkeypatch):
    broken, others = tickets
    real_clock_news = checks._clock_news

    def failing_for_one(*, ticket, **kwargs):
        if ticket.pk == broken.pk:
            raise RuntimeError("boom")
        return real_clock_news(ticket=ticket, **kwargs)

    monkeypatch.setattr(checks, "_clock_news", failing_for_one)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        result = sla_sweep(now=start + timedelta(minutes=61))
        sla_sweep(now=start + timedelta(minutes=120))

    assert result["checked"] == 2
    for ticket in others:
        assert breaches(ticket) == ["first_response"]
    assert breaches(broken) == []
    assert sla_errors(broken) == [("check", "unexpected")]
    assert any("boom" in line for line in logged_about(caplog, broken))
    broken.refresh_from_db()
    assert broken.sla_next_check_at > start + timedelta(minutes=120)


def test_an_escalation_step_that_fails_is_retried_later_and_the_others_run(tickets, start, caplog, monkeypatch):
    broken, others = tickets
    sla_sweep(now=start + timedelta(minutes=61))
    real_notify = escalation._notify

    def failing_for_one(*, ticket, **kwargs):
        if ticket.pk == others[0].pk:
            raise RuntimeError("mail outbox unavailable")
        return real_notify(ticket=ticket, **kwargs)

    monkeypatch.setattr(escalation, "_notify", failing_for_one)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        result = sla_sweep(now=start + timedelta(minutes=91))
        again = sla_sweep(now=start + timedelta(minutes=92))

    assert result["escalated"] == 2 and again["escalated"] == 0
    assert TicketEvent.objects.filter(ticket=others[1], kind="escalated").count() == 1
    assert not TicketEvent.objects.filter(ticket=others[0], kind="escalated").exists()
    assert sla_errors(others[0]) == [("escalation", "unexpected")]
    assert len(logged_about(caplog, others[0])) == 1
    stuck = Ticket.objects.get(pk=others[0].pk)
    assert stuck.escalation_level == 0 and stuck.next_escalation_at > start + timedelta(minutes=92)

    monkeypatch.setattr(escalation, "_notify", real_notify)
    sla_sweep(now=stuck.next_escalation_at)
    assert TicketEvent.objects.filter(ticket=others[0], kind="escalated").count() == 1


def test_a_referral_reminder_that_fails_is_recorded_and_the_other_referrals_go_on(
    tickets, start, caplog, monkeypatch, agent, other_team
):
    _, others = tickets
    failing, fine = (
        services.ticket_refer(ticket=t, actor=agent, to_team=other_team, note="Refund?", now=start) for t in others
    )
    real_notify = referrals._referral_notify

    def failing_for_one(*, referral, **kwargs):
        if referral.pk == failing.pk:
            raise RuntimeError("team lookup failed")
        return real_notify(referral=referral, **kwargs)

    monkeypatch.setattr(referrals, "_referral_notify", failing_for_one)
    fine.refresh_from_db()
    due = fine.due_at
    with caplog.at_level(logging.INFO, logger=LOGGER):
        reminded = sla_sweep(now=due - timedelta(minutes=30))
        sla_sweep(now=due - timedelta(minutes=29))
        overdue = sla_sweep(now=due)

    assert reminded["reminded"] == 1 and overdue["overdue"] == 1
    assert NotificationLog.objects.filter(key__startswith=f"referral-reminder:{fine.pk}:").exists()
    assert TicketEvent.objects.filter(kind="escalated", data__referral=fine.pk).count() == 1
    assert sla_errors(others[0]) == [("referral", "unexpected"), ("referral", "unexpected")]  # reminder, overdue
    assert len(logged_about(caplog, others[0])) == 2


def test_the_sla_error_event_reads_in_persian_too():
    from django.utils import translation

    from tickets.workspace.timeline import sla_error_text

    data = {"part": "check", "cause": "no_working_time", "calendar": "ساعات کاری"}
    with translation.override("fa"):
        assert sla_error_text(data) == "موعدهای سطح خدمت محاسبه نشد: تقویم کاری «ساعات کاری» هیچ زمان کاری ندارد."
