"""Open tickets follow their SLA terms when an admin changes them: a holiday added to the calendar or a
target changed on the policy moves their due times at the next sweep, whichever channel made the change
(service, API, admin), and tickets under other terms or already closed are left alone. The recheck is a
job queued once the change commits (`run_queued` runs it here as a worker would; one test uses a real
worker). The same job gives the open referrals counting in a changed calendar their new due time;
answered and cancelled ones keep theirs."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from customers import services as customer_services
from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget, TeamCalendar
from tests.conftest import wait_for
from tests.customers.conftest import calendar_change_post
from tests.factories import make_ticket
from tickets import services, tasks
from tickets.models import Referral, Status, Ticket
from tickets.sla import terms
from tickets.sla.escalation import sla_sweep

pytestmark = pytest.mark.django_db

# around the clock: a period ending at 00:00 runs until midnight (one ending at 23:59 left a minute out
# each night, and a ticket opened in the last hour before midnight UTC fell due a minute later)
EVERY_DAY = [{"weekday": day, "start": time(0), "end": time(0)} for day in range(7)]
TARGETS = [
    {"priority": "normal", "first_response_minutes": 60, "resolution_minutes": 480},
    {"priority": "high", "first_response_minutes": 30, "resolution_minutes": 240},
]


@pytest.fixture
def policy(db):
    calendar = customer_services.calendar_create(name="Every day", time_zone="UTC", periods=EVERY_DAY)
    policy = SlaPolicy.objects.create(name="Standard", calendar=calendar, is_default=True)
    for target in TARGETS:
        SlaTarget.objects.create(policy=policy, **target)
    return policy


@pytest.fixture
def open_ticket(policy, customer, team):
    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)


@pytest.fixture
def run_queued(django_capture_on_commit_callbacks, monkeypatch):
    """Commit callbacks run, and the recheck job they queue runs here, as a worker would run it."""
    monkeypatch.setattr(tasks.sla_terms_recheck, "apply_async", lambda args, **options: tasks.sla_terms_recheck(*args))
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _swept(ticket: Ticket) -> Ticket:
    sla_sweep(now=timezone.now())
    ticket.refresh_from_db()
    return ticket


def test_a_holiday_added_today_moves_an_open_tickets_due_time_to_the_next_working_day(open_ticket, policy, run_queued):
    today = timezone.now().astimezone(UTC).date()
    assert open_ticket.first_response_due_at == open_ticket.created_at + timedelta(minutes=60)
    with run_queued():
        customer_services.calendar_update(
            calendar=policy.calendar, data={"holidays": [{"name": "Day off", "recurrence": "once", "date": today}]}
        )
    ticket = _swept(open_ticket)
    assert ticket.first_response_due_at >= datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    assert ticket.sla_next_check_at > timezone.now()  # checked, and due again later


def test_a_holiday_removed_through_the_api_brings_the_due_time_back(
    as_user, admin_user, policy, customer, team, run_queued
):
    today = timezone.now().astimezone(UTC).date()
    holiday = {"name": "Day off", "recurrence": "once", "date": today.isoformat()}
    api = as_user(admin_user)
    assert (
        api.patch(f"/api/v1/calendars/{policy.calendar_id}/", {"holidays": [holiday]}, format="json").status_code == 200
    )
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)
    assert ticket.first_response_due_at.date() > today
    with run_queued():
        assert api.patch(f"/api/v1/calendars/{policy.calendar_id}/", {"holidays": []}, format="json").status_code == 200
    assert _swept(ticket).first_response_due_at == ticket.created_at + timedelta(minutes=60)


def test_a_target_changed_on_the_policy_moves_the_due_times_of_its_open_tickets(open_ticket, policy, run_queued):
    shorter = [{**TARGETS[0], "first_response_minutes": 15}, TARGETS[1]]
    with run_queued():
        customer_services.sla_policy_update(policy=policy, data={"targets": shorter})
    assert _swept(open_ticket).first_response_due_at == open_ticket.created_at + timedelta(minutes=15)


def test_tickets_under_other_terms_or_closed_are_left_alone(open_ticket, policy, customer, team, agent, run_queued):
    other_calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    other = SlaPolicy.objects.create(name="Other", calendar=other_calendar)
    SlaTarget.objects.create(policy=other, **TARGETS[0])
    elsewhere = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)
    Ticket.objects.filter(pk=elsewhere.pk).update(sla_policy=other)
    solved = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)
    services.ticket_change_status(ticket=solved, actor=agent, status=Status.SOLVED)
    before = dict(Ticket.objects.values_list("pk", "sla_next_check_at"))
    with run_queued():
        customer_services.sla_policy_update(policy=policy, data={"targets": TARGETS})
    after = dict(Ticket.objects.values_list("pk", "sla_next_check_at"))
    assert after[elsewhere.pk] == before[elsewhere.pk] and after[solved.pk] == before[solved.pk]
    assert after[open_ticket.pk] <= timezone.now() < before[open_ticket.pk]


def test_a_new_calendar_or_policy_touches_no_ticket(open_ticket, django_capture_on_commit_callbacks):
    before = Ticket.objects.get(pk=open_ticket.pk).sla_next_check_at
    with django_capture_on_commit_callbacks() as queued:
        calendar = customer_services.calendar_create(name="New", time_zone="UTC", periods=EVERY_DAY)
        customer_services.sla_policy_create(name="New", calendar=calendar, targets=TARGETS)
    assert queued == [] and Ticket.objects.get(pk=open_ticket.pk).sla_next_check_at == before


def test_the_recheck_goes_in_batches_of_short_statements(open_ticket, policy, customer, team):
    more = [make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team) for _ in range(4)]
    assert terms.open_tickets_recheck([policy.pk], batch=2) == 5
    assert all(
        t.sla_next_check_at <= timezone.now()
        for t in Ticket.objects.filter(pk__in=[open_ticket.pk, *[m.pk for m in more]])
    )


def test_a_real_worker_rechecks_after_the_admins_change_commits(celery_worker, customer, team):
    calendar = customer_services.calendar_create(name="Every day", time_zone="UTC", periods=EVERY_DAY)
    policy = customer_services.sla_policy_create(name="Standard", calendar=calendar, targets=TARGETS, is_default=True)
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)
    assert ticket.sla_policy_id == policy.pk and ticket.sla_next_check_at > timezone.now()
    customer_services.sla_policy_update(policy=policy, data={"targets": TARGETS})  # commits: no test transaction
    assert wait_for(lambda: Ticket.objects.get(pk=ticket.pk).sla_next_check_at <= timezone.now())


# --- Referrals ---------------------------------------------------------------------------------

TEHRAN = ZoneInfo("Asia/Tehran")
WEDNESDAY_LATE = datetime(2026, 11, 25, 16, 0, tzinfo=TEHRAN)  # one hour before closing; Thu and Fri off


@pytest.fixture
def billing_hours(other_team):
    """The receiving team keeps Saturday to Wednesday, 09:00-17:00 Tehran; its referrals are due in 2 hours."""
    calendar = customer_services.calendar_create(
        name="Billing hours",
        time_zone="Asia/Tehran",
        periods=[{"weekday": day, "start": time(9), "end": time(17)} for day in (5, 6, 0, 1, 2)],
    )
    TeamCalendar.objects.create(team=other_team, calendar=calendar)
    other_team.referral_target_minutes = 120
    other_team.save()
    return calendar


def _refer(ticket, agent, to_team, note: str = "Refund?", at: datetime = WEDNESDAY_LATE) -> Referral:
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=to_team, note=note, now=at)
    referral.refresh_from_db()
    return referral


def _due(referral: Referral) -> datetime:
    referral.refresh_from_db()
    return referral.due_at


def test_a_holiday_added_in_the_admin_moves_the_due_time_of_open_referrals_only(
    open_ticket, agent, admin_user, other_team, billing_hours, run_queued
):
    saturday_ten = datetime(2026, 11, 28, 10, 0, tzinfo=TEHRAN)  # one business hour Wednesday, one Saturday
    open_one, answered, cancelled = (_refer(open_ticket, agent, other_team, note) for note in ("a", "b", "c"))
    assert {open_one.due_at, answered.due_at, cancelled.due_at} == {saturday_ten}
    services.referral_answer(referral=answered, actor=agent, answer="Refunded.")
    services.referral_cancel(referral=cancelled, actor=agent)
    admin = Client()
    admin.force_login(admin_user)
    day_off = {"name": "Day off", "recurrence": "once", "date": "2026-11-28", "month": "", "day": ""}
    with run_queued():
        response = admin.post(
            f"/admin/customers/businesscalendar/{billing_hours.pk}/change/",
            calendar_change_post(billing_hours, extra_holidays=[day_off]),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    assert billing_hours.holidays.get().date == date(2026, 11, 28)
    assert _due(open_one) == datetime(2026, 11, 29, 10, 0, tzinfo=TEHRAN)  # the second hour moves to Sunday
    assert _due(answered) == _due(cancelled) == saturday_ten


def test_changed_hours_of_the_default_calendar_move_referrals_to_teams_without_their_own(
    open_ticket, agent, policy, other_team, run_queued, settings
):
    settings.HELPDESK_REFERRAL_TARGET_MINUTES = 120
    monday_ten = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    referral = _refer(open_ticket, agent, other_team, at=monday_ten)
    assert referral.due_at == monday_ten + timedelta(hours=2)  # the default policy's calendar: every day
    mornings = [{"weekday": day, "start": time(9), "end": time(11)} for day in range(7)]
    with run_queued():
        customer_services.calendar_update(calendar=policy.calendar, data={"periods": mornings})
    assert _due(referral) == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # one hour on Monday, one on Tuesday


def test_referrals_counting_in_other_calendars_keep_their_due_time(
    open_ticket, agent, policy, other_team, billing_hours, run_queued
):
    referral = _refer(open_ticket, agent, other_team)
    before = referral.due_at
    with run_queued():
        customer_services.calendar_update(calendar=policy.calendar, data={"holidays": []})
        customer_services.sla_policy_update(policy=policy, data={"targets": TARGETS})
    assert _due(referral) == before


def test_the_referral_recheck_goes_in_batches(open_ticket, agent, other_team, billing_hours):
    referrals = [_refer(open_ticket, agent, other_team, note=str(i)) for i in range(5)]
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(due_at=None)
    assert terms.open_referrals_recheck(policy_ids=[], calendar_ids=[billing_hours.pk], batch=2) == 5
    assert {_due(r) for r in referrals} == {datetime(2026, 11, 28, 10, 0, tzinfo=TEHRAN)}


def test_a_recheck_job_queued_before_calendars_were_passed_still_runs(open_ticket, agent, policy, other_team):
    referral = _refer(open_ticket, agent, other_team)
    Referral.objects.filter(pk=referral.pk).update(due_at=None)
    assert tasks.sla_terms_recheck([policy.pk]) == {"tickets": 1, "referrals": 1}
    assert _due(referral) is not None  # the default policy's calendar: a team without its own counts in it
