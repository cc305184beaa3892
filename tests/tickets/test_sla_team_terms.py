"""Open referrals follow their team's terms when an admin changes them: linking the team to a calendar,
moving the link to another calendar or removing it, and changing the team's referral target (admin
pages and services alike) give the open referrals to that team their due time again in business time,
once the change commits, through the same recheck job as a changed policy or calendar
(tickets.sla.terms). Answered referrals and referrals to other teams keep theirs; a save that changes
no terms queues nothing; agents change none of it."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from customers import services as customer_services
from customers.models import Contact, TeamCalendar
from helpdesk import services as helpdesk_services
from helpdesk.models import Team
from helpdesk.signals import sla_terms_changed
from tests.conftest import wait_for
from tests.factories import TeamFactory, make_ticket
from tests.tickets.test_sla_terms_change import EVERY_DAY, TARGETS, TEHRAN, WEDNESDAY_LATE, _due, _refer
from tickets import services, tasks
from tickets.models import Referral
from tickets.sla import terms

pytestmark = pytest.mark.django_db

# The referral is made Wednesday 16:00 Tehran (12:30 UTC), 120 minutes to answer.
IN_DEFAULT = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # the default policy's calendar: every day
IN_BILLING = datetime(2026, 11, 28, 10, 0, tzinfo=TEHRAN)  # one business hour Wednesday, one Saturday
IN_MORNINGS = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)  # 09:00-11:00 UTC: none left Wednesday, Thursday's two


@pytest.fixture
def policy(db):
    calendar = customer_services.calendar_create(name="Every day", time_zone="UTC", periods=EVERY_DAY)
    return customer_services.sla_policy_create(name="Standard", calendar=calendar, targets=TARGETS, is_default=True)


@pytest.fixture
def billing_hours(db):
    """Saturday to Wednesday, 09:00-17:00 Tehran (Thursday and Friday off)."""
    periods = [{"weekday": day, "start": time(9), "end": time(17)} for day in (5, 6, 0, 1, 2)]
    return customer_services.calendar_create(name="Billing hours", time_zone="Asia/Tehran", periods=periods)


@pytest.fixture
def mornings(db):
    periods = [{"weekday": day, "start": time(9), "end": time(11)} for day in range(7)]
    return customer_services.calendar_create(name="Mornings", time_zone="UTC", periods=periods)


@pytest.fixture
def billing(policy, other_team):
    """The receiving team: its referrals are due in 2 hours (set up as data, not the change under test)."""
    Team.objects.filter(pk=other_team.pk).update(referral_target_minutes=120)
    other_team.refresh_from_db()
    return other_team


@pytest.fixture
def ticket(policy, customer, team):
    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)


@pytest.fixture
def run_queued(django_capture_on_commit_callbacks, monkeypatch):
    """Commit callbacks run, and the recheck job they queue runs here, as a worker would run it."""
    monkeypatch.setattr(tasks.sla_terms_recheck, "apply_async", lambda args, **options: tasks.sla_terms_recheck(*args))
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def as_admin(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _referrals(ticket, agent, to_team) -> tuple[Referral, Referral, Referral]:
    """An open referral to the team, an answered one, and an open one to a team whose terms stay."""
    open_one, answered = _refer(ticket, agent, to_team, "a"), _refer(ticket, agent, to_team, "b")
    services.referral_answer(referral=answered, actor=agent, answer="Refunded.")
    elsewhere = _refer(ticket, agent, TeamFactory(name="Sales", slug="sales"), "c")
    return open_one, answered, elsewhere


def _rechecks(queued) -> list[tuple]:
    """The recheck jobs among the commit callbacks: (policy ids, calendar ids, team ids) each."""
    return [tuple(c.args[1:]) for c in queued if getattr(c, "args", ()) and c.args[0] is tasks.sla_terms_recheck]


def _team_post(team: Team, **changes) -> dict:
    """The team admin's change form as the browser sends it."""
    data = {
        "name": team.name,
        "name_fa": team.name_fa,
        "slug": team.slug,
        "description": team.description,
        "email": team.email,
        "is_active": "on",
        "referral_target_minutes": team.referral_target_minutes or "",
        "assignment_mode": team.assignment_mode,
        "max_open_per_agent": team.max_open_per_agent or "",
    }
    return data | changes


def _link_url(team: Team, action: str) -> str:
    return f"/admin/customers/teamcalendar/{TeamCalendar.objects.get(team=team).pk}/{action}/"


