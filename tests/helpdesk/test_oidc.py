"""Single sign-on (issue 17, "Sign-in") against a real OpenID Connect provider on loopback
(tests/helpdesk/oidc_provider.py), through the whole authorization code flow: our start page, the
provider's authorize endpoint (over HTTP, with requests), our callback in Django's test client, which
calls the provider's token, JWKS and userinfo endpoints."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client

from helpdesk.models import User
from tests.helpdesk.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.helpdesk.twofactor_support import give_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with Provider() as running:
        found = requests.get(f"{running.issuer}/.well-known/openid-configuration", timeout=5).json()
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_ISSUER = found["issuer"]
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        settings.OIDC_PROVIDER_NAME = "Example ID"
        yield running


def _sign_in(provider: Provider, claims: dict, *, id_claims: dict | None = None, next_page: str = "") -> Client:
    """The browser's round trip: our start page, the provider's authorize page, our callback."""
    provider.claims = {"sub": "user-1", "email_verified": True, **claims}
    provider.id_claims = id_claims or {}
    client = Client()
    start = client.get("/oidc/authenticate/" + (f"?next={next_page}" if next_page else ""))
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer + "/authorize?")
    asked = parse_qs(urlparse(start["Location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] and asked["client_id"] == [CLIENT_ID]
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    client.last = client.get(f"{callback.path}?{callback.query}")
    return client


def test_the_sign_in_page_offers_the_provider_only_when_configured(settings, client):
    assert "Sign in with" not in client.get("/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://id.example.com/authorize"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    page = client.get("/login/").content.decode()
    assert "Sign in with <bdi>Example ID</bdi>" in page and 'href="/oidc/authenticate/' in page


def test_the_provider_s_verified_email_signs_in_the_existing_user_in_any_letter_case(provider, customer):
    client = _sign_in(provider, {"email": customer.email.upper()}, next_page="/portal/")
    assert client.last.status_code == 302 and client.last["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    assert client.get("/api/v1/auth/me/").json()["email"] == customer.email
    assert {"/authorize", "/token", "/jwks", "/userinfo"} <= set(provider.requests)


def test_an_unknown_email_is_refused_and_nobody_is_created(provider, customer):
    before = User.objects.count()
    client = _sign_in(provider, {"email": "stranger@elsewhere.example", "name": "Admin", "role": "admin"})
    assert client.last.status_code == 302 and client.last["Location"] == "/login/"
    assert "did not sign you in" in client.get("/login/").content.decode()
    assert client.get("/portal/").status_code == 302
    assert User.objects.count() == before
    assert not User.objects.filter(role__in=["admin", "agent"], email__icontains="stranger").exists()


def test_an_unverified_email_cannot_take_over_the_administrator(provider, admin_user):
    client = _sign_in(provider, {"email": admin_user.email, "email_verified": False})
    assert client.last["Location"] == "/login/"
    assert client.get("/admin/").status_code == 302
    assert not client.session.get("_auth_user_id")


def test_an_id_token_for_another_client_is_refused(provider, customer, settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID  # the provider signs for CLIENT_ID ...
    client = _sign_in(provider, {"email": customer.email}, id_claims={"aud": "another-app"})  # ... but says otherwise
    assert client.last["Location"] == "/login/"
    assert not client.session.get("_auth_user_id")


def test_userinfo_about_another_subject_is_refused(provider, customer):
    client = _sign_in(provider, {"email": customer.email}, id_claims={"sub": "someone-else"})
    assert client.last["Location"] == "/login/"
    assert not client.session.get("_auth_user_id")


def test_a_deactivated_user_is_refused(provider, customer):
    User.objects.filter(pk=customer.pk).update(is_active=False)
    client = _sign_in(provider, {"email": customer.email})
    assert client.last["Location"] == "/login/"


def test_staff_still_pass_two_factor_after_single_sign_on(provider, agent, settings):
    settings.HELPDESK_REQUIRE_2FA_FOR_STAFF = True
    give_two_factor(agent)
    client = _sign_in(provider, {"email": agent.email}, next_page="/agent/")
    assert client.session.get("_auth_user_id") == str(agent.pk)
    assert client.get("/agent/")["Location"].startswith("/profile/two-factor/verify/")
    assert client.get("/api/v1/auth/me/").status_code == 403


def test_the_provider_s_mfa_counts_as_the_second_factor(provider, agent, settings):
    settings.HELPDESK_REQUIRE_2FA_FOR_STAFF = True
    client = _sign_in(provider, {"email": agent.email}, id_claims={"amr": ["pwd", "mfa"]})
    assert client.get("/agent/").status_code == 200
    settings.HELPDESK_OIDC_TRUST_MFA = False
    client = _sign_in(provider, {"email": agent.email}, id_claims={"amr": ["pwd", "mfa"]})
    assert client.get("/agent/").status_code == 302


def test_a_provider_that_cannot_be_reached_is_a_refusal_not_an_error(provider, customer, settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens on the discard port
    client = _sign_in(provider, {"email": customer.email})
    assert client.last.status_code == 302 and client.last["Location"] == "/login/"
