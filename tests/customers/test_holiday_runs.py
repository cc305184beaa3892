"""A holiday of several days (Holiday.days): entered once in the admin, in Persian as in English, and
through the API by administrators only; 0 days or more than 366 are refused clearly, nothing saved."""

import pytest

from customers.models import BusinessCalendar, Holiday

from .test_admin import calendar_post

pytestmark = pytest.mark.django_db
NOWRUZ = {"name": "Nowruz", "name_fa": "نوروز", "recurrence": "jalali", "month": "1", "day": "1"}
TOO_LONG_FA = "یک تعطیلی از ۱ تا ۳۶۶ روز است (۳۶۶ روز یک سال کامل است)."
TOO_LONG = "A holiday lasts from 1 to 366 days (366 is a whole year)."


@pytest.mark.parametrize("typed", ["4", "۴"])
def test_the_admin_in_persian_saves_nowruz_as_one_row_of_four_days(persian_admin_client, typed):
    post = calendar_post([(5, "08:00", "16:00")], [NOWRUZ | {"days": typed}])
    response = persian_admin_client.post("/admin/customers/businesscalendar/add/", post)
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get()
    assert list(calendar.holidays.values_list("recurrence", "month", "day", "days")) == [("jalali", 1, 1, 4)]
    page = persian_admin_client.get(f"/admin/customers/businesscalendar/{calendar.pk}/change/").content.decode()
    assert "تعداد روزها" in page  # the column, in Persian
    assert 'name="holidays-0-days"' in page


def test_a_holiday_row_posted_without_days_is_one_day(persian_admin_client):
    response = persian_admin_client.post(
        "/admin/customers/businesscalendar/add/", calendar_post([(5, "08:00", "16:00")], [NOWRUZ])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Holiday.objects.get().days == 1


@pytest.mark.parametrize("typed", ["0", "367", "۰"])
def test_the_admin_in_persian_refuses_no_days_or_more_than_a_year_in_persian(persian_admin_client, typed):
    post = calendar_post([(5, "08:00", "16:00")], [NOWRUZ | {"days": typed}])
    response = persian_admin_client.post("/admin/customers/businesscalendar/add/", post)
    assert response.status_code == 200
    assert TOO_LONG_FA in response.content.decode()
    assert not BusinessCalendar.objects.exists() and not Holiday.objects.exists()


def test_the_admin_in_english_refuses_a_holiday_of_no_days(admin_client):
    post = calendar_post([(5, "08:00", "16:00")], [NOWRUZ | {"days": "0"}])
    response = admin_client.post("/admin/customers/businesscalendar/add/", post)
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def _calendar(holiday: dict) -> dict:
    return {
        "name": "Tehran",
        "time_zone": "Asia/Tehran",
        "periods": [{"weekday": 5, "start": "08:00", "end": "16:00"}],
        "holidays": [holiday],
    }


RUN = {"name": "Nowruz", "recurrence": "jalali", "month": 1, "day": 1, "days": 4}


def test_an_admin_writes_and_reads_a_holiday_of_four_days_through_the_api(as_user, admin_user):
    client = as_user(admin_user)
    created = client.post("/api/v1/calendars/", _calendar(RUN), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["holidays"] == [RUN | {"name_fa": "", "date": None}]
    url = f"/api/v1/calendars/{created.json()['id']}/"
    christmas = {"name": "Christmas", "recurrence": "once", "date": "2026-12-21", "days": 5}
    changed = client.patch(url, {"holidays": [christmas]}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["holidays"] == [christmas | {"name_fa": "", "month": None, "day": None}]
    assert client.get(url).json()["holidays"] == changed.json()["holidays"]


def test_days_left_out_of_the_api_is_one_day(as_user, admin_user):
    created = as_user(admin_user).post("/api/v1/calendars/", _calendar(NOWRUZ_API), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["holidays"][0]["days"] == 1


NOWRUZ_API = {"name": "Nowruz", "recurrence": "jalali", "month": 1, "day": 1}


@pytest.mark.parametrize("days", [0, 367, -4])
def test_a_holiday_of_no_days_or_more_than_a_year_is_a_clear_400(as_user, admin_user, days):
    response = as_user(admin_user).post("/api/v1/calendars/", _calendar(RUN | {"days": days}), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["holidays"] == [f"Nowruz: {TOO_LONG}"]
    assert not BusinessCalendar.objects.exists()


def test_the_400_reads_in_persian_with_persian_digits(as_user, admin_user):
    payload = _calendar(RUN | {"days": 400})
    response = as_user(admin_user).post("/api/v1/calendars/", payload, format="json", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400
    assert response.json()["errors"]["holidays"] == [f"Nowruz: {TOO_LONG_FA}"]


@pytest.mark.parametrize("name", ["agent", "customer", "other_customer", "anonymous"])
def test_only_admins_write_holidays_of_several_days(world, as_user, persona, name):
    client = as_user(persona(name))
    refused = 401 if name == "anonymous" else 403
    assert client.post("/api/v1/calendars/", _calendar(RUN), format="json").status_code == refused
    url = f"/api/v1/calendars/{world.standard.calendar_id}/"
    assert client.patch(url, {"holidays": [RUN]}, format="json").status_code == refused
    assert not Holiday.objects.filter(days=4).exists()


def test_the_schema_documents_days(as_user, agent):
    schema = as_user(agent).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    holiday = schema["components"]["schemas"]["Holiday"]["properties"]["days"]
    assert holiday["type"] == "integer" and "1 to 366" in holiday["description"]
