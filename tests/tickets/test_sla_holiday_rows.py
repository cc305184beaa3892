"""Holiday rows of several days, through the services that save them and the SLA store that reads them
(tickets.sla.store.sla_refresh with an explicit now): one Nowruz row of 4 days is due exactly as the four
rows of one day were, and one-off and yearly Gregorian runs are skipped day by day."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from customers import services as customer_services
from customers.models import Contact, Holiday, SlaPolicy
from tests.factories import make_ticket
from tickets.models import Message, Ticket
from tickets.sla.store import sla_refresh

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")
BERLIN = ZoneInfo("Europe/Berlin")
TEHRAN_HOURS = [{"weekday": d, "start": time(8), "end": time(16)} for d in (5, 6, 0, 1, 2)] + [
    {"weekday": 3, "start": time(8), "end": time(12)}
]
BERLIN_HOURS = [{"weekday": d, "start": time(9), "end": time(17)} for d in range(5)]
TARGETS = [{"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 960}]


def _policy(name: str, *, zone: str, periods, holidays) -> SlaPolicy:
    calendar = customer_services.calendar_create(name=name, time_zone=zone, periods=periods, holidays=holidays)
    return customer_services.sla_policy_create(name=name, calendar=calendar, targets=TARGETS)


def _due(policy: SlaPolicy, customer, team, opened: datetime) -> tuple[datetime, datetime]:
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=opened, sla_policy=policy)
    Message.objects.filter(ticket=ticket).update(created_at=opened)
    ticket.refresh_from_db()
    sla_refresh(ticket=ticket, now=opened + timedelta(minutes=1))
    ticket.refresh_from_db()
    return ticket.first_response_due_at, ticket.resolution_due_at


def test_one_nowruz_row_of_four_days_is_due_as_the_four_rows_were(customer, team):
    rows = _policy(
        "Four rows",
        zone="Asia/Tehran",
        periods=TEHRAN_HOURS,
        holidays=[{"name": "Nowruz", "recurrence": "jalali", "month": 1, "day": d} for d in (1, 2, 3, 4)],
    )
    run = _policy(
        "One row",
        zone="Asia/Tehran",
        periods=TEHRAN_HOURS,
        holidays=[{"name": "Nowruz", "recurrence": "jalali", "month": 1, "day": 1, "days": 4}],
    )
    assert list(run.calendar.holidays.values_list("month", "day", "days")) == [(1, 1, 4)]
    for opened in (
        datetime(2026, 3, 19, 11, 0, tzinfo=TEHRAN),  # Thursday 1404/12/28, before Nowruz 1405
        datetime(2026, 3, 22, 9, 0, tzinfo=TEHRAN),  # during it
        datetime(2027, 3, 17, 15, 0, tzinfo=TEHRAN),  # before Nowruz 1406
    ):
        assert _due(run, customer, team, opened) == _due(rows, customer, team, opened), opened
    # As tests/tickets/test_sla_nowruz.py counts it: work starts again on Wednesday 1405/01/05.
    assert _due(run, customer, team, datetime(2026, 3, 19, 11, 0, tzinfo=TEHRAN)) == (
        datetime(2026, 3, 25, 11, 0, tzinfo=TEHRAN),
        datetime(2026, 3, 28, 11, 0, tzinfo=TEHRAN),
    )


def test_a_one_off_run_of_days_is_skipped_day_by_day(customer, team):
    # Christmas week 2026 off: Monday 21 to Friday 25 December; the next working day is Monday 28th.
    policy = _policy(
        "Berlin",
        zone="Europe/Berlin",
        periods=BERLIN_HOURS,
        holidays=[{"name": "Christmas week", "recurrence": "once", "date": date(2026, 12, 21), "days": 5}],
    )
    first, resolution = _due(policy, customer, team, datetime(2026, 12, 18, 15, 0, tzinfo=BERLIN))
    assert first == datetime(2026, 12, 28, 11, 0, tzinfo=BERLIN)  # 2 hours on Friday, 2 on Monday
    assert resolution == datetime(2026, 12, 29, 15, 0, tzinfo=BERLIN)  # 2 + 8 + 6 hours


def test_a_yearly_gregorian_run_crosses_from_31_december_to_1_january(customer, team):
    policy = _policy(
        "Berlin",
        zone="Europe/Berlin",
        periods=BERLIN_HOURS,
        holidays=[{"name": "New Year", "recurrence": "gregorian", "month": 12, "day": 31, "days": 2}],
    )
    # Wednesday 30 December 2026, 16:00: Thursday 31st and Friday 1 January are off.
    first, _ = _due(policy, customer, team, datetime(2026, 12, 30, 16, 0, tzinfo=BERLIN))
    assert first == datetime(2027, 1, 4, 12, 0, tzinfo=BERLIN)  # 1 hour on Wednesday, 3 on Monday
    # And every year: Friday 31 December 2027 and Saturday 1 January 2028.
    first, _ = _due(policy, customer, team, datetime(2027, 12, 30, 16, 0, tzinfo=BERLIN))
    assert first == datetime(2028, 1, 3, 12, 0, tzinfo=BERLIN)


@pytest.mark.parametrize("days", [0, 367])
def test_a_holiday_of_no_days_or_more_than_a_year_is_refused_by_the_service(days):
    with pytest.raises(ValidationError) as refused:
        customer_services.calendar_create(
            name="Berlin",
            periods=BERLIN_HOURS,
            holidays=[{"name": "Long", "recurrence": "gregorian", "month": 12, "day": 24, "days": days}],
        )
    assert refused.value.message_dict["holidays"] == ["Long: A holiday lasts from 1 to 366 days (366 is a whole year)."]
    assert not Holiday.objects.exists()


def test_a_yearly_run_that_covers_every_working_day_leaves_no_working_time():
    with pytest.raises(ValidationError) as refused:
        customer_services.calendar_create(
            name="Never",
            periods=BERLIN_HOURS,
            holidays=[{"name": "Always", "recurrence": "jalali", "month": 1, "day": 1, "days": 366}],
        )
    assert "cover every working period" in refused.value.message_dict["holidays"][0]
