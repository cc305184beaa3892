"""SQL the reports need that Django lacks: a continuous percentile and minutes between two moments.

PostgreSQL has `percentile_cont(f) WITHIN GROUP (ORDER BY x)`. SQLite has no percentile, so, as Django
itself does for STDDEV and VAR on SQLite, the same aggregate is registered on every new SQLite
connection (`sqlite_functions`), computed inside the database with the same linear interpolation.
"""

import json
import math
from typing import Any

from django.db.models import Aggregate, FloatField, Func


class PercentileCont(Aggregate):
    """The `fraction` percentile of the values, interpolated between the two nearest (NULLs ignored)."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="hd_percentile_cont",
            template="%(function)s(%(expressions)s, %(fraction)s)",
            **extra_context,
        )


class PercentilesCont(Aggregate):
    """Several percentiles of the values in one sort: a list, one value per fraction (None for each
    when no value). PostgreSQL: `percentile_cont(ARRAY[...]) WITHIN GROUP (ORDER BY x)`; SQLite: the
    same interpolation by `hd_percentiles_cont`, which answers the list as JSON text."""

    function = "percentile_cont"
    name = "PercentilesCont"
    output_field = FloatField()  # each element's type; convert_value answers the list
    template = "%(function)s(ARRAY[%(fractions)s]::double precision[]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fractions: tuple[float, ...], **extra):
        if not fractions or not all(0 <= f <= 1 for f in fractions):
            raise ValueError("fractions must be between 0 and 1")
        self.fractions = tuple(float(f) for f in fractions)
        super().__init__(expression, fractions=", ".join(repr(f) for f in self.fractions), **extra)

    def convert_value(self, value, expression, connection):
        if value is None:
            return [None] * len(self.fractions)
        if isinstance(value, str):  # SQLite
            value = json.loads(value)
        return [None if v is None else float(v) for v in value]

    def get_db_converters(self, connection):
        return [self.convert_value]

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="hd_percentiles_cont",
            template="%(function)s(%(expressions)s, '%(fractions)s')",
            **extra_context,
        )


class _ElapsedMinutes(Func):
    """Minutes from the second expression to the first (later, earlier), as a float; NULL if either is."""

    arity = 2
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 60.0)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores moments as UTC text that julianday() reads (days, as a fraction).
        template = "((julianday(%(expressions)s)) * 1440.0)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra_context)


def minutes_between(start: str, end: str) -> _ElapsedMinutes:
    """Minutes from the moment in column `start` to the one in `end`."""
    return _ElapsedMinutes(end, start)


class _Percentile:
    """SQLite aggregate: collects the values, answers percentile_cont's interpolation."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: Any, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


class _Percentiles(_Percentile):
    """SQLite aggregate: several fractions (comma-separated text) over one list, answered as JSON."""

    def step(self, value: Any, fractions: str) -> None:  # type: ignore[override]
        self.fraction_list = [float(f) for f in fractions.split(",")]
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> str | None:  # type: ignore[override]
        if not self.values:
            return None
        return json.dumps([percentile_cont(self.values, f) for f in self.fraction_list])


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: the value at position fraction * (n - 1), interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def sqlite_functions(sender, connection, **kwargs) -> None:
    """Registers hd_percentile_cont on a new SQLite connection (a `connection_created` receiver)."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("hd_percentile_cont", 2, _Percentile)
        connection.connection.create_aggregate("hd_percentiles_cont", 2, _Percentiles)
