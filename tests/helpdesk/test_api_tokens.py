"""Personal API tokens (issue 21): hashed, many per login, expiring; revoked on every password change
or reset and on deactivation; each person lists and revokes only their own."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from helpdesk import services
from helpdesk.models import ApiToken
from tests.conftest import send_outbox_mail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long unusual passphrase 42"


def _login_token(email: str) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": "secret-pass-1"}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _status_with(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/auth/me/").status_code


def test_the_token_login_keeps_its_wire_format_and_stores_only_a_hash(agent):
    key = _login_token(agent.email)
    assert _status_with(key) == 200
    token = ApiToken.objects.get(user=agent)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in token.key_hash
    assert token.expires_at is not None


def test_an_expired_token_is_a_401(agent, settings):
    settings.HELPDESK_API_TOKEN_DAYS = 1
    key = _login_token(agent.email)
    ApiToken.objects.filter(user=agent).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_the_nightly_job_deletes_only_expired_tokens(agent):
    from helpdesk.tasks import delete_expired_api_tokens

    expired, _key = services.api_token_create(user=agent, name="old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    live, key = services.api_token_create(user=agent, name="new")
    delete_expired_api_tokens()
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [live.pk]


def test_tokens_never_expire_when_the_setting_is_zero(agent, settings):
    settings.HELPDESK_API_TOKEN_DAYS = 0
    _login_token(agent.email)
    assert ApiToken.objects.get(user=agent).expires_at is None


def test_a_token_use_is_written_at_most_once_a_minute(agent, django_assert_num_queries):
    _token, key = services.api_token_create(user=agent, name="ci")
    assert _status_with(key) == 200
    first = ApiToken.objects.get(user=agent).last_used_at
    assert first is not None
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    with django_assert_num_queries(2):  # the token with its user, their teams; no UPDATE within the minute
        client.get("/api/v1/auth/me/")
    assert ApiToken.objects.get(user=agent).last_used_at == first


def test_the_old_token_is_a_401_after_a_password_reset_by_email(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    key = _login_token(customer.email)
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/account/password-reset/", {"email": customer.email})
    assert send_outbox_mail() == 1  # as the worker does
    path = re.search(r"https?://[^\s\"]+(/account/password-reset/[^\s\"]+)", mailoutbox[0].body).group(1)
    page = client.get(path, follow=True)
    done = client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/account/password-reset/complete/"
    assert _status_with(key) == 401


def test_the_old_token_is_a_401_after_changing_the_password_on_the_profile_page(agent):
    key = _login_token(agent.email)
    other = services.api_token_create(user=agent, name="ci")[1]
    browser = Client()
    browser.force_login(agent)
    response = browser.post(
        "/profile/password/",
        {"old_password": "secret-pass-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _status_with(key) == 401 and _status_with(other) == 401
    assert browser.get("/profile/").status_code == 200  # this session stays signed in


def test_the_old_token_is_a_401_after_an_admin_changes_the_password(admin_user, agent):
    key = _login_token(agent.email)
    browser = Client()
    browser.force_login(admin_user)
    response = browser.post(
        f"/admin/helpdesk/user/{agent.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert _status_with(key) == 401


def test_the_old_token_is_a_401_after_deactivation_in_the_admin(admin_user, agent):
    key = _login_token(agent.email)
    browser = Client()
    browser.force_login(admin_user)
    page = browser.get(f"/admin/helpdesk/user/{agent.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"teams": [t.pk for t in agent.teams.all()], "groups": [], "user_permissions": []})
    data.pop("is_active")
    data["last_login_0"], data["last_login_1"] = "", ""
    data["date_joined_0"] = agent.date_joined.strftime("%Y-%m-%d")
    data["date_joined_1"] = agent.date_joined.strftime("%H:%M:%S")
    response = browser.post(f"/admin/helpdesk/user/{agent.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agent.refresh_from_db()
    assert not agent.is_active
    assert _status_with(key) == 401
    assert not ApiToken.objects.filter(user=agent).exists()


def test_an_admin_revokes_anyones_tokens_from_the_admin(admin_user, customer):
    key = services.api_token_create(user=customer, name="script")[1]
    browser = Client()
    browser.force_login(admin_user)
    response = browser.post("/admin/helpdesk/user/", {"action": "revoke_api_tokens", "_selected_action": [customer.pk]})
    assert response.status_code == 302
    assert _status_with(key) == 401


# --- listing, creating and revoking one's own tokens ------------------------------------------


@pytest.mark.parametrize("persona", ["admin_user", "agent", "customer"])
def test_each_persona_creates_lists_and_revokes_their_own_tokens(request, persona):
    user = request.getfixturevalue(persona)
    client = APIClient()
    client.force_authenticate(user)
    created = client.post("/api/v1/auth/tokens/", {"name": "CRM sync"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "name", "created_at", "last_used_at", "expires_at", "key"}
    assert _status_with(body["key"]) == 200

    listed = client.get("/api/v1/auth/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["CRM sync"] and "key" not in listed[0]

    assert client.delete(f"/api/v1/auth/tokens/{body['id']}/").status_code == 204
    assert _status_with(body["key"]) == 401
    assert client.get("/api/v1/auth/tokens/").json()["results"] == []


def test_a_token_needs_a_name(agent):
    client = APIClient()
    client.force_authenticate(agent)
    response = client.post("/api/v1/auth/tokens/", {"name": "  "}, format="json")
    assert response.status_code == 400 and "name" in response.json()["errors"]


@pytest.mark.parametrize("owner", ["admin_user", "other_agent", "other_customer"])
@pytest.mark.parametrize("persona", ["agent", "customer"])
def test_nobody_sees_or_revokes_another_persons_tokens(request, persona, owner):
    theirs, key = services.api_token_create(user=request.getfixturevalue(owner), name="theirs")
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(persona))
    assert client.get("/api/v1/auth/tokens/").json()["results"] == []
    response = client.delete(f"/api/v1/auth/tokens/{theirs.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert _status_with(key) == 200
    browser = Client()
    browser.force_login(request.getfixturevalue(persona))
    assert browser.post(f"/profile/tokens/{theirs.pk}/revoke/").status_code == 404
    assert _status_with(key) == 200


def test_anonymous_cannot_list_or_create_tokens():
    assert APIClient().get("/api/v1/auth/tokens/").status_code == 401
    assert APIClient().post("/api/v1/auth/tokens/", {"name": "x"}, format="json").status_code == 401


def test_listing_tokens_takes_a_fixed_number_of_queries(agent, django_assert_max_num_queries):
    for i in range(5):
        services.api_token_create(user=agent, name=f"t{i}")
    key = services.api_token_create(user=agent, name="caller")[1]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/auth/me/")  # the last use is written once
    with django_assert_max_num_queries(3):  # the token with its user, the count, the page
        assert len(client.get("/api/v1/auth/tokens/").json()["results"]) == 6


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_profile_page_lists_creates_and_revokes_tokens(agent, language):
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    browser.force_login(agent)
    agent.language = language
    agent.save()
    made = browser.post("/profile/tokens/", {"name": "Zapier"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=agent)
    html = made.content.decode()
    key = re.search(r'class="token-key">([0-9a-f]{40})<', html).group(1)
    assert _status_with(key) == 200
    page = browser.get("/profile/").content.decode()
    assert "Zapier" in page and key not in page
    if language == "fa":
        assert "توکن" in page
    assert browser.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 302
    assert _status_with(key) == 401


@pytest.mark.parametrize("token_id", ["99999999999999999999999", "9223372036854775808"])
def test_a_token_id_beyond_what_the_database_holds_is_a_404_not_a_500(agent, token_id):
    client = APIClient()
    client.force_authenticate(agent)
    assert client.delete(f"/api/v1/auth/tokens/{token_id}/").status_code == 404
    browser = Client()
    browser.force_login(agent)
    assert browser.post(f"/profile/tokens/{token_id}/revoke/").status_code == 404
