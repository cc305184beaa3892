import re

import pytest
from django.test import Client

from customers.models import BusinessCalendar, Contact, Organization, ServiceContract, SlaPolicy
from tests.customers.conftest import calendar_change_post, management

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["organization", "contact", "product", "servicecontract", "slapolicy", "businesscalendar"]
)
def test_admin_pages_load(world, admin_client, model):
    assert admin_client.get(f"/admin/customers/{model}/").status_code == 200
    assert admin_client.get(f"/admin/customers/{model}/add/").status_code == 200


def test_admin_change_pages_load(world, admin_client):
    assert (
        admin_client.get(f"/admin/customers/businesscalendar/{world.standard.calendar_id}/change/").status_code == 200
    )
    assert admin_client.get(f"/admin/customers/slapolicy/{world.standard.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/customers/organization/{world.acme.pk}/change/").status_code == 200


def test_agents_cannot_reach_the_admin(agent):
    client = Client()
    client.force_login(agent)
    assert client.get("/admin/customers/slapolicy/").status_code == 302


def calendar_post(periods: list[tuple[int, str, str]], holidays: list[dict] | None = None) -> dict:
    data = {"name": "Admin calendar", "time_zone": "Asia/Tehran"}
    data |= management("periods", len(periods))
    for i, (weekday, start, end) in enumerate(periods):
        data |= {f"periods-{i}-weekday": weekday, f"periods-{i}-start": start, f"periods-{i}-end": end}
    holidays = holidays or []
    data |= management("holidays", len(holidays))
    for i, holiday in enumerate(holidays):
        data |= {f"holidays-{i}-{key}": value for key, value in holiday.items()}
    return data


def test_admin_rejects_overlapping_periods(admin_user, admin_client):
    data = calendar_post([(0, "09:00", "12:00"), (0, "11:00", "13:00")])
    response = admin_client.post("/admin/customers/businesscalendar/add/", data)
    assert response.status_code == 200
    assert "Monday: 09:00–12:00 overlaps 11:00–13:00." in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Admin calendar").exists()


