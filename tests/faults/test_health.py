"""`/healthz` answers within 3 s naming the database when the database host stops answering (issue #20,
"Health"): a real TCP proxy in front of PostgreSQL that stops forwarding."""

import time

import pytest
from django.db import connection

pytestmark = [pytest.mark.faults]


def test_healthz_answers_503_naming_the_database_within_3_seconds_when_its_host_stops_answering(database_proxy, client):
    assert client.get("/healthz").json()["checks"]["database"] == "ok"
    database_proxy.stall()

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert elapsed < 3
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["broker"] == "ok"


def test_normal_connections_have_a_connect_timeout_and_a_statement_timeout(database_proxy):
    """The same limits protect normal requests: a new connection to a host that stops answering gives up
    after DATABASE_CONNECT_TIMEOUT, and the server cancels a statement after DATABASE_STATEMENT_TIMEOUT."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "1min"
    connection.close()
    database_proxy.stall()
    started = time.monotonic()
    with pytest.raises(Exception, match="timeout"):
        connection.ensure_connection()
    assert time.monotonic() - started < 10
