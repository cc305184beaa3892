import pytest
from django.test import Client

from customers.models import BusinessCalendar, Contact, Organization, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


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
    data = calendar_post([], [{"name": "Mehr 31", "recurrence": "jalali", "month": "7", "day": "31"}])
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
