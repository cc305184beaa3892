"""Rows of several tables in one statement: each SELECT of a UNION ALL gives its row as JSON text, turned
back into model instances here.

A page that reads a handful of small, related sets (a ticket's terms; its messages, events and their
people) pays a round trip to the database for each of them, more than PostgreSQL takes to run them. As
branches of one UNION ALL, each tagged with a kind and a position, they come back in one. PostgreSQL
writes a row as JSON with row_to_json, numbers kept exact; SQLite (the embedded default) with
json_object over the model's columns.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import JSONField, Model
from django.utils import timezone


def row_json(model: type[Model], alias: str = "t") -> str:
    """The SQL that turns row `alias` of the model's table into JSON text keyed by column."""
    if connection.vendor == "postgresql":
        return f"row_to_json({alias})::text"
    quote = connection.ops.quote_name
    pairs = ", ".join(
        # SQLite keeps JSON as text: json() embeds it as JSON, as PostgreSQL's jsonb is
        f"'{f.column}', {'json(' if isinstance(f, JSONField) else '('}{alias}.{quote(f.column)})"
        for f in model._meta.concrete_fields
    )
    return f"json_object({pairs})"


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _value(field, raw):
    if raw is None or isinstance(field, JSONField):
        return raw  # a JSON column's value came decoded with its row
    value = field.to_python(raw)
    if isinstance(value, datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # SQLite keeps UTC times without their offset
    return value


def instance(model: type[Model], data: str) -> Model:
    """The model instance of a row_json() text, as the ORM would have read it."""
    row = json.loads(data, parse_float=Decimal)
    fields = model._meta.concrete_fields
    values = [_value(f, row[f.column]) for f in fields]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], values)


def by_kind(rows: list[tuple], models: dict[int, type[Model]]) -> dict[int, list[Model]]:
    """(kind, position, JSON text) rows -> each kind's instances, in order of position."""
    found: dict[int, list[Model]] = {kind: [] for kind in models}
    for kind, _position, data in sorted(rows, key=lambda row: (row[0], row[1])):
        found[kind].append(instance(models[kind], data))
    return found


def set_prefetched(obj: Model, name: str, rows: list[Model]) -> None:
    """What prefetch_related(name) leaves on `obj`: obj.<name>.all() gives `rows` and reads no more."""
    related = getattr(obj, name).all()
    related._result_cache, related._prefetch_done = rows, True
    obj._prefetched_objects_cache = {**getattr(obj, "_prefetched_objects_cache", {}), name: related}
