"""The lists every agent page reads and few people change (agents, teams and memberships, custom statuses,
categories, root causes, activity types, macros, products, saved views), kept in each process between
requests under a version the database changes with them.

One row (SharedListsVersion) holds a version. A trigger on each table those lists are read from gives it
a new random value in the same statement as any insert, update, delete or truncate there, whoever writes
(a service, the admin, a queryset's update(), a migration, psql): the change and the new version commit
together or not at all. A random value, not a counter, so a rolled-back change cannot leave a version
that comes back later with other data behind it.

Every signed-in request reads the version with its session, in the same statement
(helpdesk.session_store), and hands it on with the user (`version_of`). A list read through `kept` is
read from the database once per process and version (and key: the user, the language), then served from
memory until any of those tables changes. A user read any other way (an API token, a test's own
instance) carries no version: its lists are read each time, as before.

A request sees the lists as they stood when its session was read: a change it makes itself shows from
its next request on (every form that changes one of these lists redirects after it).
"""

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

# Each process keeps at most this many lists (a list per user and language for most pages): a full
# store starts again empty.
MAX_KEPT = 2000
_VERSION_ATTRIBUTE = "_shared_lists_version"

_kept: dict[Hashable, Any] = {}
_kept_version: list[int | None] = [None]


def remember_version(user: Any, version: int | None) -> None:
    """The version the session's read brought, kept on its user for this request."""
    if user is not None and version is not None:
        setattr(user, _VERSION_ATTRIBUTE, version)


def version_of(user: Any) -> int | None:
    return getattr(user, _VERSION_ATTRIBUTE, None)


def kept(*, user: Any, key: Hashable, read: Callable[[], T]) -> T:
    """read() once per process and version of the lists; the same object after, until they change. What
    read() returns is shared by the requests that follow: callers read it and never change it."""
    version = version_of(user)
    if version is None:
        return read()
    if version != _kept_version[0]:
        _kept.clear()
        _kept_version[0] = version
    if key in _kept:
        return _kept[key]
    value = read()
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    _kept[key] = value
    return value


def forget() -> None:
    """Drop what this process keeps (tests that compare a read with the database's rows)."""
    _kept.clear()
    _kept_version[0] = None


# --- the triggers (migrations) ------------------------------------------------------------------

VERSION_TABLE = "helpdesk_sharedlistsversion"
_FUNCTION = "helpdesk_shared_lists_changed"
_TRIGGER = "helpdesk_shared_lists"


def _new_version_sql(vendor: str) -> str:
    random_value = "floor(random() * 9007199254740991)::bigint" if vendor == "postgresql" else "random()"
    return (
        f"INSERT INTO {VERSION_TABLE} (id, value) VALUES (1, {random_value}) "  # noqa: S608 (constants)
        "ON CONFLICT (id) DO UPDATE SET value = excluded.value"
    )


def create_function_sql(vendor: str) -> list[str]:
    """PostgreSQL's trigger function (SQLite's triggers carry their statement in their body)."""
    if vendor != "postgresql":
        return []
    return [
        f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_new_version_sql(vendor)}; RETURN NULL; END $$"
    ]


def drop_function_sql(vendor: str) -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {_FUNCTION}()"] if vendor == "postgresql" else []


def create_triggers_sql(vendor: str, tables: list[str]) -> list[str]:
    """A trigger on each table that gives the version a new value when any of its rows changes: one per
    statement on PostgreSQL (truncate included), one per row and kind of change on SQLite."""
    if vendor == "postgresql":
        return [
            f'CREATE TRIGGER {_TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
            for table in tables
        ]
    return [
        f'CREATE TRIGGER {_TRIGGER}_{table}_{event.lower()} AFTER {event} ON "{table}" '
        f"BEGIN {_new_version_sql(vendor)}; END"
        for table in tables
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def drop_triggers_sql(vendor: str, tables: list[str]) -> list[str]:
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS {_TRIGGER} ON "{table}"' for table in tables]
    return [
        f"DROP TRIGGER IF EXISTS {_TRIGGER}_{table}_{event}"
        for table in tables
        for event in ("insert", "update", "delete")
    ]


def triggers_operation(tables: list[str]):
    """A migration operation that puts the triggers on `tables` (and takes them off when reversed)."""
    from django.db import migrations

    def run(sql_for: Callable[[str, list[str]], list[str]]):
        def apply(apps, schema_editor) -> None:
            for statement in sql_for(schema_editor.connection.vendor, tables):
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(create_triggers_sql), run(drop_triggers_sql))
