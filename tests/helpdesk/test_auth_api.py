import hashlib

import pytest

from helpdesk.models import ApiToken


@pytest.mark.django_db
def test_right_password_returns_a_token_that_authenticates(api, agent):
    response = api.post("/api/v1/auth/token/", {"email": agent.email, "password": "secret-pass-1"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=agent).key_hash == hashlib.sha256(token.encode()).hexdigest()

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/teams/").status_code == 200


@pytest.mark.django_db
def test_email_login_ignores_letter_case(api, agent):
    response = api.post(
        "/api/v1/auth/token/", {"email": agent.email.upper(), "password": "secret-pass-1"}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_wrong_password_is_a_400_with_a_clear_message(api, agent):
    response = api.post("/api/v1/auth/token/", {"email": agent.email, "password": "nope"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"  # the refusal's own code (helpdesk.exceptions._error_code)
    assert body["detail"] == "Unable to sign in with the email and password given."
    assert "non_field_errors" in body["errors"]


@pytest.mark.django_db
def test_missing_fields_are_reported_per_field(api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}


@pytest.mark.django_db
def test_inactive_user_gets_no_token(api, agent):
    agent.is_active = False
    agent.save()
    response = api.post("/api/v1/auth/token/", {"email": agent.email, "password": "secret-pass-1"}, format="json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_many_wrong_tries_are_throttled(api, agent, settings):
    statuses = [
        api.post("/api/v1/auth/token/", {"email": agent.email, "password": f"wrong-{i}"}, format="json").status_code
        for i in range(15)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[-1] == 429
    body = api.post("/api/v1/auth/token/", {"email": agent.email, "password": "secret-pass-1"}, format="json").json()
    assert body["code"] == "throttled"


@pytest.mark.django_db
def test_api_requires_authentication_with_a_json_error(api):
    response = api.get("/api/v1/teams/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn." not in html and "unpkg" not in html


@pytest.mark.django_db
def test_customer_sees_no_agents_in_the_user_list(as_user, customer, agent):
    assert as_user(customer).get("/api/v1/users/").json()["results"] == []
    emails = [u["email"] for u in as_user(agent).get("/api/v1/users/").json()["results"]]
    assert agent.email in emails


@pytest.mark.django_db
def test_me_tells_who_the_token_belongs_to(api, agent):
    token = api.post("/api/v1/auth/token/", {"email": agent.email, "password": "secret-pass-1"}, format="json").json()[
        "token"
    ]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/v1/auth/me/").json()
    assert (body["email"], body["role"]) == (agent.email, "agent")


def test_nested_validation_errors_are_flattened_to_field_paths():
    from helpdesk.exceptions import _validation_errors

    nested = {"targets": [{}, {"priority": ["Unknown."]}], "name": ["Required."], "non_field_errors": ["Bad."]}
    assert _validation_errors(nested) == {
        "targets.1.priority": ["Unknown."],
        "name": ["Required."],
        "non_field_errors": ["Bad."],
    }
