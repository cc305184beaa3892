"""Two-factor sign-in (issue 17, "Sign-in"): forced set-up for staff when the site requires it, codes
from an authenticator app computed here, recovery codes that work once, the limit on wrong codes, and
the API refusing an unverified session."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk import services
from helpdesk.exceptions import NotAllowed
from helpdesk.models import User
from tests.helpdesk.twofactor_support import give_two_factor, sign_in, totp

pytestmark = pytest.mark.django_db

T0 = 1_900_000_800.0  # a whole hour of the Unix clock: the code limit's window starts here


@pytest.fixture
def required(settings):
    settings.HELPDESK_REQUIRE_2FA_FOR_STAFF = True


@pytest.fixture
def no_device_wait(settings):
    """django-otp's own wait after a wrong code is in real seconds: off where a right code follows at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def limiter_clock(monkeypatch):
    """The code limit's clock, moved by hand; TOTP codes still use the real time."""
    now = {"t": T0}
    monkeypatch.setattr("helpdesk.ratelimit.clock", lambda: now["t"])
    return now


@pytest.mark.parametrize("persona_name, page", [("agent", "/agent/"), ("admin_user", "/admin/")])
def test_staff_are_sent_to_set_up_two_factor_before_any_agent_or_admin_page(required, persona, persona_name, page):
    client = sign_in(persona(persona_name))
    for path in (page, "/profile/", "/agent/tickets/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/profile/two-factor/?next=")
    assert client.get("/profile/two-factor/").status_code == 200


def test_without_the_setting_staff_are_not_forced(agent):
    client = sign_in(agent)
    assert client.get("/agent/").status_code == 200


def test_a_customer_is_not_forced_when_staff_are(required, customer):
    client = sign_in(customer)
    assert client.get("/portal/").status_code == 200


