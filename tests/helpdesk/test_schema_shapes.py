"""Real answers validated against what /api/schema/ documents for them: a customer's events (without
the agents-only fields), "solve the problem" (the same problem shape as GET), the 415 refusal, and a
report's CSV (a string body, not the JSON report)."""

import jsonschema
import pytest

from helpdesk import services as helpdesk_services
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets.problems import services as problem_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def _json_schema(value):
    """OpenAPI 3.0's `nullable` as JSON Schema says it (a null alongside the type or the reference)."""
    if isinstance(value, list):
        return [_json_schema(item) for item in value]
    if not isinstance(value, dict):
        return value
    value = {key: _json_schema(item) for key, item in value.items()}
    if value.pop("nullable", False):
        return {"anyOf": [value, {"type": "null"}]}
    return value


def _validate(schema, path, method, response, media="application/json"):
    documented = schema["paths"][path][method]["responses"][str(response.status_code)]["content"][media]["schema"]
    body = response.content.decode("utf-8-sig") if media == "text/csv" else response.json()
    root = {**_json_schema(documented), "components": _json_schema(schema["components"])}
    jsonschema.validate(body, root)


def test_a_customers_events_match_the_schema_without_the_agents_fields(schema, client, customer, agent, team):
    ticket = make_ticket(requester=contact_of(customer), subject="Printer on fire", team=team)
    token = helpdesk_services.api_token_create(user=customer, name="client")[1]
    response = client.get(f"/api/v1/tickets/{ticket.pk}/events/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["results"]
    assert not {"actor", "data", "public"} & set(response.json()["results"][0])
    _validate(schema, "/api/v1/tickets/{id}/events/", "get", response)
    event = schema["components"]["schemas"]["EventOutput"]
    assert not {"actor", "data", "public"} & set(event["required"])
    assert "Agents only" in event["properties"]["public"]["description"]


def test_an_agents_events_match_the_schema_with_them(schema, as_user, customer, agent, team):
    ticket = make_ticket(requester=contact_of(customer), subject="Printer on fire", team=team)
    response = as_user(agent).get(f"/api/v1/tickets/{ticket.pk}/events/")
    assert {"actor", "data", "public"} <= set(response.json()["results"][0])
    _validate(schema, "/api/v1/tickets/{id}/events/", "get", response)


def test_solving_a_problem_answers_the_problem_as_get_does(schema, as_user, agent, customer, team):
    incident = make_ticket(requester=contact_of(customer), subject="VPN drops", team=team)
    problem = problem_services.problem_create(
        actor=agent, title="VPN gateway", team=team, owner=agent, tickets=[incident]
    )
    solved = as_user(agent).post(f"/api/v1/problems/{problem.pk}/solve/", {"reply": "Fixed."}, format="json")
    assert solved.status_code == 202
    _validate(schema, "/api/v1/problems/{id}/solve/", "post", solved)
    shown = as_user(agent).get(f"/api/v1/problems/{problem.pk}/").json()
    assert solved.json()["problem"]["team"] == shown["team"] == {"id": team.pk, "name": team.name}
    assert solved.json()["problem"]["owner"] == shown["owner"]
    progress = as_user(agent).get(f"/api/v1/problems/{problem.pk}/solve/")
    assert progress.json()["problem"]["team"] == shown["team"]
    _validate(schema, "/api/v1/problems/{id}/solve/", "get", progress)


def test_a_415_is_documented_wherever_a_body_is_read_and_the_answer_matches(schema, as_user, agent):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                assert "415" in operation["responses"], (method, path)
                ref = operation["responses"]["415"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOutput"), (method, path)
    assert "415" not in schema["paths"]["/api/v1/tickets/"]["get"]["responses"]
    response = as_user(agent).post("/api/v1/problems/", "title=VPN", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    _validate(schema, "/api/v1/problems/", "post", response)


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/api/v1/reports/{name}/", "/api/v1/reports/volume/?format=csv&start=2026-01-01&end=2026-01-31"),
        ("/api/v1/reports/sla/", "/api/v1/reports/sla/?format=csv&start=2026-01-01&end=2026-01-31"),
    ],
)
def test_a_report_csv_is_documented_as_a_string_body(schema, as_user, agent, path, url):
    assert schema["paths"][path]["get"]["responses"]["200"]["content"]["text/csv"]["schema"] == {"type": "string"}
    response = as_user(agent).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _validate(schema, path, "get", response, media="text/csv")
