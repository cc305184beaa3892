"""Statements of the agent lists compiled once per process, run with each request's values.

Compiling a queryset (Django's ORM turning filters, unions and windows into SQL) costs the list pages
more than running some of their queries: the tab counts' seven querysets, the pickers' UNION ALL of
four tables. Where a statement depends on the request only through a few values (the agent's id, a
moment), it is compiled once with stand-in values in their places, and each request runs the same SQL
with its own values put where the stand-ins were. Nothing read from the database is kept: only SQL.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connections

# Values no real parameter has (an id past any sequence here, a moment before the software existed).
STAND_IN_ID = 2_100_000_017
STAND_IN_MOMENT = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


@dataclass
class Compiled:
    """build(**stand_ins) -> (db alias, sql, params): compiled on first use, then reused."""

    build: Callable[..., tuple[str, str, list]]
    stand_ins: dict[str, Any]
    _compiled: dict[str, Any] = field(default_factory=dict)

    def _get(self) -> dict[str, Any]:
        if not self._compiled:
            db, sql, params = self.build(**self.stand_ins)
            ops = connections[db].ops
            places = {}
            for name, value in self.stand_ins.items():
                # A moment may be in the parameters as the backend stores it (SQLite: text in UTC).
                stored = ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value
                places[name] = [(i, p != value) for i, p in enumerate(params) if p in (value, stored)]
                if not places[name]:
                    raise ValueError(f"{name} is not a parameter of the statement: it would be left as its stand-in")
            self._compiled.update(db=db, sql=sql, params=params, places=places, ops=ops)
        return self._compiled

    def statement(self, **values) -> tuple[str, str, list]:
        """(db alias, sql, params) with these values where the stand-ins were."""
        compiled = self._get()
        params = list(compiled["params"])
        for name, value in values.items():
            for i, stored in compiled["places"][name]:
                params[i] = compiled["ops"].adapt_datetimefield_value(value) if stored else value
        return compiled["db"], compiled["sql"], params

    def rows(self, **values) -> list[tuple]:
        db, sql, params = self.statement(**values)
        with connections[db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