def test_a_team_linked_to_a_calendar_in_the_admin_has_its_open_referrals_due_in_that_calendar(
    ticket, agent, billing, billing_hours, as_admin, run_queued
):
    open_one, answered, elsewhere = _referrals(ticket, agent, billing)
    assert {open_one.due_at, answered.due_at} == {IN_DEFAULT}
    with run_queued() as queued:
        response = as_admin.post(
            "/admin/customers/teamcalendar/add/", {"team": billing.pk, "calendar": billing_hours.pk}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    assert _rechecks(queued) == [([], [], [billing.pk])]  # one job, after the commit
    assert TeamCalendar.objects.get(team=billing).calendar == billing_hours
    assert _due(open_one) == IN_BILLING
    assert _due(answered) == IN_DEFAULT and _due(elsewhere) == elsewhere.due_at


def test_a_link_moved_to_another_calendar_in_the_admin_moves_the_due_time(
    ticket, agent, billing, billing_hours, mornings, as_admin, run_queued
):
    TeamCalendar.objects.create(team=billing, calendar=billing_hours)
    open_one, answered, _elsewhere = _referrals(ticket, agent, billing)
    assert open_one.due_at == answered.due_at == IN_BILLING
    page = as_admin.get(_link_url(billing, "change")).content.decode()
    assert 'name="calendar"' in page and 'name="team"' not in page  # a link stays with its team
    with run_queued():
        response = as_admin.post(_link_url(billing, "change"), {"calendar": mornings.pk})
        assert response.status_code == 302, response.content.decode()[:3000]
    assert _due(open_one) == IN_MORNINGS and _due(answered) == IN_BILLING


def test_a_link_removed_in_the_admin_brings_the_default_calendar_back(
    ticket, agent, billing, billing_hours, as_admin, run_queued
):
    TeamCalendar.objects.create(team=billing, calendar=billing_hours)
    open_one, answered, _elsewhere = _referrals(ticket, agent, billing)
    with run_queued():
        assert as_admin.post(_link_url(billing, "delete"), {"post": "yes"}).status_code == 302
    assert not TeamCalendar.objects.filter(team=billing).exists()
    assert _due(open_one) == IN_DEFAULT and _due(answered) == IN_BILLING


def test_links_removed_with_the_admins_bulk_delete_too(ticket, agent, billing, billing_hours, as_admin, run_queued):
    link = TeamCalendar.objects.create(team=billing, calendar=billing_hours)
    open_one, _answered, _elsewhere = _referrals(ticket, agent, billing)
    with run_queued() as queued:
        response = as_admin.post(
            "/admin/customers/teamcalendar/",
            {"action": "delete_selected", "_selected_action": [link.pk], "post": "yes"},
        )
        assert response.status_code == 302
    assert _rechecks(queued) == [([], [], [billing.pk])]
    assert _due(open_one) == IN_DEFAULT


def test_a_target_changed_in_the_team_admin_moves_the_due_time_of_open_referrals_only(
    ticket, agent, billing, billing_hours, as_admin, run_queued
):
    TeamCalendar.objects.create(team=billing, calendar=billing_hours)
    open_one, answered, elsewhere = _referrals(ticket, agent, billing)
    url = f"/admin/helpdesk/team/{billing.pk}/change/"
    with run_queued() as queued:
        response = as_admin.post(url, _team_post(billing, referral_target_minutes="240"))
        assert response.status_code == 302, response.content.decode()[:3000]
    assert _rechecks(queued) == [([], [], [billing.pk])]
    assert _due(open_one) == datetime(2026, 11, 28, 12, 0, tzinfo=TEHRAN)  # one hour Wednesday, three Saturday
    assert _due(answered) == IN_BILLING and _due(elsewhere) == elsewhere.due_at
    billing.refresh_from_db()
    with run_queued():  # emptied: the site's default, 480 minutes
        assert as_admin.post(url, _team_post(billing, referral_target_minutes="")).status_code == 302
    assert _due(open_one) == datetime(2026, 11, 28, 16, 0, tzinfo=TEHRAN)


def test_the_services_change_the_same_terms(ticket, agent, admin_user, billing, billing_hours, run_queued):
    open_one, answered, _elsewhere = _referrals(ticket, agent, billing)
    with run_queued():
        customer_services.team_calendar_set(actor=admin_user, team=billing, calendar=billing_hours)
    assert _due(open_one) == IN_BILLING
    with run_queued():
        helpdesk_services.team_update(actor=admin_user, team=billing, data={"referral_target_minutes": 240})
    assert _due(open_one) == datetime(2026, 11, 28, 12, 0, tzinfo=TEHRAN)
    with run_queued():
        assert customer_services.team_calendar_set(actor=admin_user, team=billing, calendar=None) is None
    assert _due(open_one) == WEDNESDAY_LATE + timedelta(minutes=240)  # the default calendar: every day
    assert _due(answered) == IN_DEFAULT


def test_a_save_that_changes_no_terms_sends_and_queues_nothing(
    billing, billing_hours, admin_user, as_admin, django_capture_on_commit_callbacks
):
    TeamCalendar.objects.create(team=billing, calendar=billing_hours)
    sent = []
    sla_terms_changed.connect(receiver := lambda sender, **kwargs: sent.append(kwargs), weak=False)
    try:
        with django_capture_on_commit_callbacks() as queued:
            url = f"/admin/helpdesk/team/{billing.pk}/change/"
            assert as_admin.post(url, _team_post(billing, name="Billing and refunds")).status_code == 302
            assert as_admin.post(_link_url(billing, "change"), {"calendar": billing_hours.pk}).status_code == 302
            helpdesk_services.team_update(actor=admin_user, team=billing, data={"referral_target_minutes": 120})
            customer_services.team_calendar_set(actor=admin_user, team=billing, calendar=billing_hours)
            other = TeamFactory(name="Sales", slug="sales")
            assert customer_services.team_calendar_set(actor=admin_user, team=other, calendar=None) is None
    finally:
        sla_terms_changed.disconnect(receiver)
    assert sent == [] and _rechecks(queued) == []
    billing.refresh_from_db()
    assert billing.name == "Billing and refunds" and billing.referral_target_minutes == 120  # saved all the same


def test_an_agent_changes_no_teams_terms(
    client, agent, admin_user, billing, billing_hours, mornings, django_capture_on_commit_callbacks
):
    TeamCalendar.objects.create(team=billing, calendar=billing_hours)
    client.force_login(agent)
    with django_capture_on_commit_callbacks() as queued:
        attempts = [
            client.post(f"/admin/helpdesk/team/{billing.pk}/change/", _team_post(billing, referral_target_minutes="5")),
            client.post(_link_url(billing, "change"), {"calendar": mornings.pk}),
            client.post(_link_url(billing, "delete"), {"post": "yes"}),
            client.post("/admin/customers/teamcalendar/add/", {"team": agent.teams.get().pk, "calendar": mornings.pk}),
        ]
        with pytest.raises(PermissionDenied):
            helpdesk_services.team_update(actor=agent, team=billing, data={"referral_target_minutes": 5})
        with pytest.raises(PermissionDenied):
            customer_services.team_calendar_set(actor=agent, team=billing, calendar=None)
    assert all(r.status_code == 302 and r["Location"].startswith("/admin/login/") for r in attempts)
    assert _rechecks(queued) == []
    assert Team.objects.get(pk=billing.pk).referral_target_minutes == 120
    assert list(TeamCalendar.objects.values_list("team", "calendar")) == [(billing.pk, billing_hours.pk)]


def test_the_recheck_of_a_team_goes_in_batches_and_leaves_other_teams_alone(ticket, agent, billing):
    open_ones = [_refer(ticket, agent, billing, note=str(i)) for i in range(5)]
    sales = _refer(ticket, agent, TeamFactory(name="Sales", slug="sales"))
    Referral.objects.update(due_at=None)
    assert terms.open_referrals_recheck(policy_ids=[], calendar_ids=[], team_ids=[billing.pk], batch=2) == 5
    assert {_due(r) for r in open_ones} == {IN_DEFAULT} and _due(sales) is None


def test_a_real_worker_moves_the_due_time_after_the_team_change_commits(
    celery_worker, customer, team, other_team, agent, admin_user
):
    calendar = customer_services.calendar_create(name="Every day", time_zone="UTC", periods=EVERY_DAY)
    customer_services.sla_policy_create(name="Standard", calendar=calendar, targets=TARGETS, is_default=True)
    billing_calendar = customer_services.calendar_create(
        name="Billing hours",
        time_zone="Asia/Tehran",
        periods=[{"weekday": day, "start": time(9), "end": time(17)} for day in (5, 6, 0, 1, 2)],
    )
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)
    referral = _refer(ticket, agent, other_team)
    assert referral.due_at == WEDNESDAY_LATE + timedelta(minutes=480)  # the site's default target, every day
    # each commits (no test transaction): the worker takes the job
    customer_services.team_calendar_set(actor=admin_user, team=other_team, calendar=billing_calendar)
    assert wait_for(lambda: _due(referral) == datetime(2026, 11, 28, 16, 0, tzinfo=TEHRAN))
    helpdesk_services.team_update(actor=admin_user, team=other_team, data={"referral_target_minutes": 120})
    assert wait_for(lambda: _due(referral) == IN_BILLING)