def test_admin_rejects_a_period_ending_before_it_starts(admin_user, admin_client):
    response = admin_client.post("/admin/customers/businesscalendar/add/", calendar_post([(1, "12:00", "09:00")]))
    assert response.status_code == 200
    assert "The end must be after the start." in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def test_admin_rejects_a_bad_jalali_holiday(admin_user, admin_client):
    data = calendar_post(
        [(0, "09:00", "17:00")], [{"name": "Mehr 31", "recurrence": "jalali", "month": "7", "day": "31"}]
    )
    response = admin_client.post("/admin/customers/businesscalendar/add/", data)
    assert response.status_code == 200
    assert "Month 7 has no day 31." in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def test_admin_saves_a_valid_calendar(admin_user, admin_client):
    data = calendar_post(
        [(0, "09:00", "12:00"), (0, "12:00", "17:00")],
        [{"name": "Nowruz", "recurrence": "jalali", "month": "1", "day": "1"}],
    )
    response = admin_client.post("/admin/customers/businesscalendar/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = BusinessCalendar.objects.get(name="Admin calendar")
    assert (calendar.periods.count(), calendar.holidays.count()) == (2, 1)


def policy_post(calendar, targets: list[dict]) -> dict:
    data = {"name": "Admin policy", "calendar": calendar.pk, "warning_percent": "75", "is_active": "on"}
    data |= management("targets", len(targets))
    for i, target in enumerate(targets):
        data |= {f"targets-{i}-{key}": value for key, value in target.items()}
    data |= management("escalation_steps", 0)
    return data


def test_admin_rejects_non_positive_targets(admin_user, admin_client, calendar):
    data = policy_post(calendar, [{"priority": "high", "first_response_minutes": "0"}])
    response = admin_client.post("/admin/customers/slapolicy/add/", data)
    assert response.status_code == 200
    assert "A target must be at least one minute" in response.content.decode()
    assert not SlaPolicy.objects.filter(name="Admin policy").exists()


def test_admin_refuses_a_second_default_policy_with_a_clear_message(admin_user, admin_client, standard_policy):
    data = policy_post(standard_policy.calendar, []) | {"is_default": "on"}
    response = admin_client.post("/admin/customers/slapolicy/add/", data)
    assert response.status_code == 200
    assert "Standard is already the default policy" in response.content.decode()


def test_admin_saves_a_policy_with_targets(admin_user, admin_client, calendar):
    data = policy_post(calendar, [{"priority": "high", "first_response_minutes": "30", "resolution_minutes": "240"}])
    response = admin_client.post("/admin/customers/slapolicy/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SlaPolicy.objects.get(name="Admin policy").targets.get().first_response_minutes == 30


def test_admin_takes_minutes_typed_with_persian_digits_in_a_text_box_with_a_numeric_keyboard(
    admin_user, admin_client, calendar
):
    form = admin_client.get("/admin/customers/slapolicy/add/").content.decode()
    assert 'type="number"' not in form  # browsers send a number box empty when it holds Persian digits
    assert 'inputmode="numeric" dir="ltr" autocomplete="off" name="warning_percent"' in form
    data = policy_post(calendar, [{"priority": "high", "first_response_minutes": "۳۰", "resolution_minutes": "٢٤٠"}])
    response = admin_client.post("/admin/customers/slapolicy/add/", data | {"warning_percent": "۷۵"})
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SlaPolicy.objects.get(name="Admin policy")
    target = policy.targets.get()
    assert (policy.warning_percent, target.first_response_minutes, target.resolution_minutes) == (75, 30, 240)


def test_admin_contact_goes_through_the_service(admin_user, admin_client, world):
    data = {
        "email": "Phone@Caller.test",
        "phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "full_name": "Caller",
        "organization": world.acme.pk,
    }
    response = admin_client.post("/admin/customers/contact/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = Contact.objects.get(email="phone@caller.test")
    assert contact.phone_digits == "09121234567"
    duplicate = admin_client.post("/admin/customers/contact/add/", data | {"email": "PHONE@caller.TEST"})
    assert duplicate.status_code == 200
    assert "A contact with this email address already exists." in duplicate.content.decode()
    found = admin_client.get("/admin/customers/contact/", {"q": "۰۹۱۲ ۱۲۳"})
    assert "phone@caller.test" in found.content.decode()


def test_admin_refuses_a_domain_claimed_by_another_organization(admin_user, admin_client, world):
    world.acme.domains.create(domain="acme.test")
    data = {"name": "Copycat"} | management("domains", 1) | {"domains-0-domain": "ACME.test"}
    response = admin_client.post("/admin/customers/organization/add/", data)
    assert response.status_code == 200
    assert "already belongs to Acme" in response.content.decode()
    assert not Organization.objects.filter(name="Copycat").exists()


# --- calendars the SLA maths can answer (issue 13) --------------------------------------------


NEEDS_HOURS = "A calendar needs working hours: add at least one working period, or mark it open 24/7."


def test_admin_refuses_a_calendar_without_working_hours(admin_user, admin_client):
    response = admin_client.post("/admin/customers/businesscalendar/add/", calendar_post([]))
    assert response.status_code == 200
    assert NEEDS_HOURS in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def test_admin_refuses_deleting_every_period_of_a_calendar_in_use(admin_user, admin_client, world):
    calendar = world.standard.calendar
    url = f"/admin/customers/businesscalendar/{calendar.pk}/change/"
    response = admin_client.post(url, calendar_change_post(calendar, delete={0, 1, 2, 3, 4}))
    assert response.status_code == 200
    assert NEEDS_HOURS in response.content.decode()
    assert calendar.periods.count() == 5
    # deleting some of them is fine
    response = admin_client.post(url, calendar_change_post(calendar, delete={0}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert calendar.periods.count() == 4


def test_admin_refuses_unticking_24_7_on_a_calendar_without_periods(admin_user, admin_client):
    always = BusinessCalendar.objects.create(name="Always", always_open=True)
    url = f"/admin/customers/businesscalendar/{always.pk}/change/"
    response = admin_client.post(url, calendar_change_post(always))
    assert response.status_code == 200
    assert NEEDS_HOURS in response.content.decode()
    assert BusinessCalendar.objects.get(pk=always.pk).always_open


def test_admin_refuses_holidays_that_cover_every_working_period(admin_user, admin_client):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    mondays = [today + timedelta(days=(7 - today.weekday()) % 7 + 7 * week) for week in range(110)]
    holidays = [{"name": f"Off {day}", "recurrence": "once", "date": day.isoformat()} for day in mondays]
    response = admin_client.post(
        "/admin/customers/businesscalendar/add/", calendar_post([(0, "09:00", "17:00")], holidays)
    )
    assert response.status_code == 200
    assert "The holidays cover every working period of the next two years" in response.content.decode()
    assert not BusinessCalendar.objects.exists()


@pytest.mark.parametrize("midnight", ["00:00", "24:00"])
def test_admin_accepts_an_overnight_shift_split_at_midnight(admin_user, admin_client, midnight):
    data = calendar_post([(0, "22:00", midnight), (1, "00:00", "06:00")])
    response = admin_client.post("/admin/customers/businesscalendar/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get(name="Admin calendar")
    assert [str(period) for period in calendar.periods.all()] == ["Monday 22:00–24:00", "Tuesday 00:00–06:00"]
    page = admin_client.get(f"/admin/customers/businesscalendar/{calendar.pk}/change/").content.decode()
    assert 'name="periods-0-end" value="24:00"' in page


def test_admin_still_refuses_a_period_running_past_midnight(admin_user, admin_client):
    response = admin_client.post("/admin/customers/businesscalendar/add/", calendar_post([(0, "22:00", "06:00")]))
    assert response.status_code == 200
    assert "The end must be after the start." in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def test_admin_refuses_a_target_the_calendar_cannot_reach(admin_user, admin_client, calendar):
    data = policy_post(calendar, [{"priority": "low", "resolution_minutes": "2000000000"}])
    response = admin_client.post("/admin/customers/slapolicy/add/", data)
    assert response.status_code == 200
    assert "more working time than calendar" in response.content.decode()
    assert not SlaPolicy.objects.filter(name="Admin policy").exists()


def test_admin_refuses_a_jalali_looking_holiday_date_in_english(admin_user, admin_client):
    holiday = {"name": "Esfand 30", "recurrence": "once", "date": "1403-12-30"}
    response = admin_client.post(
        "/admin/customers/businesscalendar/add/", calendar_post([(0, "09:00", "17:00")], [holiday])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "looks like a Jalali date" in page and "2025-03-20" in page
    assert not BusinessCalendar.objects.exists()


def test_admin_takes_gregorian_dates_typed_with_persian_digits_in_english(admin_user, admin_client):
    holiday = {"name": "Esfand 30", "recurrence": "once", "date": "۲۰۲۵-۰۳-۲۰"}
    response = admin_client.post(
        "/admin/customers/businesscalendar/add/", calendar_post([(0, "09:00", "17:00")], [holiday])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert str(BusinessCalendar.objects.get().holidays.get().date) == "2025-03-20"


@pytest.mark.parametrize("typed", ["۱۴۰۳/۱۲/۳۰", "1403-12-30"])
def test_admin_in_persian_takes_and_shows_one_off_holidays_in_the_jalali_calendar(persian_admin_client, typed):
    holiday = {"name": "Esfand 30", "recurrence": "once", "date": typed}
    response = persian_admin_client.post(
        "/admin/customers/businesscalendar/add/", calendar_post([(0, "09:00", "17:00")], [holiday])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get()
    assert str(calendar.holidays.get().date) == "2025-03-20"
    page = persian_admin_client.get(f"/admin/customers/businesscalendar/{calendar.pk}/change/").content.decode()
    assert 'value="۱۴۰۳/۱۲/۳۰"' in page


def test_admin_in_persian_refuses_a_gregorian_date_clearly(persian_admin_client):
    holiday = {"name": "Esfand 30", "recurrence": "once", "date": "2025-03-20"}
    response = persian_admin_client.post(
        "/admin/customers/businesscalendar/add/", calendar_post([(0, "09:00", "17:00")], [holiday])
    )
    assert response.status_code == 200
    assert not BusinessCalendar.objects.exists()


def test_contract_validity_is_typed_and_shown_in_the_jalali_calendar_in_persian(
    persian_admin_client, organization, standard_policy
):
    form = persian_admin_client.get("/admin/customers/servicecontract/add/").content.decode()
    assert re.search(r'<input type="text" name="valid_from"[^>]*data-calendar="jalali"', form)
    assert "js/jalali-picker.js" in form
    data = {
        "name": "Gold 1404",
        "organization": organization.pk,
        "sla_policy": standard_policy.pk,
        "valid_from": "۱۴۰۴/۰۱/۰۱",
        "valid_to": "1404/12/29",
        "products": [],
    }
    response = persian_admin_client.post("/admin/customers/servicecontract/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = ServiceContract.objects.get(name="Gold 1404")
    assert (str(contract.valid_from), str(contract.valid_to)) == ("2025-03-21", "2026-03-20")
    page = persian_admin_client.get(f"/admin/customers/servicecontract/{contract.pk}/change/").content.decode()
    assert 'value="۱۴۰۴/۰۱/۰۱"' in page and 'value="۱۴۰۴/۱۲/۲۹"' in page


def test_contract_validity_in_english_is_a_browser_date_box(admin_client, organization, standard_policy):
    form = admin_client.get("/admin/customers/servicecontract/add/").content.decode()
    assert re.search(r'<input type="date" name="valid_from"', form) and "jalali-picker" not in form
    data = {
        "name": "Gold",
        "organization": organization.pk,
        "sla_policy": standard_policy.pk,
        "valid_from": "2025-03-21",
    }
    assert admin_client.post("/admin/customers/servicecontract/add/", data).status_code == 302
    refused = admin_client.post(
        "/admin/customers/servicecontract/add/", data | {"name": "x", "valid_from": "1404/01/01"}
    )
    assert refused.status_code == 200 and not ServiceContract.objects.filter(name="x").exists()
