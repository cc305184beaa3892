"""The session and its signed-in user in one statement (helpdesk.session_store, helpdesk.backends): the
user row the session's record names saves the user's query, and never decides who is signed in (the
session's own data does), nor outlives the request that read it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk import backends
from helpdesk.models import UserSession
from tests.helpdesk.twofactor_support import sign_in

pytestmark = pytest.mark.django_db

BADGE = "/agent/notifications/badge/"  # the bell's count: the session, the user and one COUNT


def _queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries]


def _name_shown(client) -> str:
    page = client.get("/agent/").content.decode()
    return page.split('class="usermenu-name" title="', 1)[1].split('"', 1)[0]


def test_a_signed_in_request_reads_its_session_and_user_in_one_statement(agent):
    browser = sign_in(agent)
    count, sql = _queries(browser, BADGE)
    assert count == 2
    assert "helpdesk_usersession" in sql[0] and "helpdesk_user" in sql[0]
    assert backends._READ_WITH_SESSION.get() is None  # taken by the request's get_user, kept for no other


def test_without_its_sessions_row_the_user_is_read_as_before(agent):
    browser = sign_in(agent)
    UserSession.objects.filter(user=agent).delete()
    assert _queries(browser, BADGE)[0] == 3
    assert _name_shown(browser) == agent.get_full_name()


def test_a_row_naming_someone_else_never_signs_in_as_them(agent, other_agent):
    browser = sign_in(agent)
    UserSession.objects.filter(user=agent).update(user=other_agent)
    assert _queries(browser, BADGE)[0] == 3  # the session's own user, read on its own
    assert _name_shown(browser) == agent.get_full_name() != other_agent.get_full_name()


def test_a_deactivated_account_is_signed_out_on_its_next_request(agent):
    browser = sign_in(agent)
    assert browser.get("/agent/").status_code == 200
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    response = browser.get("/agent/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_password_changed_elsewhere_ends_the_session(agent):
    browser = sign_in(agent)
    assert browser.get("/agent/").status_code == 200
    agent.set_password("another long passphrase 2026")
    agent.save(update_fields=["password"])
    response = browser.get("/agent/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_row_read_with_a_session_serves_one_get_user_and_only_for_its_own_id(
    agent, other_agent, django_assert_num_queries
):
    backend = backends.ModelBackend()
    backends.read_with_session(agent)
    assert backend.get_user(other_agent.pk) == other_agent  # another id: read from the database
    backends.read_with_session(agent)
    with django_assert_num_queries(0):
        assert backend.get_user(str(agent.pk)) == agent  # the session keeps the id as text
    with django_assert_num_queries(1):  # taken once: the next get_user asks the database
        assert backend.get_user(agent.pk) == agent
