"""Keyset (cursor) pagination: stable pages on any allowed ordering, with `id` breaking ties.

DRF's CursorPagination keys on the first ordering field alone (plus an offset) and writes a NULL
position as the string "None", so due dates (nullable) could not be paged. Here the cursor holds
the row's (value, id) and each page is one indexed range query: no COUNT, no OFFSET.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Expression, F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from helpdesk.api_support import page_size_of


@dataclass(frozen=True)
class SortKey:
    """One orderable value: a model field, or an annotation computed under `field`."""

    field: str
    kind: type = datetime  # datetime | int | str: how the value is written into the cursor
    nullable: bool = False
    annotation: Expression | None = None


class KeysetCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    ordering_query_param = "ordering"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    orderings: dict[str, SortKey] = {"id": SortKey("id", int)}
    default_ordering = "-id"

    # --- request --------------------------------------------------------------------------

    def _page_size(self, request: Request) -> int:
        return page_size_of(request, default=self.page_size, maximum=self.max_page_size)

    def _ordering(self, request: Request) -> tuple[str, bool]:
        raw = (request.query_params.get(self.ordering_query_param) or self.default_ordering).strip()
        descending = raw.startswith("-")
        name = raw.lstrip("-")
        if name not in self.orderings:
            choices = ", ".join(sorted(self.orderings))
            raise ValidationError(
                {self.ordering_query_param: [_("Order by one of: %(choices)s.") % {"choices": choices}]}
            )
        return name, descending

    def _decode(self, request: Request, key: SortKey) -> tuple[Any, int, bool] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==="))
            value, pk, backwards = data["v"], int(data["pk"]), bool(data.get("b"))
            if value is not None:
                if key.kind is datetime:
                    value = datetime.fromisoformat(value)
                    if value.tzinfo is None:
                        raise ValueError("naive")
                else:
                    value = key.kind(value)
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError, json.JSONDecodeError) as exc:
            raise ValidationError({self.cursor_query_param: [_("Invalid cursor.")]}) from exc
        return value, pk, backwards

    def _encode(self, row: Any, key: SortKey, *, backwards: bool) -> str:
        """The cursor of a row: a model instance, or a dict from a values() queryset."""
        if isinstance(row, dict):
            value, pk = row[key.field], row["id"]
        else:
            value, pk = getattr(row, key.field), row.pk
        if isinstance(value, datetime):
            value = value.isoformat()
        data = {"v": value, "pk": pk, **({"b": 1} if backwards else {})}
        token = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    # --- query ----------------------------------------------------------------------------

    @staticmethod
    def _order(key: SortKey, descending: bool, *, nulls_last: bool) -> list:
        # NULLS LAST/FIRST only where NULLs exist: spelled out on a NOT NULL column it would keep
        # PostgreSQL from walking the (-updated_at, -id) index.
        nulls = ({"nulls_last": True} if nulls_last else {"nulls_first": True}) if key.nullable else {}
        first = F(key.field).desc(**nulls) if descending else F(key.field).asc(**nulls)
        return [first, F("pk").desc() if descending else F("pk").asc()]

    @staticmethod
    def _after(key: SortKey, value: Any, pk: int, descending: bool, *, nulls_last: bool) -> Q:
        """Rows strictly after (value, pk) in the order (field, pk) both `descending`."""
        op = "lt" if descending else "gt"
        if value is None:
            after = Q(**{f"{key.field}__isnull": True, f"pk__{op}": pk})
            return after if nulls_last else after | Q(**{f"{key.field}__isnull": False})
        after = Q(**{f"{key.field}__{op}": value}) | Q(**{key.field: value, f"pk__{op}": pk})
        if key.nullable and nulls_last:
            after |= Q(**{f"{key.field}__isnull": True})
        return after

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        self.base_url = remove_query_param(request.build_absolute_uri(), self.cursor_query_param)
        size = self._page_size(request)
        name, descending = self._ordering(request)
        key = self.orderings[name]
        cursor = self._decode(request, key)
        if key.annotation is not None:
            queryset = queryset.annotate(**{key.field: key.annotation})
        backwards = bool(cursor and cursor[2])
        # Going back reads the reversed order from the cursor, then flips the page.
        scan_descending = descending != backwards
        queryset = queryset.order_by(*self._order(key, scan_descending, nulls_last=not backwards))
        if cursor is not None:
            value, pk, _backwards = cursor
            queryset = queryset.filter(self._after(key, value, pk, scan_descending, nulls_last=not backwards))
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
            self.previous_link = self._encode(rows[0], key, backwards=True) if more and rows else None
            self.next_link = self._encode(rows[-1], key, backwards=False) if rows else None
        else:
            self.next_link = self._encode(rows[-1], key, backwards=False) if more and rows else None
            self.previous_link = self._encode(rows[0], key, backwards=True) if cursor and rows else None
        return rows

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.next_link, "previous": self.previous_link, "results": data})

    # --- schema ---------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The cursor from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
        if len(self.orderings) > 1:
            names = sorted(self.orderings)
            parameters.append(
                {
                    "name": self.ordering_query_param,
                    "required": False,
                    "in": "query",
                    "description": f"One field, `-` for descending; default `{self.default_ordering}`. "
                    "Ties are broken by `id` in the same direction.",
                    "schema": {"type": "string", "enum": [*names, *(f"-{n}" for n in names)]},
                }
            )
        return parameters
