"""Nowruz as an administrator in Persian sets it up: a Tehran office calendar saved through the admin (hours
typed in Persian digits, 1 to 4 Farvardin as yearly Jalali holidays, 12 Farvardin 1405 as a one-off day
typed as a Jalali date), and the SLA clock of a ticket opened just before each holiday, through the
service that stores it (tickets.sla.store.sla_refresh with an explicit now)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from customers import services as customer_services
from customers.models import BusinessCalendar, Contact
from tests.customers.conftest import management
from tests.factories import make_ticket
from tickets.models import Message, Ticket
from tickets.sla.store import sla_refresh

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")
SATURDAY_TO_WEDNESDAY = (5, 6, 0, 1, 2)
TARGETS = [{"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 960}]


def _persian_calendar_post() -> dict:
    periods = [(day, "۰۸:۰۰", "۱۶:۰۰") for day in SATURDAY_TO_WEDNESDAY] + [(3, "۰۸:۰۰", "۱۲:۰۰")]
    holidays = [
        {"name": "Nowruz", "name_fa": "نوروز", "recurrence": "jalali", "month": "1", "day": str(day)}
        for day in (1, 2, 3, 4)
    ] + [{"name": "Republic Day", "recurrence": "once", "date": "۱۴۰۵/۰۱/۱۲"}]
    data = {"name": "Tehran office", "time_zone": "Asia/Tehran"}
    data |= management("periods", len(periods))
    for i, (weekday, start, end) in enumerate(periods):
        data |= {f"periods-{i}-weekday": weekday, f"periods-{i}-start": start, f"periods-{i}-end": end}
    data |= management("holidays", len(holidays))
    for i, holiday in enumerate(holidays):
        data |= {f"holidays-{i}-{key}": value for key, value in holiday.items()}
    return data


@pytest.fixture
def tehran_policy(admin_user):
    admin_user.language = "fa"
    admin_user.save(update_fields=["language"])
    client = Client()
    client.force_login(admin_user)
    response = client.post("/admin/customers/businesscalendar/add/", _persian_calendar_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get(name="Tehran office")
    return customer_services.sla_policy_create(name="Tehran", calendar=calendar, is_default=True, targets=TARGETS)


def _opened_at(customer, team, opened: datetime) -> Ticket:
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=opened)
    Message.objects.filter(ticket=ticket).update(created_at=opened)
    ticket.refresh_from_db()
    sla_refresh(ticket=ticket, now=opened + timedelta(minutes=1))
    ticket.refresh_from_db()
    return ticket


def test_the_admins_nowruz_days_are_saved_as_jalali_days_and_the_one_off_as_its_gregorian_date(tehran_policy):
    holidays = tehran_policy.calendar.holidays.order_by("id")
    assert [(h.recurrence, h.month, h.day) for h in holidays[:4]] == [("jalali", 1, day) for day in (1, 2, 3, 4)]
    assert str(holidays[4].date) == "2026-04-01"


def test_a_ticket_opened_on_the_last_thursday_of_1404_is_due_after_nowruz(tehran_policy, customer, team):
    # Thursday 1404/12/28 11:00: one working hour left that day; Friday off; 1 to 4 Farvardin 1405
    # (Saturday 21 to Tuesday 24 March 2026) are holidays; work starts again on Wednesday 1405/01/05.
    ticket = _opened_at(customer, team, datetime(2026, 3, 19, 11, 0, tzinfo=TEHRAN))
    assert ticket.first_response_due_at == datetime(2026, 3, 25, 11, 0, tzinfo=TEHRAN)
    # 16 working hours: 1 on Thursday, 8 on Wednesday 1405/01/05, 4 on Thursday 01/06, 3 on Saturday 01/08.
    assert ticket.resolution_due_at == datetime(2026, 3, 28, 11, 0, tzinfo=TEHRAN)


def test_a_ticket_opened_the_day_before_a_one_off_holiday_skips_it(tehran_policy, customer, team):
    # Tuesday 1405/01/11 15:00; Wednesday 1405/01/12 (1 April 2026) is the one-off holiday.
    ticket = _opened_at(customer, team, datetime(2026, 3, 31, 15, 0, tzinfo=TEHRAN))
    assert ticket.first_response_due_at == datetime(2026, 4, 2, 11, 0, tzinfo=TEHRAN)


def test_the_same_ticket_without_the_holidays_would_be_due_on_1_farvardin(tehran_policy, customer, team):
    tehran_policy.calendar.holidays.all().delete()
    ticket = _opened_at(customer, team, datetime(2026, 3, 19, 11, 0, tzinfo=TEHRAN))
    assert ticket.first_response_due_at == datetime(2026, 3, 21, 11, 0, tzinfo=TEHRAN)
