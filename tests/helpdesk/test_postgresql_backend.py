"""The connection kept between requests (helpdesk.postgresql): reused with no `SELECT 1` while it is sound,
replaced before the request uses it once the server has closed it (a restart, a terminated backend)."""

import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections

from helpdesk import backends
from helpdesk.postgresql.base import _has_something_to_read
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend")
    assert connection.settings_dict["ENGINE"] == "helpdesk.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] and connection.settings_dict["CONN_MAX_AGE"]


def _request() -> int:
    """What Django does around a request (its signals close or check the kept connection), and one query
    in between: the id of the server process that answered it."""
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    request_finished.send(sender=None)
    return pid


def test_a_sound_connection_serves_the_next_requests_without_a_ping(monkeypatch):
    pings = []
    wrapper = type(connections["default"])
    usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: pings.append(1) or usable(self))
    first = _request()
    assert [_request() for _ in range(3)] == [first] * 3
    assert pings == []  # Django's own check: a SELECT 1 before each of them


def _terminate(pid: int) -> None:
    """End the server process of our connection from another one (as a restart does), and wait for its
    goodbye to reach our socket."""
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    deadline = time.monotonic() + 5
    while not _has_something_to_read(connection.connection.fileno()) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(monkeypatch):
    pid = _request()
    _terminate(pid)
    pings = []
    wrapper = type(connections["default"])
    usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: pings.append(1) or usable(self))
    assert _request() != pid  # a new connection, no error
    assert pings == [1]  # asked once, found closed
    assert _request() not in (pid, None)


def test_a_sound_idle_connection_has_nothing_to_read():
    _request()
    raw = connection.connection
    assert not _has_something_to_read(raw.fileno())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # an answered query leaves nothing behind
    assert not _has_something_to_read(raw.fileno())


def test_a_statement_prepared_on_a_closed_connection_is_prepared_again_on_its_replacement(settings):
    """helpdesk.statements chose EXECUTE for the names prepared on the old connection, and the health
    check replaced it only after: after a restart the first request of a worker failed with 'prepared
    statement does not exist'. The check now comes first."""
    settings.HELPDESK_PREPARED_STATEMENTS = True
    user = UserFactory(role="agent", email="kept@test.example")

    def read() -> int:
        request_started.send(sender=None)
        assert backends._USER.fetch(user_id=user.pk)[0].email == "kept@test.example"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        request_finished.send(sender=None)
        return pid

    pid = read()  # prepared on this connection
    assert read() == pid
    _terminate(pid)
    assert read() != pid  # no error: prepared again on the new one
