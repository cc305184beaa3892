"""Time zones are named in the reader's language wherever one is picked or shown: the profile, the
admin's time zone fields, a calendar's zone (helpdesk.dates.time_zone_label, helpdesk.time_zones)."""

import re

import pytest
from django.test import Client

from customers.models import BusinessCalendar
from helpdesk import dates, time_zones
from helpdesk.models import User

pytestmark = pytest.mark.django_db


def _signed_in(user: User, language: str, time_zone: str = "") -> Client:
    user.language, user.time_zone = language, time_zone
    user.save(update_fields=["language", "time_zone"])
    client = Client()
    client.force_login(user)
    return client


def _options(page: str, name: str = "time_zone") -> list[tuple[str, str, bool]]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, name
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group())
    return [(value, label, bool(selected)) for value, selected, label in found]


def test_the_profile_names_each_zone_in_persian_with_persian_digits(agent):
    options = _options(_signed_in(agent, "fa", "Asia/Tehran").get("/profile/").content.decode())
    by_zone = {value: (label, selected) for value, label, selected in options}
    label, selected = by_zone["Asia/Tehran"]
    assert selected and label.startswith("تهران (UTC+۰") and "Asia/Tehran" not in label
    assert by_zone["UTC"][0] == "زمان هماهنگ جهانی"
    assert by_zone["Europe/Berlin"][0].startswith("برلین (UTC+۰")
    assert not any(re.search(r"[0-9]", label) for value, label, _ in options if value)  # no Latin digits


def test_the_profile_names_each_zone_in_english(agent):
    options = _options(_signed_in(agent, "en", "Asia/Tehran").get("/profile/").content.decode())
    by_zone = {value: (label, selected) for value, label, selected in options}
    assert by_zone["Asia/Tehran"] == ("Tehran (UTC+03:30)", True)
    assert by_zone[""][0] == "As my browser"
    assert 400 <= len(options) <= 450  # places, not the tz database's ~600 ids with its aliases


def test_zones_are_ordered_by_offset_then_by_name_in_the_readers_alphabet():
    for language in ("en", "fa"):
        zones = [zone for zone, _label in time_zones.time_zone_choices(language)]
        offsets = [dates.time_zone_offset(zone) for zone in zones]
        assert offsets == sorted(offsets)  # as of today, as the list was built today
    persian = [zone for zone, _label in time_zones.time_zone_choices("fa")]
    # The same offset (UTC+04:00): «باکو» (b), «تفلیس» (t), «دبی» (d), in the Persian alphabet's order.
    assert persian.index("Asia/Baku") < persian.index("Asia/Tbilisi") < persian.index("Asia/Dubai")
    english = [zone for zone, _label in time_zones.time_zone_choices("en")]
    assert english.index("Asia/Baku") < english.index("Asia/Dubai") < english.index("Asia/Tbilisi")


def test_the_list_is_built_once_per_language_and_kept():
    first = time_zones.time_zone_choices("fa")
    assert time_zones.time_zone_choices("fa") is first
    assert time_zones.time_zone_choices("en") is not first


def test_a_zone_chosen_before_under_an_old_name_stays_chosen_and_valid(agent):
    client = _signed_in(agent, "en", "US/Pacific")  # an alias the list leaves out
    options = _options(client.get("/profile/").content.decode())
    chosen = [(value, label) for value, label, selected in options if selected]
    assert chosen == [("US/Pacific", dates.time_zone_label("US/Pacific", "en"))]
    assert chosen[0][1].startswith("Los Angeles (UTC-0")
    response = client.post("/profile/", {"full_name": "A", "language": "en", "time_zone": "US/Pacific"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.time_zone == "US/Pacific"


def test_an_unknown_zone_is_refused(agent):
    client = _signed_in(agent, "en", "Asia/Tehran")
    response = client.post("/profile/", {"full_name": "A", "language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.time_zone == "Asia/Tehran"


def test_the_profile_keeps_its_queries_and_needs_sign_in(agent, django_assert_max_num_queries):
    client = _signed_in(agent, "fa", "Asia/Tehran")
    client.get("/profile/")  # warm: the list is built once per language and day, outside the count
    # the session, the user, its navigation (teams, counts), tokens, sessions: no query per zone
    with django_assert_max_num_queries(12):
        assert client.get("/profile/").status_code == 200
    assert Client().get("/profile/").status_code == 302


def test_the_admin_picks_a_calendars_zone_by_its_persian_name(admin_user):
    calendar = BusinessCalendar.objects.create(name="Tehran office", time_zone="Asia/Tehran", always_open=True)
    client = _signed_in(admin_user, "fa")
    page = client.get(f"/admin/customers/businesscalendar/{calendar.pk}/change/").content.decode()
    by_zone = {value: (label, selected) for value, label, selected in _options(page)}
    assert by_zone["Asia/Tehran"][1] and by_zone["Asia/Tehran"][0].startswith("تهران")
    listing = client.get("/admin/customers/businesscalendar/").content.decode()
    assert "تهران (UTC+۰" in listing and "Asia/Tehran" not in listing


def test_the_admin_user_form_offers_the_same_zone_picker(admin_user, agent):
    client = _signed_in(admin_user, "en")
    page = client.get(f"/admin/helpdesk/user/{agent.pk}/change/").content.decode()
    options = _options(page)
    assert options[0][:2] == ("", "---------") and ("Asia/Tehran", "Tehran (UTC+03:30)", False) in options


def test_an_agent_cannot_reach_the_admins_zone_fields(agent):
    client = _signed_in(agent, "fa")
    calendar = BusinessCalendar.objects.create(name="Tehran office", time_zone="Asia/Tehran", always_open=True)
    response = client.post(f"/admin/customers/businesscalendar/{calendar.pk}/change/", {"time_zone": "UTC"})
    assert response.status_code == 302
    calendar.refresh_from_db()
    assert calendar.time_zone == "Asia/Tehran"
