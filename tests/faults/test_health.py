"""`/healthz` answers within 3 s naming the database when the database host stops answering (issue #20,
"Health"): a real TCP proxy in front of PostgreSQL that stops forwarding. A request that hangs (the
fault) is given 10 s, then the proxy forwards again so the test can end and say so."""

import pytest
from django.db import connection
from django.test import Client

from tests.faults.conftest import run_bounded

pytestmark = [pytest.mark.faults]


def test_healthz_answers_503_naming_the_database_within_3_seconds_when_its_host_stops_answering(database_proxy):
    client = Client()
    assert client.get("/healthz").json()["checks"]["database"] == "ok"
    database_proxy.stall()

    hung, elapsed, response = run_bounded(lambda: client.get("/healthz"), seconds=10, unstick=database_proxy.resume)

    assert not hung, "/healthz did not answer within 10 s"
    assert elapsed < 3
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["broker"] == "ok"


def test_normal_connections_have_a_connect_timeout_and_a_statement_timeout(database_proxy):
    """The same limits protect normal requests: a new connection to a host that stops answering gives up
    after DATABASE_CONNECT_TIMEOUT (5 s), and the server cancels a statement after
    DATABASE_STATEMENT_TIMEOUT (60 s)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "1min"
    database_proxy.stall()

    def connect():
        connection.ensure_connection()  # this thread's own connection: a new one

    hung, elapsed, result = run_bounded(connect, seconds=10, unstick=database_proxy.resume)

    assert not hung, "connecting did not give up within 10 s"
    assert isinstance(result, Exception) and "timeout" in str(result)
    assert 4 < elapsed < 8
