"""Security headers on every answer: CSP with a per-request nonce, Permissions-Policy, no-store for
signed-in people, a Secure language cookie. (tests/e2e/test_csp_e2e.py runs the pages in Chromium.)"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_a_policy_with_a_fresh_nonce_and_no_inline_scripts(client):
    first, second = client.get("/login/"), client.get("/login/")
    policy = _directives(first["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    nonces = [re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 16
    assert first.wsgi_request.csp_nonce == nonces[0]  # what templates use for an inline script


def test_api_answers_have_a_policy_that_allows_nothing(client, as_user, agent):
    for response in (client.get("/api/v1/kb/categories/"), as_user(agent).get("/api/v1/tickets/")):
        assert _directives(response["Content-Security-Policy"])["default-src"] == ["'none'"]


def test_the_api_docs_allow_only_their_own_style_block(client):
    response = client.get("/api/docs/")
    policy = _directives(response["Content-Security-Policy"])
    nonce = re.search(r"'nonce-([^']+)'", " ".join(policy["style-src"])).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert "<script>" not in response.content.decode()  # the start-up script is a file (?script)
    assert "'unsafe-inline'" not in policy["script-src"]


def test_attachments_keep_their_own_sandbox_policy(as_user, customer):
    from tests.factories import make_ticket
    from tests.tickets.conftest import contact_of
    from tickets.attachments.store import IncomingFile
    from tickets.services import ticket_reply

    message = ticket_reply(
        ticket=make_ticket(requester=contact_of(customer), actor=customer),
        actor=customer,
        body="file",
        attachments=[IncomingFile(name="a.txt", content=b"hi", content_type="text/plain")],
    )
    response = as_user(customer).get(f"/api/v1/attachments/{message.attachments.get().pk}/download/")
    assert response["Content-Security-Policy"] == "sandbox"


def test_every_answer_switches_off_powerful_browser_features(client):
    for response in (client.get("/login/"), client.get("/api/v1/kb/categories/"), client.get("/nope/")):
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy


def test_signed_in_pages_and_api_answers_are_never_stored(client, api, customer):
    from helpdesk.services import api_token_create

    client.force_login(customer)
    for path in ("/portal/", "/profile/", "/api/v1/tickets/", "/kb/"):
        assert "no-store" in client.get(path)["Cache-Control"], path
    _token, key = api_token_create(user=customer, name="test")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert "no-store" in api.get("/api/v1/teams/")["Cache-Control"]


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    assert "no-store" not in client.get("/kb/").get("Cache-Control", "")


def test_the_language_cookie_is_secure_when_the_site_is(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post("/i18n/setlang/", {"language": "fa", "next": "/kb/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fa" and cookie["secure"] and cookie["httponly"]


def test_production_settings_make_the_language_cookie_secure(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    env.update({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "HELPDESK_VAR_DIR": str(tmp_path)})
    code = "import django; django.setup(); from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "helpdesk.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "True", result.stderr
