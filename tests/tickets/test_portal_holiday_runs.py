"""The contract page lists holidays of several days as the customer reads them (tickets.portal.holidays):
a yearly run inside its month as "1 to 4 Farvardin", one crossing a month end by its length, a one-off
run by its first and last date (Jalali in Persian), and reads them in a fixed number of queries."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers import services as customer_services
from customers.models import Holiday
from helpdesk import dates

pytestmark = pytest.mark.django_db
HOURS = [{"weekday": day, "start": time(8), "end": time(16)} for day in (5, 6, 0, 1, 2)]


@pytest.fixture
def contract(organization):
    today = timezone.localdate()
    calendar = customer_services.calendar_create(
        name="Tehran office",
        time_zone="Asia/Tehran",
        periods=HOURS,
        holidays=[
            {"name": "Nowruz", "name_fa": "نوروز", "recurrence": "jalali", "month": 1, "day": 1, "days": 4},
            {"name": "Year end", "name_fa": "پایان سال", "recurrence": "jalali", "month": 12, "day": 29, "days": 3},
            {"name": "Winter break", "recurrence": "gregorian", "month": 12, "day": 31, "days": 2},
            {"name": "Move", "recurrence": "once", "date": today + timedelta(days=10), "days": 3},
            {"name": "Under way", "recurrence": "once", "date": today - timedelta(days=1), "days": 3},
            {"name": "Past closure", "recurrence": "once", "date": today - timedelta(days=5), "days": 3},
        ],
    )
    policy = customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        targets=[{"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440}],
    )
    return customer_services.contract_create(
        name="Acme Care", organization=organization, sla_policy=policy, valid_from=date(2020, 1, 1)
    )


def test_runs_of_days_read_as_ranges_in_english(client, customer, contract):
    client.force_login(customer)
    html = client.get("/portal/contract/").content.decode()
    today = timezone.localdate()
    assert "every year, 1 to 4 Farvardin (Persian calendar)" in html
    assert "every year, 3 days from 29 Esfand (Persian calendar)" in html
    assert "every year, 2 days from December 31" in html
    move = today + timedelta(days=10)
    assert f"{dates.format_date(move, 'en')} to {dates.format_date(move + timedelta(days=2), 'en')}" in html
    assert "Under way" in html  # begun yesterday, not over yet
    assert "Past closure" not in html


def test_runs_of_days_read_in_persian_with_jalali_dates(client, customer, contract):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    html = client.get("/portal/contract/").content.decode()
    assert "نوروز" in html and "هر سال، ۱ تا ۴ فروردین (تقویم خورشیدی)" in html
    assert "هر سال، ۳ روز از ۲۹ اسفند (تقویم خورشیدی)" in html
    move = timezone.localdate() + timedelta(days=10)
    first, last = dates.format_date(move, "fa"), dates.format_date(move + timedelta(days=2), "fa")
    assert f"{first} تا {last}" in html
    assert not any(ch.isascii() and ch.isdigit() for ch in first + last)


def test_the_contract_page_reads_holidays_in_a_fixed_number_of_queries(client, customer, contract):
    client.force_login(customer)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/portal/contract/").status_code == 200
    calendar = contract.sla_policy.calendar
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, name=f"Day {n}", recurrence="gregorian", month=6, day=n, days=2) for n in (1, 5, 9)
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/portal/contract/").status_code == 200
    # Holidays come in one prefetch with the policy's targets and periods, however many there are.
    assert len(many.captured_queries) == len(few.captured_queries)
    assert sum("customers_holiday" in q["sql"] for q in many.captured_queries) == 1
