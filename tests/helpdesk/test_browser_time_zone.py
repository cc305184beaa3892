"""A signed-in person without a time zone: the page's script sends the browser's once
(POST /profile/time-zone/, CSRF-checked, a known zone only) and it is stored through the preference
service; a zone the person chose is never overwritten. The Persian demo people work in Tehran."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from customers.models import Contact
from helpdesk import services
from helpdesk.models import User

pytestmark = pytest.mark.django_db

URL = "/profile/time-zone/"


def _browser(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_the_browsers_zone_is_stored_for_a_user_without_one(agent):
    response = _browser(agent).post(URL, {"time_zone": "Asia/Tehran"})
    assert response.status_code == 200 and response.json() == {"stored": True}
    agent.refresh_from_db()
    assert agent.time_zone == "Asia/Tehran"


def test_a_zone_the_user_chose_is_never_overwritten(agent):
    services.user_set_preferences(user=agent, time_zone="Europe/Berlin")
    response = _browser(agent).post(URL, {"time_zone": "Asia/Tehran"})
    assert response.json() == {"stored": False}
    agent.refresh_from_db()
    assert agent.time_zone == "Europe/Berlin"


def test_a_copy_read_before_the_choice_does_not_overwrite_it(agent):
    stale = User.objects.get(pk=agent.pk)
    services.user_set_preferences(user=agent, time_zone="Europe/Berlin")
    assert services.user_guess_time_zone(user=stale, time_zone="Asia/Tehran") is False
    agent.refresh_from_db()
    assert agent.time_zone == "Europe/Berlin"


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "../../etc/passwd", "asia/tehran", "Asia/Tehran\x00"])
def test_an_unknown_zone_is_refused(agent, zone):
    response = _browser(agent).post(URL, {"time_zone": zone})
    assert response.status_code == 400
    agent.refresh_from_db()
    assert agent.time_zone == ""


def test_the_endpoint_needs_the_csrf_token_a_post_and_a_sign_in(agent, client):
    assert _browser(agent, csrf=True).post(URL, {"time_zone": "Asia/Tehran"}).status_code == 403
    assert _browser(agent).get(URL).status_code == 405
    assert client.post(URL, {"time_zone": "Asia/Tehran"}).status_code == 302
    agent.refresh_from_db()
    assert agent.time_zone == ""


def test_a_customers_contact_follows_the_stored_zone(customer):
    _browser(customer).post(URL, {"time_zone": "Asia/Tehran"})
    assert Contact.objects.get(user=customer).time_zone == "Asia/Tehran"


def test_the_page_asks_for_the_zone_only_while_the_user_has_none(agent):
    browser = _browser(agent)
    assert f'data-time-zone-url="{URL}"' in browser.get("/profile/").content.decode()
    services.user_set_preferences(user=agent, time_zone="Asia/Tehran")
    assert "data-time-zone-url" not in browser.get("/profile/").content.decode()


def test_the_persian_demo_people_work_in_tehran():
    from customers import demo as customers_demo
    from helpdesk import demo as core_demo

    core_demo.load()
    customers_demo.load()
    zones = dict(User.objects.filter(language="fa").values_list("email", "time_zone"))
    assert zones and set(zones.values()) == {"Asia/Tehran"}, zones
    assert set(User.objects.exclude(language="fa").values_list("time_zone", flat=True)) == {""}
    assert Contact.objects.get(email="sara@parsian.example.org").time_zone == "Asia/Tehran"


def test_the_service_refuses_what_the_profile_would_not_offer(agent):
    with pytest.raises(ValidationError):
        services.user_guess_time_zone(user=agent, time_zone="Nowhere/Land")
