"""The Persian admin writes working-period times as HH:MM in Persian digits (and reads them back), and
decimal amounts (a contract's annual value, its hours bank) in Persian digits with the Persian separator."""

from decimal import Decimal

import pytest
from django.utils import translation

from customers.models import BusinessCalendar
from tests.customers.test_admin import calendar_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_persian(admin_user):
    admin_user.language = "fa"
    admin_user.save()
    with translation.override("fa"):
        yield


def test_persian_period_times_are_read_and_shown_as_persian_hours_and_minutes(admin_client, in_persian):
    response = admin_client.post("/admin/customers/businesscalendar/add/", calendar_post([(0, "۰۹:۰۰", "۲۴:۰۰")]))
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = BusinessCalendar.objects.get(name="Admin calendar")
    page = admin_client.get(f"/admin/customers/businesscalendar/{calendar.pk}/change/").content.decode()
    assert 'value="۰۹:۰۰"' in page and 'value="۲۴:۰۰"' in page
    assert "09:00:00" not in page and 'value="24:00"' not in page


def test_english_period_times_have_no_seconds(admin_client):
    admin_client.post("/admin/customers/businesscalendar/add/", calendar_post([(0, "09:00", "17:30")]))
    calendar = BusinessCalendar.objects.get(name="Admin calendar")
    page = admin_client.get(f"/admin/customers/businesscalendar/{calendar.pk}/change/").content.decode()
    assert 'value="09:00"' in page and 'value="17:30"' in page and "09:00:00" not in page


def test_contract_amounts_are_persian_numbers_in_the_persian_list(admin_client, world, in_persian):
    contract = world.acme_contract
    contract.annual_value, contract.hours_bank = Decimal("12000.00"), Decimal("40.00")
    contract.save()
    page = admin_client.get("/admin/customers/servicecontract/").content.decode()
    assert "۱۲۰۰۰٫۰۰" in page and "۴۰٫۰۰" in page
    assert "12000.00" not in page and ">40.00<" not in page


def test_contract_amounts_stay_as_django_writes_them_in_english(admin_client, world):
    contract = world.acme_contract
    contract.annual_value = Decimal("12000.00")
    contract.save()
    assert "12000.00" in admin_client.get("/admin/customers/servicecontract/").content.decode()
