"""Whoever has not chosen a time zone sees times in their browser's (the cookie static/js/app.js writes,
read by helpdesk.middleware.browser_time_zone); a zone chosen in the profile wins; a cookie that names no
known zone is ignored and the site's zone (UTC in the tests) is used."""

import re

import pytest
from django.test import Client

from helpdesk.middleware import BROWSER_TIME_ZONE_COOKIE
from helpdesk.models import User
from tickets import services

pytestmark = pytest.mark.django_db


def _offsets(client: Client, path: str) -> set[str]:
    """The UTC offsets of the moments a page prints in <time datetime="...">."""
    response = client.get(path)
    assert response.status_code == 200
    return set(re.findall(r'<time datetime="[^"]*?([+-]\d\d:\d\d)"', response.content.decode()))


@pytest.fixture
def listed(agent, customer):
    return services.ticket_open(
        actor=agent, requester=customer.contact, subject="Printer jams", body="It jams.", team=agent.teams.get()
    )


def _client(user: User, cookie: str | None) -> Client:
    client = Client()
    client.force_login(user)
    if cookie is not None:
        client.cookies[BROWSER_TIME_ZONE_COOKIE] = cookie
    return client


@pytest.mark.parametrize(
    ("chosen", "cookie", "offset"),
    [
        ("", None, "+00:00"),  # nothing known: the site's zone
        ("", "Asia/Tehran", "+03:30"),  # the browser's
        ("", "America/Argentina/Buenos_Aires", "-03:00"),  # a zone of three parts
        ("Europe/Berlin", "Asia/Tehran", "+01:00"),  # a chosen zone wins (December: no summer time)
        ("", "../../etc/passwd", "+00:00"),  # not a zone: ignored, never opened as a file
        ("", "Mars/Olympus_Mons", "+00:00"),
        ("", "asia/tehran", "+00:00"),  # zone names are exact
    ],
)
def test_times_show_in_the_browsers_zone_unless_one_is_chosen(agent, listed, chosen, cookie, offset, settings):
    settings.USE_TZ = True
    User.objects.filter(pk=agent.pk).update(time_zone=chosen)
    agent.refresh_from_db()
    listed.__class__.objects.filter(pk=listed.pk).update(updated_at="2026-12-01T10:00:00Z")
    assert _offsets(_client(agent, cookie), "/agent/tickets/?view=all") == {offset}


def test_a_customer_and_the_sign_in_page_follow_the_browser_too(customer, listed):
    """The portal lists the customer's requests in their browser's zone; anonymous pages read the cookie
    too (the sign-in page has no moments, so the middleware's choice is checked on the portal)."""
    listed.__class__.objects.filter(pk=listed.pk).update(updated_at="2026-06-01T10:00:00Z")
    offsets = _offsets(_client(customer, "Asia/Tehran"), "/portal/")
    assert offsets == {"+03:30"}, offsets  # June: Tehran keeps +03:30 (no summer time since 2022)


def test_the_profile_says_what_an_empty_choice_means(agent):
    client = _client(agent, "Asia/Tehran")
    page = client.get("/profile/").content.decode()
    assert "As my browser" in page
    assert "Site default" not in page
    assert "Coordinated Universal Time" in page  # the site's zone, named for when the browser's is unknown
    client.post("/i18n/setlang/", {"language": "fa", "next": "/profile/"})
    User.objects.filter(pk=agent.pk).update(language="fa")
    page = client.get("/profile/").content.decode()
    assert "مرورگرم" in page
