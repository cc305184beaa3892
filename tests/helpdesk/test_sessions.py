"""Signed-in sessions (issue 17, "Sign-in"): the profile lists them (browser, address, last seen) and
ends any other or all others, which signs that browser out; tokens are ended likewise; the password
change on the profile keeps this session and ends the others."""

import time

import pytest
from django.test import Client

from helpdesk import services
from helpdesk.models import ApiToken, UserSession
from helpdesk.security import sessions
from tests.helpdesk.twofactor_support import give_two_factor, sign_in, totp

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1"


def _browser(user, agent_string: str, address: str) -> Client:
    return sign_in(user, HTTP_USER_AGENT=agent_string, REMOTE_ADDR=address)


def test_the_profile_lists_each_browser_with_its_address(agent):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    _browser(agent, PHONE, "203.0.113.9")
    page = desk.get("/profile/").content.decode()
    assert "Firefox/140.0" in page and "iPhone" in page
    assert "198.51.100.7" in page and "203.0.113.9" in page
    assert page.count("This browser") == 1
    assert UserSession.objects.filter(user=agent).count() == 2


def test_ending_another_session_signs_that_browser_out(agent):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    phone = _browser(agent, PHONE, "203.0.113.9")
    assert phone.get("/agent/").status_code == 200
    row = UserSession.objects.get(user=agent, user_agent=PHONE)
    assert desk.post(f"/profile/sessions/{row.pk}/end/").status_code == 302
    response = phone.get("/agent/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert desk.get("/agent/").status_code == 200


def test_ending_all_others_keeps_this_browser(agent):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    others = [_browser(agent, PHONE, f"203.0.113.{n}") for n in range(1, 4)]
    desk.post("/profile/sessions/end-others/")
    assert all(other.get("/agent/").status_code == 302 for other in others)
    assert desk.get("/agent/").status_code == 200
    assert list(UserSession.objects.filter(user=agent).values_list("user_agent", flat=True)) == [FIREFOX]


def test_this_browser_cannot_end_itself_by_id_and_nobody_ends_another_persons_session(agent, other_agent):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    mine = UserSession.objects.get(user=agent)
    desk.post(f"/profile/sessions/{mine.pk}/end/")
    assert desk.get("/agent/").status_code == 200
    theirs = _browser(other_agent, PHONE, "203.0.113.9")
    row = UserSession.objects.get(user=other_agent)
    assert desk.post(f"/profile/sessions/{row.pk}/end/").status_code == 404
    assert theirs.get("/agent/").status_code == 200
    assert desk.post("/profile/sessions/99999999999999999999/end/").status_code == 404


def test_last_seen_is_written_at_most_every_few_minutes(agent, settings):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    first = UserSession.objects.get(user=agent).last_seen_at
    desk.get("/profile/")
    assert UserSession.objects.get(user=agent).last_seen_at == first
    session = desk.session
    key, seen = session[sessions.SEEN_KEY]
    session[sessions.SEEN_KEY] = [key, seen - settings.HELPDESK_SESSION_SEEN_MINUTES * 60]
    session.save()
    desk.get("/profile/", REMOTE_ADDR="198.51.100.8")
    row = UserSession.objects.get(user=agent)
    assert row.last_seen_at > first and row.ip_address == "198.51.100.8"
    assert time.time() - desk.session[sessions.SEEN_KEY][1] < 60


def test_signing_out_removes_the_session_from_the_list(agent):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    desk.post("/logout/")
    assert not UserSession.objects.filter(user=agent).exists()


def test_passing_two_factor_keeps_the_row_under_the_new_session_key(agent):
    device = give_two_factor(agent)
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    before = desk.session.session_key
    desk.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    desk.get("/profile/")
    row = UserSession.objects.get(user=agent)
    assert row.session_key == desk.session.session_key != before


def test_changing_the_password_on_the_profile_keeps_this_browser_and_ends_the_others(agent):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    phone = _browser(agent, PHONE, "203.0.113.9")
    new = "a-long unusual passphrase 42"
    response = desk.post(
        "/profile/password/", {"old_password": "secret-pass-1", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert desk.get("/profile/").status_code == 200
    assert phone.get("/agent/").status_code == 302
    assert list(UserSession.objects.filter(user=agent).values_list("user_agent", flat=True)) == [FIREFOX]
    assert Client().login(username=agent.email, password=new)


def test_all_tokens_are_revoked_at_once(agent, other_agent):
    for name in ("ci", "reports"):
        services.api_token_create(user=agent, name=name)
    services.api_token_create(user=other_agent, name="theirs")
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    page = desk.get("/profile/").content.decode()
    assert "reports" in page and "theirs" not in page
    desk.post("/profile/tokens/revoke-all/")
    assert not ApiToken.objects.filter(user=agent).exists()
    assert ApiToken.objects.filter(user=other_agent).count() == 1


def test_the_profile_runs_a_fixed_number_of_queries(agent, django_assert_max_num_queries):
    desk = _browser(agent, FIREFOX, "198.51.100.7")
    for n in range(5):
        _browser(agent, PHONE, f"203.0.113.{n + 1}")
        services.api_token_create(user=agent, name=f"t{n}")
    # session, user, tokens, sessions, messages-free page: the same whatever the number of rows
    with django_assert_max_num_queries(8):
        assert desk.get("/profile/").status_code == 200
