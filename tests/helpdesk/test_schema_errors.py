"""The schema says who may call each operation without signing in, and every error answer it gives."""

import pytest

PUBLIC_KB = [
    ("get", "/api/v1/kb/categories/"),
    ("get", "/api/v1/kb/categories/{id}/"),
    ("get", "/api/v1/kb/articles/"),
    ("get", "/api/v1/kb/articles/{id}/"),
    ("get", "/api/v1/kb/articles/search/"),
    ("get", "/api/v1/kb/articles/suggest/"),
]


@pytest.fixture
def schema(client, db):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield method, path, operation


def _error_ref(schema, response) -> dict:
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


@pytest.mark.parametrize(("method", "path"), PUBLIC_KB)
def test_the_public_knowledge_base_operations_are_marked_public(schema, method, path):
    operation = schema["paths"][path][method]
    assert {} in operation["security"], operation["security"]  # no credentials needed
    assert {"tokenAuth": []} in operation["security"]  # a token still shows an agent more


def test_knowledge_base_writes_and_private_operations_need_credentials(schema):
    for method, path in [("post", "/api/v1/kb/categories/"), ("get", "/api/v1/tickets/"), ("get", "/api/v1/teams/")]:
        assert {} not in schema["paths"][path][method]["security"], (method, path)


def test_every_operation_documents_its_error_answers_with_the_error_component(schema):
    for method, path, operation in _operations(schema):
        responses = operation["responses"]
        public = {} in operation.get("security", [{}])
        needs_auth = bool(operation.get("security")) and not public
        if needs_auth:
            assert {"401", "403"} <= set(responses), (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        for code in ("401", "403", "404", "429"):
            if code in responses:
                assert set(_error_ref(schema, responses[code])["properties"]) >= {"code", "detail"}, (method, path)


def test_the_public_kb_search_documents_only_what_it_can_answer(schema):
    responses = schema["paths"]["/api/v1/kb/articles/search/"]["get"]["responses"]
    assert "403" not in responses and "401" in responses  # a wrong token is still a 401


def test_the_throttled_token_login_documents_429(schema):
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in responses and "401" not in responses
