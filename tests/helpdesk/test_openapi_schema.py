"""The OpenAPI schema is one that mainstream client generators consume.

Request bodies are JSON; multipart is offered only where files are uploaded, with its own component
(a JSON body cannot carry a file); the token scheme says how to send the key. The slow end-to-end
check (a client generated from the live schema) is tests/helpdesk/test_generated_client.py.
"""

import pytest

JSON = "application/json"
MULTIPART = "multipart/form-data"
# The operations that take files, and the one that takes a raw email.
UPLOADS = {("post", "/api/v1/tickets/"), ("post", "/api/v1/tickets/{id}/messages/")}
RAW_MIME = {("post", "/api/v1/email/inbound/{mailbox_id}/")}


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _request_bodies(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                yield (method, path), operation["requestBody"]["content"]


def _component(schema, media):
    return schema["components"]["schemas"][media["schema"]["$ref"].rsplit("/", 1)[-1]]


def _has_binary(value) -> bool:
    if isinstance(value, dict):
        return value.get("format") == "binary" or any(_has_binary(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_binary(v) for v in value)
    return False


def test_every_request_body_is_json_and_multipart_only_where_files_are_uploaded(schema):
    offered = {
        operation: sorted(content) for operation, content in _request_bodies(schema) if operation not in RAW_MIME
    }
    expected = {operation: sorted([JSON, MULTIPART] if operation in UPLOADS else [JSON]) for operation in offered}
    assert offered == expected
    assert set(offered) >= UPLOADS


def test_json_bodies_carry_no_files_and_uploads_have_their_own_component(schema):
    for operation, content in _request_bodies(schema):
        if operation in RAW_MIME:
            continue
        assert not _has_binary(_component(schema, content[JSON])), operation
        if operation in UPLOADS:
            assert content[MULTIPART]["schema"] != content[JSON]["schema"], operation
            assert _component(schema, content[MULTIPART])["properties"]["attachments"]["items"]["format"] == "binary"


def test_the_token_scheme_says_to_send_authorization_token_and_the_key(schema):
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert "Token <key>" in token["description"]
    assert "/api/v1/auth/token/" in token["description"]
    ticket_list = schema["paths"]["/api/v1/tickets/"]["get"]
    assert {"tokenAuth": []} in ticket_list["security"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/auth/token/", "/api/v1/contacts/", "/api/v1/tickets/"],
)
def test_a_form_encoded_body_is_refused_with_a_json_415(as_user, admin_user, path):
    response = as_user(admin_user).post(
        path, "email=a%40b.test&name=Acme&subject=s", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_multipart_body_is_refused_where_no_file_is_taken(as_user, admin_user):
    response = as_user(admin_user).post("/api/v1/contacts/", {"email": "x@acme.test"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
