"""The ticket list indexes are declared in Ticket.Meta.indexes (migration 0015), and on PostgreSQL
0015's declarations are exactly the ones migrations 0002 and 0006 made in raw SQL, so 0015 can adopt
those (later migrations may change them, as 0041 does)."""

import importlib

import pytest
from django.db import connection

from tickets.models import Ticket

pytestmark = pytest.mark.django_db

LIST_INDEXES = (
    "ticket_open_unassigned_idx",
    "ticket_open_assignee_idx",
    "ticket_solved_at_idx",
    "ticket_status_team_due_idx",
)
RAW_0006 = importlib.import_module("tickets.migrations.0006_workspace_macros_views").LIST_INDEXES
RAW_0002 = importlib.import_module("tickets.migrations.0002_search_vector").GIN_SQL

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")


def _indexdefs() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [Ticket._meta.db_table])
        return dict(cursor.fetchall())


def test_the_list_indexes_are_in_the_model_state():
    declared = {index.name for index in Ticket._meta.indexes}
    assert {*LIST_INDEXES, "ticket_search_vector_gin"} <= declared


@postgres_only
def test_on_postgresql_the_declared_indexes_exist():
    found = _indexdefs()
    for name in (*LIST_INDEXES, "ticket_search_vector_gin"):
        assert name in found
    assert "USING gin (search_vector)" in found["ticket_search_vector_gin"]
    assert "LEAST(COALESCE(first_response_due_at" in found["ticket_status_team_due_idx"]


def _declared_at_0015() -> dict:
    """The ticket's indexes as migration 0015 declared them (later migrations change some on purpose:
    0041 adds the team to ticket_open_assignee_idx)."""
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state(("tickets", "0015_list_indexes_in_models"))
    return {index.name: index for index in state.models["tickets", "ticket"].options["indexes"]}


@postgres_only
def test_django_builds_the_same_indexes_as_the_old_raw_sql():
    """What 0015 relies on to keep an existing raw-SQL index instead of rebuilding it."""
    declared = _declared_at_0015()
    with connection.schema_editor() as editor:
        for name in (*LIST_INDEXES, "ticket_search_vector_gin"):
            editor.execute(f"DROP INDEX {name}")
            editor.add_index(Ticket, declared[name])
    built = _indexdefs()
    with connection.schema_editor() as editor:
        for name, definition in RAW_0006.items():
            editor.execute(f"DROP INDEX {name}")
            editor.execute(f"CREATE INDEX {name} ON tickets_ticket {definition}")
        editor.execute("DROP INDEX ticket_search_vector_gin")
        editor.execute(RAW_0002)
    raw = _indexdefs()
    for name in (*LIST_INDEXES, "ticket_search_vector_gin"):
        assert built[name] == raw[name]


@postgres_only
def test_postgresql_keeps_fine_statistics_of_the_search_words(make):
    """Migration 0044: the search words' statistics target is 1,000, so a rare word is estimated as rare
    and read through the word index; with the default (100), a search for a word no ticket has walked
    the date index through every ticket (3.3 s at a million)."""
    from tickets.search import ticket_search

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'search_vector'",
            [Ticket._meta.db_table],
        )
        assert cursor.fetchone()[0] == 1000
    make(subject="Printer jammed")
    assert list(ticket_search(Ticket.objects.all(), "zzqx").order_by("-updated_at")[:50]) == []
    assert [t.subject for t in ticket_search(Ticket.objects.all(), "printer")] == ["Printer jammed"]
