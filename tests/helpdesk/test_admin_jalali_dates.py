"""Every editable date and moment in the admin is typed in the reader's calendar: Jalali (any digits) in
fa, Gregorian in en, through one mechanism, the admin's field defaults (helpdesk.admin_dates.install).
Change forms, inlines and list_editable all take their fields from there."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client, RequestFactory

from customers.models import BusinessCalendar, ServiceContract, SlaPolicy
from helpdesk.calendar_dates import CalendarDateField, CalendarSplitDateTimeField
from helpdesk.models import User

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")


def _client(user: User, language: str, time_zone: str = "Asia/Tehran") -> Client:
    user.language, user.time_zone = language, time_zone
    user.save(update_fields=["language", "time_zone"])
    client = Client()
    client.force_login(user)
    return client


def _user_change(client: Client, user: User) -> dict:
    """The user change form as it stands, ready to post back (its own date boxes as they are shown)."""
    form = client.get(f"/admin/helpdesk/user/{user.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"teams": [t.pk for t in user.teams.all()], "groups": [], "user_permissions": []})
    data["last_login_0"], data["last_login_1"] = "", ""
    return data


def _forms(model_admin, request):
    """(model, form fields) of a ModelAdmin's change form and of each of its inlines' forms."""
    obj = model_admin.model._default_manager.first()  # a change form (a user's add form has no dates)
    yield model_admin.model, model_admin.get_form(request, obj, change=obj is not None).base_fields
    for inline in model_admin.get_inline_instances(request):
        yield inline.model, inline.get_formset(request).form.base_fields


def test_every_admin_date_box_is_in_the_readers_calendar(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = set()
    for model_admin in admin.site._registry.values():
        for model, fields in _forms(model_admin, request):
            for name, field in fields.items():
                db_field = next((f for f in model._meta.get_fields() if f.name == name), None)
                if isinstance(db_field, models.DateTimeField):
                    assert isinstance(field, CalendarSplitDateTimeField), f"{model.__name__}.{name}"
                elif isinstance(db_field, models.DateField):
                    assert isinstance(field, CalendarDateField), f"{model.__name__}.{name}"
                else:
                    continue
                checked.add(f"{model.__name__}.{name}")
    # at least: a user's joined date, a contract's validity, a calendar's one-off holiday (an inline)
    assert {"User.date_joined", "ServiceContract.valid_from", "Holiday.date"} <= checked, checked


def test_a_moment_typed_in_jalali_in_persian_is_stored_as_the_right_utc_moment(admin_user, agent):
    persian = _client(admin_user, "fa")
    page = persian.get(f"/admin/helpdesk/user/{agent.pk}/change/").content.decode()
    assert 'data-calendar="jalali"' in page and 'class="vDateField"' not in page
    data = _user_change(persian, agent) | {"date_joined_0": "۱۴۰۵/۰۱/۰۱", "date_joined_1": "۰۹:۳۰"}
    response = persian.post(f"/admin/helpdesk/user/{agent.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agent.refresh_from_db()
    assert agent.date_joined == datetime(2026, 3, 21, 9, 30, tzinfo=TEHRAN)  # 06:00 UTC
    assert agent.date_joined.astimezone(UTC).hour == 6

    shown = persian.get(f"/admin/helpdesk/user/{agent.pk}/change/").content.decode()
    assert 'value="۰۹:۳۰:۰۰"' in shown  # the time of day in Persian digits too
    assert 'value="۱۴۰۵/۰۱/۰۱"' in shown and 'name="initial-date_joined_0" value="۱۴۰۵/۰۱/۰۱"' in shown
    assert "2026-03-21" not in shown


def test_a_gregorian_date_in_a_persian_moment_box_is_refused_not_guessed(admin_user, agent):
    persian = _client(admin_user, "fa")
    before = User.objects.get(pk=agent.pk).date_joined
    data = _user_change(persian, agent) | {"date_joined_0": "2026-03-21", "date_joined_1": "09:30"}
    response = persian.post(f"/admin/helpdesk/user/{agent.pk}/change/", data)
    assert response.status_code == 200
    assert "date_joined" in response.context["adminform"].form.errors
    assert User.objects.get(pk=agent.pk).date_joined == before


def test_an_english_admin_types_moments_in_gregorian_and_a_jalali_date_is_refused(admin_user, agent):
    english = _client(admin_user, "en", "UTC")
    page = english.get(f"/admin/helpdesk/user/{agent.pk}/change/").content.decode()
    assert 'type="date" name="date_joined_0"' in page and 'data-calendar="jalali"' not in page
    data = _user_change(english, agent) | {"date_joined_0": "2026-03-21", "date_joined_1": "09:30"}
    assert english.post(f"/admin/helpdesk/user/{agent.pk}/change/", data).status_code == 302
    agent.refresh_from_db()
    assert agent.date_joined == datetime(2026, 3, 21, 9, 30, tzinfo=UTC)

    data |= {"date_joined_0": "1405/01/01"}
    assert english.post(f"/admin/helpdesk/user/{agent.pk}/change/", data).status_code == 200
    agent.refresh_from_db()
    assert agent.date_joined.year == 2026


def test_a_contract_day_typed_in_jalali_is_stored_gregorian_and_shown_jalali(admin_user, organization):
    persian = _client(admin_user, "fa")
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar)
    data = {"name": "1405", "organization": organization.pk, "sla_policy": policy.pk, "valid_from": "۱۴۰۵/۰۱/۰۱"}
    response = persian.post("/admin/customers/servicecontract/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = ServiceContract.objects.get(name="1405")
    assert contract.valid_from.isoformat() == "2026-03-21"
    page = persian.get(f"/admin/customers/servicecontract/{contract.pk}/change/").content.decode()
    assert 'value="۱۴۰۵/۰۱/۰۱"' in page


def test_an_agent_cannot_post_a_date_to_the_admin(agent, other_agent):
    browser = _client(agent, "fa")
    before = User.objects.get(pk=other_agent.pk).date_joined
    response = browser.post(
        f"/admin/helpdesk/user/{other_agent.pk}/change/", {"date_joined_0": "۱۴۰۵/۰۱/۰۱", "date_joined_1": "۰۹:۳۰"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert User.objects.get(pk=other_agent.pk).date_joined == before
