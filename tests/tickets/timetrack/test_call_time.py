"""A logged call's duration is the agent's time on the ticket: one time entry of the activity marked for
calls (the default "Phone call"), through the time-tracking service; the ticket's total and the Time spent
report include it, and a call without a duration records nothing."""

import pytest
from django.utils import timezone

from tickets import calls
from tickets.models import ActivityType, TimeEntry
from tickets.reports import REPORTS
from tickets.reports.params import ReportForm
from tickets.timetrack.selectors import ticket_time_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_activity(activities):
    """The default types with "Phone call" marked for calls, as the migration leaves them."""
    ActivityType.objects.filter(name="Phone call").update(for_calls=True)
    return ActivityType.objects.get(name="Phone call")


def _call(agent, contact, *, minutes, ticket=None):
    return calls.call_log(
        actor=agent,
        contact=contact,
        ticket=ticket,
        direction=calls.Direction.INBOUND,
        duration_minutes=minutes,
        notes="Walked them through the printer settings.",
    )


def _report_hours(user, **query):
    form = ReportForm({"group_by": "activity", **query}, report=REPORTS["time"])
    assert form.is_valid(), form.errors
    return {str(row["group"]): row["hours"] for row in REPORTS["time"].compute(form.params(user=user)).tables[0].rows}


def test_a_65_minute_call_is_65_minutes_of_the_agents_time_on_the_new_ticket(agent, customer, phone_activity):
    ticket = _call(agent, customer.contact, minutes=65)

    [entry] = TimeEntry.objects.filter(ticket=ticket)
    assert (entry.agent, entry.minutes, entry.activity) == (agent, 65, phone_activity)
    assert entry.performed_on == timezone.localdate() and entry.message.internal  # with the call notes
    assert ticket_time_for(user=agent, ticket=ticket).total_minutes == 65
    assert _report_hours(agent) == {"Phone call": 1.1}  # 65 minutes, in hours to a tenth


def test_a_call_on_an_existing_ticket_adds_its_time_once(agent, customer, acme_ticket, phone_activity, log):
    log(acme_ticket, agent, 30)
    _call(agent, customer.contact, minutes=20, ticket=acme_ticket)

    assert ticket_time_for(user=agent, ticket=acme_ticket).total_minutes == 50
    assert TimeEntry.objects.filter(ticket=acme_ticket, activity=phone_activity).count() == 1
    assert _report_hours(agent) == {"Investigation": 0.5, "Phone call": 0.3}


@pytest.mark.parametrize("minutes", [0, None])
def test_a_call_without_a_duration_records_no_time(agent, customer, phone_activity, minutes):
    ticket = _call(agent, customer.contact, minutes=minutes)
    assert not TimeEntry.objects.filter(ticket=ticket).exists()
    assert ticket_time_for(user=agent, ticket=ticket).total_minutes == 0


def test_without_a_type_marked_for_calls_the_default_activity_is_used(agent, customer, activities):
    ActivityType.objects.update(for_calls=False)
    ticket = _call(agent, customer.contact, minutes=15)
    assert TimeEntry.objects.get(ticket=ticket).activity == ActivityType.objects.filter(is_active=True).first()
