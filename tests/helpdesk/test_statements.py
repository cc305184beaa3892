"""Statements compiled once per process (helpdesk.statements): a compiled queryset gives what the ORM's
queryset gives with each call's values, never the values of an earlier call, and a builder whose SQL
depends on something other than its stand-ins is refused when compiled."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from customers.models import Contact
from helpdesk.models import User
from helpdesk.session_store import SessionStore
from helpdesk.statements import STAND_IN_ID, STAND_IN_TEXT, Compiled, CompiledQuerySet
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _users(role: str) -> CompiledQuerySet:
    return CompiledQuerySet(
        lambda user_id: User.objects.filter(pk__gte=user_id, role=role).prefetch_related("teams").order_by("pk"),
        {"user_id": STAND_IN_ID},
    )


def test_compiled_queryset_gives_what_the_orm_gives_with_each_calls_values(agent, other_agent, team, other_team):
    agents = _users("agent")
    for first in (agent, other_agent, agent):
        orm = list(User.objects.filter(pk__gte=first.pk, role="agent").prefetch_related("teams").order_by("pk"))
        compiled = agents.fetch(user_id=first.pk)
        assert [u.pk for u in compiled] == [u.pk for u in orm]
        # whole instances, with their prefetched rows, not the stand-in's
        assert [(u.email, [t.pk for t in u.teams.all()]) for u in compiled] == [
            (u.email, [t.pk for t in u.teams.all()]) for u in orm
        ]


def test_compiled_queryset_makes_its_select_related_rows():
    org = factories.OrganizationFactory(name="Acme")
    contact = factories.ContactFactory(organization=org, email="c@acme.test")
    contacts = CompiledQuerySet(
        lambda contact_id: Contact.objects.filter(pk=contact_id).select_related("organization"),
        {"contact_id": STAND_IN_ID},
    )
    (found,) = contacts.fetch(contact_id=contact.pk)
    assert found.email == "c@acme.test"
    assert Contact._meta.get_field("organization").is_cached(found)
    assert found.organization.name == "Acme"
    assert contacts.fetch(contact_id=contact.pk + 1000) == []


def test_a_builder_reading_the_clock_is_refused():
    moving = CompiledQuerySet(
        lambda user_id: User.objects.filter(pk=user_id, date_joined__lte=timezone.now()),
        {"user_id": STAND_IN_ID},
    )
    with pytest.raises(ValueError, match="not a stand-in"):
        moving.fetch(user_id=1)


def test_a_stand_in_that_is_not_a_parameter_is_refused():
    forgotten = CompiledQuerySet(lambda user_id: User.objects.filter(pk=1), {"user_id": STAND_IN_ID})
    with pytest.raises(ValueError, match="not a parameter"):
        forgotten.fetch(user_id=1)


def test_a_related_managers_queryset_is_refused():
    # every message would come back with the stand-in ticket as its .ticket
    messages = CompiledQuerySet(lambda ticket_id: Ticket(pk=ticket_id).messages.all(), {"ticket_id": STAND_IN_ID})
    with pytest.raises(ValueError, match="related manager"):
        messages.fetch(ticket_id=1)


def test_compiled_rows_take_each_calls_values(agent, other_agent):
    emails = Compiled(
        lambda user_id: ("default", *User.objects.filter(pk=user_id).values_list("email").query.sql_with_params()),
        {"user_id": STAND_IN_ID},
    )
    assert emails.rows(user_id=agent.pk) == [(agent.email,)]
    assert emails.rows(user_id=other_agent.pk) == [(other_agent.email,)]


def test_the_session_store_reads_an_unexpired_session_only(agent):
    store = SessionStore()
    store["x"] = 1
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"x": 1}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # forgotten, as Django's own store does
    assert SessionStore("no-such-session-key").load() == {}


def test_a_session_signed_in_with_djangos_backend_stays_signed_in(client, agent):
    from django.contrib.auth import BACKEND_SESSION_KEY

    client.force_login(agent)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # as before helpdesk.backends
    session.save()
    assert client.get("/agent/").status_code == 200


def test_the_backend_reads_each_requests_user_and_refuses_an_inactive_one(client, agent, other_agent):
    for user in (agent, other_agent, agent):
        client.force_login(user)
        assert client.get("/agent/").context["user"].pk == user.pk
    User.objects.filter(pk=agent.pk).update(is_active=False)
    assert client.get("/agent/").status_code == 302  # signed out: to the sign-in page


# --- prepared once per PostgreSQL connection ----------------------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite runs the SQL as it is"
)


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@needs_postgres
@pytest.mark.django_db(transaction=True)  # the connection is closed mid-way
def test_a_statement_is_prepared_once_per_connection_and_again_on_a_new_one(agent, other_agent):
    agents = _users("agent")
    assert [u.pk for u in agents.fetch(user_id=agent.pk)] == sorted([agent.pk, other_agent.pk])
    name = agents._statement._compiled["prepared"]["name"]
    assert name in _prepared_names()
    db, sql, _params = agents._statement.statement(user_id=agent.pk)
    assert sql.startswith(f"EXECUTE {name}(") and "helpdesk_user" in sql  # the SQL rides along as a comment
    connection.close()  # a new session has no prepared statement: it is prepared again
    assert [u.pk for u in agents.fetch(user_id=other_agent.pk)] == [other_agent.pk]
    assert name in _prepared_names()


@needs_postgres
def test_prepared_or_not_the_rows_are_the_same(settings, agent, other_agent):
    agents = _users("agent")
    prepared = [(u.pk, u.email, u.date_joined) for u in agents.fetch(user_id=agent.pk)]
    settings.HELPDESK_PREPARED_STATEMENTS = False
    assert not agents._statement.statement(user_id=agent.pk)[1].startswith("EXECUTE")
    assert [(u.pk, u.email, u.date_joined) for u in agents.fetch(user_id=agent.pk)] == prepared


@needs_postgres
@pytest.mark.django_db(transaction=True)  # the connection is lost mid-way
def test_a_connection_lost_before_a_prepare_raises_djangos_own_error(agent):
    """As a Django cursor's query would: what reads after a commit catch (helpdesk.aftercommit) to try
    once more on a new connection, and the connection is marked unusable."""
    from django.db import InterfaceError, OperationalError

    users = Compiled(
        lambda user_id: ("default", "SELECT id FROM helpdesk_user WHERE id = %s", [user_id]), {"user_id": STAND_IN_ID}
    )
    connection.ensure_connection()
    connection.health_check_done = True  # checked earlier in the request: the loss comes after
    connection.connection.close()  # under Django's feet, as a server restart or a proxy cut does
    with pytest.raises((InterfaceError, OperationalError)):
        users.rows(user_id=agent.pk)
    assert connection.errors_occurred
    connection.close_if_unusable_or_obsolete()
    assert users.rows(user_id=agent.pk) == [(agent.pk,)]  # prepared again on the new connection


@needs_postgres
def test_a_list_of_ids_is_one_array_parameter_of_the_prepared_statement(agent, other_agent):
    ids = Compiled(
        lambda ids: ("default", "SELECT id FROM helpdesk_user WHERE id = ANY(%s) ORDER BY id", [ids]),
        {"ids": [STAND_IN_ID]},
    )
    assert ids.rows(ids=[agent.pk, other_agent.pk]) == sorted([(agent.pk,), (other_agent.pk,)])
    assert ids._compiled["prepared"]["prepare"].startswith(f"PREPARE {ids._compiled['prepared']['name']} (bigint[]) AS")
    db, sql, params = ids.statement(ids=[agent.pk, other_agent.pk])
    # passed as PostgreSQL's array text, which the bigint[] parameter reads (not adapted id by id)
    assert sql.startswith("EXECUTE") and params == [f"{{{agent.pk},{other_agent.pk}}}"]
    assert ids.rows(ids=[other_agent.pk]) == [(other_agent.pk,)]  # each call's own list
    assert ids.rows(ids=[]) == []  # an empty list matches nothing
    assert ids.rows(ids=[-1, 0, 2**62]) == []  # any bigint, whatever its sign or size


@needs_postgres
def test_a_statement_postgresql_will_not_prepare_runs_as_it_is_and_the_transaction_goes_on(agent):
    from django.db import transaction

    # A value of no known type (a list of text) is never prepared; a PREPARE PostgreSQL refuses leaves the
    # transaction usable (its savepoint) and the statement runs unprepared from then on.
    unknown = Compiled(
        lambda emails: ("default", "SELECT id FROM helpdesk_user WHERE email = ANY(%s)", [emails]),
        {"emails": [STAND_IN_TEXT]},
    )
    assert unknown.rows(emails=[agent.email]) == [(agent.pk,)]
    assert not unknown.statement(emails=[agent.email])[1].startswith("EXECUTE")
    refused = Compiled(
        lambda user_id: ("default", "SELECT %s::no_such_type, id FROM helpdesk_user WHERE id = %s", [1, user_id]),
        {"user_id": STAND_IN_ID},
    )
    with transaction.atomic():
        assert not refused.statement(user_id=agent.pk)[1].startswith("EXECUTE")
        assert User.objects.filter(pk=agent.pk).exists()  # the transaction is still usable
    assert refused._compiled["prepared"] is None


def test_converters_are_worked_out_once_per_connection_and_convert_as_the_orm_does(agent):
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from tickets.models import SavedView

    mine = SavedView.objects.create(owner=agent, name="Mine", query={"view": "mine", "q": "رمز"}, columns=["number"])
    views = CompiledQuerySet(
        lambda owner_id: SavedView.objects.filter(owner_id=owner_id).select_related("owner"), {"owner_id": STAND_IN_ID}
    )
    real = SQLCompiler.get_converters
    with mock.patch.object(SQLCompiler, "get_converters", autospec=True, side_effect=real) as worked_out:
        for _ in range(3):
            (found,) = views.fetch(owner_id=agent.pk)
            orm = SavedView.objects.select_related("owner").get(pk=mine.pk)
            # the JSON columns come back as Python's values (a converter's work), the moments aware
            assert (found.query, found.columns, found.created_at) == (orm.query, orm.columns, orm.created_at)
            assert found.query == {"view": "mine", "q": "رمز"} and found.owner.date_joined == orm.owner.date_joined
    # the ORM's own three reads work theirs out each time; the compiled statement once
    assert worked_out.call_count == 3 + 1


@needs_postgres
def test_constants_are_written_into_the_prepared_statement_and_only_the_stand_ins_are_passed(agent, other_agent):
    """A parameter that is the same in every build (a status list, a sentinel) is part of the statement
    PostgreSQL plans, as it is unprepared: only the stand-ins are $1, $2, ... (so a plan made once can
    still use a partial index whose condition names those constants)."""
    from helpdesk.models import Role

    odd = "it's 100% «رمز»"
    statement = Compiled(
        lambda user_id: (
            "default",
            "SELECT id, %s, %s FROM helpdesk_user WHERE id = %s AND email NOT LIKE 'x%%' AND role IN (%s, %s)",
            [odd, 5, user_id, Role.AGENT, Role.ADMIN],
        ),
        {"user_id": STAND_IN_ID},
    )
    assert statement.rows(user_id=agent.pk) == [(agent.pk, odd, 5)]
    db, sql, params = statement.statement(user_id=other_agent.pk)
    assert sql.startswith("EXECUTE") and params == [other_agent.pk]
    with connection.cursor() as cursor:
        name = statement._compiled["prepared"]["name"]
        cursor.execute("SELECT statement, parameter_types::text FROM pg_prepared_statements WHERE name = %s", [name])
        text, types = cursor.fetchone()
    assert types == "{bigint}" and "id = $1" in text and "$2" not in text
    assert "'it''s 100% «رمز»'" in text and "IN ('agent', 'admin')" in text and "LIKE 'x%'" in text
    assert statement.rows(user_id=other_agent.pk) == [(other_agent.pk, odd, 5)]


@needs_postgres
def test_a_statement_compiled_not_to_be_prepared_runs_its_sql_planned_for_each_calls_values(agent, other_agent):
    """prepare=False (a list sorted and cut, whose best plan depends on the values): compiled once, never
    prepared, so PostgreSQL plans each call for its own values."""
    agents = CompiledQuerySet(
        lambda user_id: User.objects.filter(pk__gte=user_id, role="agent").order_by("-date_joined")[:5],
        {"user_id": STAND_IN_ID},
        prepare=False,
    )
    for user in (agent, other_agent, agent):
        orm = User.objects.filter(pk__gte=user.pk, role="agent").order_by("-date_joined")[:5]
        assert [u.pk for u in agents.fetch(user_id=user.pk)] == [u.pk for u in orm]
    db, sql, params = agents._statement.statement(user_id=other_agent.pk)
    assert not sql.startswith("EXECUTE") and other_agent.pk in params  # the SQL itself, with the values
    assert agents._statement._compiled["prepared"] is None


@needs_postgres
def test_a_statement_without_a_callers_value_is_prepared_even_when_asked_not_to_be(agent, other_agent):
    """prepare=False guards a plan that depends on the values; a statement that takes none of the
    caller's (an agent's "open" list: constants only) has one plan for every call, so it is prepared."""
    agents = CompiledQuerySet(
        lambda: User.objects.filter(role="agent").order_by("-date_joined", "-pk")[:5], {}, prepare=False
    )
    expected = [u.pk for u in User.objects.filter(role="agent").order_by("-date_joined", "-pk")[:5]]
    assert [u.pk for u in agents.fetch()] == expected
    db, sql, params = agents._statement.statement()
    assert sql.startswith("EXECUTE") and params == []
    assert [u.pk for u in agents.fetch()] == expected  # again, through the statement prepared on this connection
