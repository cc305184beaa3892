"""A calendar the SLA maths cannot answer never breaks a ticket: no due times, and an event saying why.

The configuration services refuse such calendars now; these rows are written directly, as data saved
before that check (or a calendar whose one-off holidays later cover years) would be.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, Holiday, SlaPolicy, SlaTarget, TeamCalendar, WorkingPeriod
from tests.factories import make_ticket
from tickets import services
from tickets.models import EventKind, SlaState, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_week(db):
    """A default policy on a calendar with no working hours at all."""
    calendar = BusinessCalendar.objects.create(name="Empty week", time_zone="Asia/Tehran")
    policy = SlaPolicy.objects.create(name="Broken", calendar=calendar, is_default=True)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    return calendar


def unavailable(ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_ERROR, data__part="check"))


def test_ticket_is_created_without_due_times_when_the_calendar_has_no_working_hours(empty_week, customer, agent):
    contact = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=contact, actor=customer)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.first_response_due_at, ticket.resolution_due_at, ticket.sla_state) == (None, None, SlaState.NONE)
    [event] = unavailable(ticket)
    assert (event.data["calendar"], event.data["cause"]) == ("Empty week", "no_working_time")

    services.ticket_reply(ticket=ticket, actor=agent, body="Looking into it")
    services.ticket_reply(ticket=ticket, actor=customer, body="Thanks")
    assert len(unavailable(ticket)) == 1  # said once, not on every reply


def test_the_agent_sees_why_a_ticket_has_no_due_times(empty_week, customer, agent, client):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    client.force_login(agent)
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "SLA due times could not be computed: the business calendar “Empty week” has no working time." in page


def test_creating_and_answering_through_the_api_is_never_a_500(empty_week, as_user, customer, agent):
    created = as_user(customer).post("/api/v1/tickets/", {"subject": "Down", "body": "All of it"}, format="json")
    assert created.status_code == 201, created.content
    ticket_id = created.json()["id"]
    reply = as_user(agent).post(f"/api/v1/tickets/{ticket_id}/messages/", {"body": "On it"}, format="json")
    assert reply.status_code == 201, reply.content


def test_holidays_covering_every_working_period_for_years_leave_no_due_times(customer):
    calendar = BusinessCalendar.objects.create(name="Mondays off", time_zone="Europe/Berlin")
    WorkingPeriod.objects.create(calendar=calendar, weekday=0, start=time(9), end=time(17))
    today = timezone.localdate()
    first_monday = today - timedelta(days=today.weekday())
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, name="Off", date=first_monday + timedelta(weeks=week)) for week in range(200)
    )
    policy = SlaPolicy.objects.create(name="Broken", calendar=calendar, is_default=True)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60)
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at is None
    [event] = unavailable(ticket)
    assert event.data["cause"] == "no_working_time"


def test_fixing_the_calendar_brings_the_due_times_back_on_the_next_change(empty_week, customer, agent):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    BusinessCalendar.objects.filter(pk=empty_week.pk).update(always_open=True)
    services.ticket_reply(ticket=ticket, actor=customer, body="Any news?")
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=60)


def test_a_referral_to_a_team_whose_calendar_never_opens_is_due_in_clock_minutes(
    empty_week, customer, agent, other_team
):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    TeamCalendar.objects.create(team=other_team, calendar=empty_week)
    before = timezone.now()
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund?")
    referral.refresh_from_db()
    minutes = other_team.referral_target_minutes or 480
    assert before + timedelta(minutes=minutes) <= referral.due_at <= timezone.now() + timedelta(minutes=minutes)
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_ERROR, data__part="referral_due").exists()
