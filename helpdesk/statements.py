"""Statements compiled once per process, run with each request's values.

Compiling a queryset (Django's ORM turning filters, joins, unions and windows into SQL) costs a page
more than running most of its queries. Where a statement depends on the request only through a few
values (a user's id, a ticket's id, a moment), it is compiled once with stand-in values in their
places, and each request runs the same SQL with its own values put where the stand-ins were. Nothing
read from the database is kept: only SQL.

`Compiled` keeps a statement's SQL (its rows come back as tuples); `CompiledQuerySet` keeps a
queryset's, and gives what iterating the queryset gives (model instances with their select_related
rows and prefetch_related lookups, or the rows of values()). The statement's shape must not depend on
anything but its stand-ins: a builder that reads the clock or the database is refused when compiled.
"""

import copy
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import QuerySet

# Values no real parameter has (an id past any sequence here, a moment before the software existed).
STAND_IN_ID = 2_100_000_017
STAND_IN_MOMENT = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
STAND_IN_TEXT = "stand-in-2100000017"
BIGINT_MAX = 2**63 - 1  # a bigint column's largest value: a larger id matches nothing (and is no parameter)


@dataclass
class Compiled:
    """build(**stand_ins) -> (db alias, sql, params): compiled on first use, then reused."""

    build: Callable[..., tuple[str, str, list]]
    stand_ins: dict[str, Any]
    # False: never prepared, so PostgreSQL plans each call for its values. For a list sorted and cut
    # (ORDER BY ... LIMIT) whose filter matches few rows for some values and many for others, a plan
    # made once for every value may walk the sort's index through the whole table (a search for a rare
    # word: seconds at a million tickets).
    prepare: bool = True
    _compiled: dict[str, Any] = field(default_factory=dict)

    def _get(self) -> dict[str, Any]:
        if not self._compiled:
            db, sql, params = self.build(**self.stand_ins)
            # Built twice: a parameter that changed between the two came from elsewhere (the clock), and
            # would be frozen at its first value.
            if self.build(**self.stand_ins)[1:] != (sql, params):
                raise ValueError("the statement changes between two builds: a value is not a stand-in")
            ops = connections[db].ops
            places = {}
            for name, value in self.stand_ins.items():
                # A moment may be in the parameters as the backend stores it (SQLite: text in UTC).
                stored = ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value
                places[name] = [(i, p != value) for i, p in enumerate(params) if p in (value, stored)]
                if not places[name]:
                    raise ValueError(f"{name} is not a parameter of the statement: it would be left as its stand-in")
            variable = sorted({i for spots in places.values() for i, _stored in spots})
            self._compiled.update(
                db=db,
                sql=sql,
                params=params,
                places=places,
                ops=ops,
                # A statement with no value of the caller's in it is planned the same on every call:
                # prepared whatever `prepare` says (an agent's "open" list, 0.3 ms of planning).
                prepared=_prepared(sql, params, variable) if self.prepare or not variable else None,
            )
        return self._compiled

    def statement(self, **values) -> tuple[str, str, list]:
        """(db alias, sql, params) with these values where the stand-ins were: on PostgreSQL the EXECUTE of
        the statement prepared on this connection, where it can be."""
        compiled = self._get()
        params = list(compiled["params"])
        for name, value in values.items():
            for i, stored in compiled["places"][name]:
                params[i] = compiled["ops"].adapt_datetimefield_value(value) if stored else value
        sql, passed = _on_connection(compiled)
        if passed is None:
            return compiled["db"], sql, params
        return compiled["db"], sql, [_argument(params[i]) for i in passed]

    def rows(self, **values) -> list[tuple]:
        db, sql, params = self.statement(**values)
        with connections[db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class CompiledQuerySet:
    """build(**stand_ins) -> QuerySet, compiled on first use; fetch(**values) -> the list iterating that
    queryset with these values gives. The queryset stays the one definition of what is read; Django's
    own iteration makes the objects from the rows (its compiler, kept from the first compile, knows
    which column goes where), so they are what the ORM would make."""

    def __init__(self, build: Callable[..., QuerySet], stand_ins: dict[str, Any], *, prepare: bool = True):
        self.build = build
        self._template: tuple[QuerySet, Any] | None = None
        self._statement = Compiled(self._compile, stand_ins, prepare=prepare)
        # Each column's converters from the database's values to Python's (Django works them out for every
        # run, one lookup per column of every joined table): worked out once per connection.
        self._converters: dict[int, dict] = {}

    def _compile(self, **stand_ins) -> tuple[str, str, list]:
        queryset = self.build(**stand_ins)
        if queryset._known_related_objects:
            # a related manager's queryset would hand every row the stand-in's object
            raise ValueError("build the queryset from the model's manager, not a related manager")
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        self._template = (queryset, compiler)
        return queryset.db, sql, list(params)

    def fetch(self, **values) -> list:
        db, sql, params = self._statement.statement(**values)
        template, compiled = self._template
        queryset = template._chain()
        compiler = copy.copy(compiled)
        compiler.connection = connections[db]  # this thread's
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = lambda expressions: self._converters_on(compiler, expressions)
        # Only this clone runs the kept SQL: it is iterated here and never filtered further.
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _converters_on(self, compiler, expressions) -> dict:
        # the same columns on every run (the kept compiler's): only the connection may differ
        key = id(compiler.connection)
        if key not in self._converters:
            self._converters[key] = type(compiler).get_converters(compiler, expressions)
        return self._converters[key]

    def fetch_of(self, name: str, parent: Any) -> list:
        """fetch() with the parent's id as the stand-in `<name>_id`, each row's `name` set to the parent (as
        the parent's related manager sets it: reading it costs no query)."""
        rows = self.fetch(**{f"{name}_id": parent.pk})
        for row in rows:
            setattr(row, name, parent)
        return rows


# --- Prepared on PostgreSQL ---------------------------------------------------------------------

# A stand-in's type for PREPARE, from its Python value (as psycopg2 would write it); a statement with a
# stand-in of any other type (None, a list of anything but integers) is not prepared.
_PG_TYPES = {
    bool: "boolean",
    int: "bigint",
    str: "text",
    datetime: "timestamptz",
    date: "date",
    Decimal: "numeric",
    float: "double precision",
}
_NAMES = itertools.count(1)
_PREPARED = "_helpdesk_prepared"  # the names prepared on a connection's current session


def _forget_prepared(sender, connection, **kwargs) -> None:
    """A new session has none of the old one's prepared statements."""
    setattr(connection, _PREPARED, set())


connection_created.connect(_forget_prepared)


def _pg_type(value: Any) -> str | None:
    """PREPARE's type for a parameter: its class's or a base class's (a TextChoices member is a str); a
    list of integers (ids, as `column = ANY(%s)` takes them) is a bigint array."""
    if isinstance(value, list):
        return "bigint[]" if value and all(type(item) is int for item in value) else None
    return next((_PG_TYPES[cls] for cls in type(value).__mro__ if cls in _PG_TYPES), None)


def _prepared(sql: str, params: list, variable: list[int]) -> dict | None:
    """The PREPARE and the EXECUTE of a statement: the stand-ins' places written as $1, $2, ... with their
    types, and every other parameter, a constant of the statement (the same in every build: a status
    list, an SLA sentinel), written in as the literal psycopg2 would have sent. PostgreSQL then sees the
    constants as it sees them unprepared, so a partial index's condition or an expression index still
    matches a plan made once for every call (with them as parameters it could not, and planned each call
    again)."""
    types = [_pg_type(params[i]) for i in variable]
    if None in types:
        return None
    name = f"helpdesk_{next(_NAMES)}"
    positions, numbers = itertools.count(), itertools.count(1)

    def place(match: re.Match) -> str:
        if match.group() == "%%":
            return "%%"  # left for the driver, as the constants' %s are
        return f"${next(numbers)}" if next(positions) in variable else "%s"

    body = re.sub(r"%%|%s", place, sql)
    head = f"PREPARE {name} ({', '.join(types)}) AS " if variable else f"PREPARE {name} AS "
    arguments = f"({', '.join(['%s'] * len(variable))})" if variable else ""
    # The statement itself rides along as a comment, for logs and for tests that read the SQL: no value
    # is ever written into it (a value could close the comment).
    comment = sql.replace("%", "%%").replace("*/", "* /")
    return {
        "name": name,
        "prepare": head + body,
        "constants": [param for i, param in enumerate(params) if i not in variable],
        "variable": variable,
        "execute": f"EXECUTE {name}{arguments} /* {comment} */",
    }


def _argument(value: Any) -> Any:
    """A value as the EXECUTE of a prepared statement passes it: a list of integers as PostgreSQL's array
    text ('{1,2,3}', read by the statement's bigint[] parameter) where psycopg2 would write ARRAY[1,2,3]
    adapting each item on its own (0.3 ms for the ~200 ids a list page's names are read by)."""
    if type(value) is list and all(type(item) is int for item in value):
        return "{" + ",".join(map(str, value)) + "}"
    return value


def _on_connection(compiled: dict) -> tuple[str, list[int] | None]:
    """The SQL to run on this thread's connection, and which parameters it takes (None: all): the
    EXECUTE with the stand-ins' values once the statement is prepared there."""
    prepared, connection = compiled["prepared"], connections[compiled["db"]]
    if prepared is None or connection.vendor != "postgresql" or not settings.HELPDESK_PREPARED_STATEMENTS:
        return compiled["sql"], None
    if connection.needs_rollback:
        return compiled["sql"], None  # a broken transaction: it fails either way, and says why
    # The kept connection checked first (CONN_HEALTH_CHECKS, once a request): one the server closed (a
    # restart) is replaced now, with the names prepared on it forgotten, not after the EXECUTE is chosen.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    names = getattr(connection, _PREPARED, None)
    if names is None:  # a connection made before this module was imported
        names = set()
        setattr(connection, _PREPARED, names)
    if prepared["name"] not in names:
        if not _prepare(connection, prepared["prepare"], prepared["constants"]):
            compiled["prepared"] = None  # PostgreSQL would not prepare it: run it as it is from now on
            return compiled["sql"], None
        names.add(prepared["name"])
    return prepared["execute"], prepared["variable"]


def _prepare(connection, statement: str, constants: list) -> bool:
    """PREPARE on the raw connection (once a session, like the time zone Django sets: not one of a page's
    queries), in a savepoint inside a transaction so that a refusal leaves it usable; the driver writes
    the constants in."""
    in_transaction = not connection.get_autocommit()
    # A lost connection raises Django's OperationalError / InterfaceError, as a Django cursor's query would
    # (and marks the connection unusable): what reads after a commit catch to try once more on a new one.
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        try:
            if in_transaction:
                cursor.execute("SAVEPOINT helpdesk_prepare")
            cursor.execute(statement, constants)
        except (connection.Database.OperationalError, connection.Database.InterfaceError):
            raise  # the connection failed, not the statement: it stays to be prepared on the next one
        except connection.Database.DatabaseError:  # the driver's own (this cursor is not Django's)
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT helpdesk_prepare")
            return False
        if in_transaction:
            cursor.execute("RELEASE SAVEPOINT helpdesk_prepare")
    return True
