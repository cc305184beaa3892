"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

Generated requests must never cause a server error, and every answer must match what /api/schema/
documents: the tickets API as an agent, webhooks and everything else as an administrator (who may
call every operation). Bounded: a few examples per operation.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from helpdesk import services as helpdesk_services
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(tickets|attachments)"
)
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance]
# The email push endpoint takes raw MIME: generated bodies go as bytes, like any binary upload.
schemathesis.serializer.alias("message/rfc822", "application/octet-stream")
# A few examples per operation, the same on every run.
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Like Django's test client: the WSGI handler must not close the test's open transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def agent_token(db, wsgi_keeps_the_test_connection, agent, customer):
    # A few real rows, so small generated ids hit existing tickets as well as missing ones.
    for i in range(3):
        make_ticket(requester=contact_of(customer), subject=f"Seed {i}")
    return helpdesk_services.api_token_create(user=agent, name="schema tests")[1]


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_tickets_api_matches_its_schema(case, agent_token):
    case.call_and_validate(headers={"Authorization": f"Token {agent_token}"}, checks=CHECKS)


webhook_schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/webhooks"
)


@pytest.fixture
def admin_token(db, wsgi_keeps_the_test_connection, admin_user, customer):
    from helpdesk.outbox import webhooks

    webhooks.webhook_create(actor=admin_user, name="Seed", url="https://example.com/hooks")
    make_ticket(requester=contact_of(customer), subject="Seed")  # a delivery to list
    return helpdesk_services.api_token_create(user=admin_user, name="schema tests")[1]


@pytest.mark.slow
@webhook_schema.parametrize()
@BOUNDED
def test_webhooks_api_matches_its_schema(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Token {admin_token}"}, checks=CHECKS)


rest_schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).exclude(
    path_regex=r"^/api/v1/(tickets|attachments|webhooks)"
)


@pytest.mark.slow
@rest_schema.parametrize()
@BOUNDED
def test_the_rest_of_the_api_matches_its_schema(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Token {admin_token}"}, checks=CHECKS)


# What the pentest's fuzzer found 500s with, sent to every parameter of every operation in the schema:
# NUL bytes (PostgreSQL refuses them in text), time-zone offsets beyond PostgreSQL's ±15:59 and at the
# ends of the calendar, and integers past 64 bits. Each must be answered, never a server error.
NASTY_VALUES = [
    "\x00",
    "a\x00b",
    "0778-12-18T02:41:59-17:48",
    "0001-01-01T00:00:00+15:59",
    "9999-12-31T23:59:59-15:59",
    str(2**63),
    "9" * 40,
    "-" + "9" * 40,
]
full_schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _operations_with_parameters():
    for result in full_schema.get_all_operations():
        operation = result.ok()
        if list(operation.query) or list(operation.path_parameters):
            yield operation


@pytest.mark.slow
def test_every_parameter_of_every_operation_survives_nul_bytes_extreme_offsets_and_huge_integers(admin_token):
    tried = 0
    for operation in _operations_with_parameters():
        ids = {parameter.name: 1 for parameter in operation.path_parameters}
        for parameter in operation.query:
            for value in NASTY_VALUES:
                case = operation.Case(path_parameters=ids, query={parameter.name: value}, media_type="application/json")
                for headers in ({"Authorization": f"Token {admin_token}"}, {}):  # an administrator; anonymous
                    case.call_and_validate(headers=headers, checks=[schemathesis.checks.not_a_server_error])
                    tried += 1
        for parameter in operation.path_parameters:
            for value in (str(2**63), "9" * 40):
                case = operation.Case(path_parameters={**ids, parameter.name: value}, media_type="application/json")
                case.call_and_validate(
                    headers={"Authorization": f"Token {admin_token}"}, checks=[schemathesis.checks.not_a_server_error]
                )
                tried += 1
    assert tried > 1000  # every operation with parameters was reached