def test_set_up_with_a_real_code_turns_it_on_and_shows_recovery_codes_once(required, agent, no_device_wait):
    client = sign_in(agent)
    page = client.get("/profile/two-factor/?next=/agent/")
    assert b"<svg" in page.content  # the QR code, inline
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url

    assert client.post("/profile/two-factor/", {"code": "000000"}).status_code == 400
    response = client.post("/profile/two-factor/", {"code": totp(device.key), "next": "/agent/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    agent.refresh_from_db()
    assert agent.two_factor_enabled
    assert TOTPDevice.objects.get(user=agent).confirmed
    assert client.get("/agent/").status_code == 200
    # shown once: the set-up page now sends a verified session to its profile, without codes
    again = client.get("/profile/two-factor/")
    assert again.status_code == 302 and again["Location"] == "/profile/"


def test_after_the_password_a_real_code_opens_the_page_asked_for(required, agent, no_device_wait):
    device = give_two_factor(agent)
    client = sign_in(agent)
    response = client.get("/agent/")
    assert response["Location"] == "/profile/two-factor/verify/?next=%2Fagent%2F"
    wrong = client.post("/profile/two-factor/verify/", {"code": "123456", "next": "/agent/"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    response = client.post("/profile/two-factor/verify/", {"code": totp(device.key), "next": "/agent/"})
    assert response.status_code == 302 and response["Location"] == "/agent/"
    assert client.get("/agent/").status_code == 200


def test_a_user_who_turned_it_on_is_asked_even_when_not_required(customer):
    device = give_two_factor(customer)
    client = sign_in(customer)
    assert client.get("/portal/")["Location"].startswith("/profile/two-factor/verify/")
    client.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    assert client.get("/portal/").status_code == 200


def test_a_recovery_code_works_once(agent):
    give_two_factor(agent, recovery=("abcd2345",))
    first = sign_in(agent)
    assert first.post("/profile/two-factor/verify/", {"code": "ABCD 2345"}).status_code == 302
    assert first.get("/agent/").status_code == 200
    second = sign_in(agent)
    assert second.post("/profile/two-factor/verify/", {"code": "abcd2345"}).status_code == 400
    assert second.get("/agent/").status_code == 302
    assert not StaticToken.objects.filter(device__user=agent).exists()


def test_wrong_codes_are_limited_and_the_wait_ends(agent, settings, limiter_clock, no_device_wait):
    device = give_two_factor(agent)
    client = sign_in(agent)
    for _n in range(settings.HELPDESK_2FA_FAILURES):
        assert client.post("/profile/two-factor/verify/", {"code": "000000"}).status_code == 400
    refused = client.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.HELPDESK_SIGNIN_WINDOW_SECONDS
    assert "Too many wrong codes" in refused.content.decode()
    # another browser does not get around it: the limit is the account's
    assert sign_in(agent).post("/profile/two-factor/verify/", {"code": totp(device.key)}).status_code == 429
    limiter_clock["t"] += settings.HELPDESK_SIGNIN_WINDOW_SECONDS
    assert client.post("/profile/two-factor/verify/", {"code": totp(device.key)}).status_code == 302


def test_django_otp_makes_a_device_wait_after_a_wrong_code(agent):
    device = give_two_factor(agent)
    client = sign_in(agent)
    client.post("/profile/two-factor/verify/", {"code": "000000"})
    # within the second after a failure even the right code is refused (django-otp's own throttle)
    assert client.post("/profile/two-factor/verify/", {"code": totp(device.key)}).status_code == 400


def test_an_unverified_session_cannot_replace_the_app(agent):
    give_two_factor(agent)
    client = sign_in(agent)
    response = client.post("/profile/two-factor/", {"code": "000000"})
    assert response["Location"] == "/profile/two-factor/verify/"
    assert not TOTPDevice.objects.filter(user=agent, confirmed=False).exists()


def test_the_session_api_refuses_an_unverified_session(required, agent):
    client = sign_in(agent)
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 403 and response.json()["code"] == "two_factor_required"
    device = give_two_factor(agent)
    client.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    assert client.get("/api/v1/auth/me/").status_code == 200


def test_a_customer_without_two_factor_keeps_using_the_session_api(required, customer):
    assert sign_in(customer).get("/api/v1/auth/me/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(agent, no_device_wait):
    device = give_two_factor(agent, recovery=("oldcode11",))
    client = sign_in(agent)
    client.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    page = client.get("/profile/")
    assert "1 recovery code left" in page.content.decode()
    response = client.post("/profile/two-factor/recovery-codes/")
    codes = response.context["codes"]
    assert len(codes) == 10 and "oldcode11" not in codes
    other = sign_in(agent)
    assert other.post("/profile/two-factor/verify/", {"code": "oldcode11"}).status_code == 400
    assert other.post("/profile/two-factor/verify/", {"code": codes[0]}).status_code == 302


def test_turning_it_off_is_refused_when_required_and_allowed_otherwise(agent, settings):
    device = give_two_factor(agent)
    client = sign_in(agent)
    client.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    settings.HELPDESK_REQUIRE_2FA_FOR_STAFF = True
    client.post("/profile/two-factor/off/")
    assert User.objects.get(pk=agent.pk).two_factor_enabled
    settings.HELPDESK_REQUIRE_2FA_FOR_STAFF = False
    client.post("/profile/two-factor/off/")
    assert not User.objects.get(pk=agent.pk).two_factor_enabled
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_an_app_removed_by_an_administrator_leads_to_a_new_set_up(agent):
    give_two_factor(agent)
    TOTPDevice.objects.filter(user=agent).delete()  # what the admin's "delete" on the device does
    client = sign_in(agent)
    assert client.get("/profile/two-factor/verify/")["Location"] == "/profile/two-factor/"
    assert client.get("/profile/two-factor/").status_code == 200


def test_the_admin_login_also_asks_for_the_code(admin_user):
    device = give_two_factor(admin_user)
    client = sign_in(admin_user, client=None)
    client.logout()
    response = client.post("/admin/login/?next=/admin/", {"username": admin_user.email, "password": "secret-pass-1"})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/profile/two-factor/verify/")
    client.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    assert client.get("/admin/").status_code == 200


def test_the_pages_speak_persian(required, agent):
    User.objects.filter(pk=agent.pk).update(language="fa")
    client = sign_in(agent)
    page = client.get("/profile/two-factor/").content.decode()
    assert 'dir="rtl"' in page
    assert re.search("ورود دو مرحله‌ای", page)


def test_making_a_token_needs_a_verified_session(agent, no_device_wait):
    device = give_two_factor(agent)
    client = sign_in(agent)
    # the pages send an unverified session to the code first; the session API refuses it
    assert client.post("/profile/tokens/", {"name": "ci"})["Location"].startswith("/profile/two-factor/verify/")
    refused = client.post("/api/v1/auth/tokens/", {"name": "ci"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "two_factor_required"
    assert not agent.api_tokens.exists()
    client.post("/profile/two-factor/verify/", {"code": totp(device.key)})
    assert client.post("/profile/tokens/", {"name": "ci"}).status_code == 200
    made = client.post("/api/v1/auth/tokens/", {"name": "deploy"}, content_type="application/json")
    assert made.status_code == 201
    # a token does not make another token for a two-factor account: that needs the verified browser
    other = Client(HTTP_AUTHORIZATION=f"Token {made.json()['key']}")
    again = other.post("/api/v1/auth/tokens/", {"name": "more"}, content_type="application/json")
    assert again.status_code == 403 and again.json()["code"] == "two_factor_required"
    assert sorted(agent.api_tokens.values_list("name", flat=True)) == ["ci", "deploy"]


def test_the_service_refuses_a_token_without_the_second_factor(agent, required):
    with pytest.raises(NotAllowed):
        services.api_token_create(user=agent, name="ci")
    assert services.api_token_create(user=agent, name="ci", verified=True)[0].name == "ci"


def test_the_token_login_asks_a_two_factor_account_for_its_code(agent, no_device_wait):
    device = give_two_factor(agent)
    login = {"email": agent.email, "password": "secret-pass-1"}
    api = Client()
    missing = api.post("/api/v1/auth/token/", login, content_type="application/json")
    assert missing.status_code == 403 and missing.json()["code"] == "two_factor_required"
    wrong = api.post("/api/v1/auth/token/", {**login, "otp": "000000"}, content_type="application/json")
    assert wrong.status_code == 400 and "otp" in wrong.json()["errors"]
    assert not agent.api_tokens.exists()
    right = api.post("/api/v1/auth/token/", {**login, "otp": totp(device.key)}, content_type="application/json")
    assert right.status_code == 200 and right.json()["token"]


def test_the_token_login_counts_wrong_codes_too(agent, settings, limiter_clock, no_device_wait):
    device = give_two_factor(agent)
    login = {"email": agent.email, "password": "secret-pass-1", "otp": "000000"}
    for _n in range(settings.HELPDESK_2FA_FAILURES):
        Client().post("/api/v1/auth/token/", login, content_type="application/json")
    refused = Client().post("/api/v1/auth/token/", {**login, "otp": totp(device.key)}, content_type="application/json")
    assert refused.status_code == 429 and refused["Retry-After"]
