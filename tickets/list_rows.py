"""What a ticket list's rows name, read in one query for a page: requesters, organizations, teams,
assignees, products, custom statuses and tags (tickets.selectors.ticket_rows, which the API's list, the
agent list, the sidebar's other tickets and the portal's lists read through)."""

from collections.abc import Iterable

from django.db import connection

from customers.models import Contact, Organization, Product
from helpdesk.models import Team, User
from helpdesk.names import name_in_language
from helpdesk.statements import STAND_IN_ID, Compiled
from tickets.models import CustomStatus, Tag, Ticket


class ListRef:
    """A related row as a ticket list shows it: id, name, an email for people (None for a contact
    without one, as the ticket's own output writes it), and the Persian name of teams and products
    (`display_name`: the one in the active language)."""

    __slots__ = ("email", "name", "name_fa", "pk")

    def __init__(self, pk: int, name: str, email: str | None = "", name_fa: str = "") -> None:
        self.pk, self.name, self.email, self.name_fa = pk, name, email, name_fa

    def __str__(self) -> str:  # as Contact.__str__ (the name of one without address is its phone)
        return self.name or self.email or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return name_in_language(self.name, self.name_fa)


class TicketListRow:
    """One ticket of a list page: the LIST_FIELDS as attributes, related rows as ListRef, tag names."""

    id: int  # set with the other LIST_FIELDS from the row's values

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)
        self.tag_names: list[str] = []

    @property
    def pk(self) -> int:
        return self.id


# Kinds of reference rows in ticket_rows' one query: (kind, model, name column, second column: the
# email of people, the Persian name of teams and products).
_REFERENCES = {
    "requester": (1, Contact, "full_name", "email"),
    "organization": (2, Organization, "name", None),
    "team": (3, Team, "name", "name_fa"),
    "assignee": (4, User, "full_name", "email"),
    "product": (5, Product, "name", "name_fa"),
    "custom_status": (7, CustomStatus, "name", "name_fa"),  # its agent label
}
# What customers read instead: a custom status's customer label, never the agent one.
_FOR_CUSTOMERS = {"custom_status": (8, CustomStatus, "customer_name", "customer_name_fa")}
_NAMED_IN_LANGUAGES = {3, 5, 7, 8}
_TAGS = 6
_INTERNAL = (4, 7)  # read for agents only: the assignee, a custom status's agent label


class CustomerLabelRef(ListRef):
    """A custom status in a customer's list row: its customer label only (empty: say the status)."""

    __slots__ = ()

    @property
    def customer_text(self) -> str:
        return self.display_name


def ticket_rows(values: Iterable[dict], *, with_internal: bool) -> list[TicketListRow]:
    """List rows from LIST_FIELDS dicts, with their requester, organization, team, product and, when
    `with_internal` (agents), assignee, custom status and tags (customers: the custom status's customer
    label alone, CustomerLabelRef): all read in one query, whatever the page size.

    The tickets of a page come from a single-table query (the filters and the keyset paging); joining
    five tables to it cost PostgreSQL more time planning than running it (2.8 ms against 0.7 ms at a
    million tickets, bench/api.py), and Django's union() took 2.5 ms to compile. So this one query is
    written out: a UNION ALL of primary-key lookups, values always passed as parameters. On PostgreSQL
    each kind's ids are one array parameter (`id = ANY(%s)`), so the statement is the same for every
    page and is prepared once per connection (planning it took longer than running it); elsewhere each
    branch lists its ids.
    """
    rows = [TicketListRow(value) for value in values]
    if not rows:
        return rows
    references = _REFERENCES if with_internal else {**_REFERENCES, **_FOR_CUSTOMERS}
    kinds = {
        kind: attribute for attribute, (kind, *_rest) in references.items() if with_internal or kind not in _INTERNAL
    }
    ids = {kind: {getattr(row, f"{attribute}_id") for row in rows} - {None} for kind, attribute in kinds.items()}
    if with_internal:
        ids[_TAGS] = {row.pk for row in rows}
    found: dict[int, dict[int, ListRef]] = {kind: {} for kind, *_rest in references.values()}
    tags: dict[int, list[str]] = {}
    for kind, pk, name, email in _reference_rows(ids, with_internal=with_internal):
        if kind == _TAGS:
            tags.setdefault(pk, []).append(name)
        elif kind in _NAMED_IN_LANGUAGES:
            found[kind][pk] = (CustomerLabelRef if kind == 8 else ListRef)(pk, name or "", name_fa=email or "")
        else:
            found[kind][pk] = ListRef(pk, name or "", email)
    for row in rows:
        for attribute, (kind, *_rest) in references.items():
            setattr(row, attribute, found[kind].get(getattr(row, f"{attribute}_id")))
        row.tag_names = sorted(tags.get(row.pk, ()))
    return rows


def _reference_branches(kinds: Iterable[int], *, with_internal: bool) -> list[tuple[int, str, str]]:
    """(kind, SELECT list, FROM ... WHERE key column) of each kind's branch of ticket_rows' query. Names come
    from model metadata, never from input."""
    quote = connection.ops.quote_name
    references = _REFERENCES if with_internal else {**_REFERENCES, **_FOR_CUSTOMERS}
    branches = []
    for kind, model, name_column, email_column in references.values():
        if kind in kinds:
            table = quote(model._meta.db_table)
            email = f"{table}.{quote(email_column)}" if email_column else "''"
            name = f"{table}.{quote(name_column)}"
            if model is Contact:  # one known by phone only: its number, as Contact.__str__ writes it
                name = f"CASE WHEN {name} = '' AND {email} IS NULL THEN {table}.{quote('phone')} ELSE {name} END"
            select = f"{table}.{quote('id')}, {name}, {email}"
            branches.append((kind, select, f"{table} WHERE {table}.{quote('id')}"))
    if _TAGS in kinds:
        through = Ticket.tags.through._meta
        link, tag = quote(through.db_table), quote(Tag._meta.db_table)
        ticket_column, tag_column = quote(through.get_field("ticket").column), quote(through.get_field("tag").column)
        source = f"{link} INNER JOIN {tag} ON {tag}.{quote('id')} = {link}.{tag_column} WHERE {link}.{ticket_column}"
        branches.append((_TAGS, f"{link}.{ticket_column}, {tag}.{quote('name')}, ''", source))
    return branches


# ticket_rows' statement on PostgreSQL, one for agents and one for customers: every kind's ids an array
_REFERENCE_READS: dict[bool, Compiled] = {}


def _reference_rows(ids: dict[int, set], *, with_internal: bool) -> list[tuple]:
    if connection.vendor == "postgresql":
        if with_internal not in _REFERENCE_READS:
            branches = _reference_branches(ids, with_internal=with_internal)

            def build(**stand_ins: list) -> tuple[str, str, list]:
                parts = [f"SELECT {kind}, {select} FROM {source} = ANY(%s)" for kind, select, source in branches]  # noqa: S608
                return connection.alias, " UNION ALL ".join(parts), [stand_ins[f"k{kind}"] for kind, *_ in branches]

            stand_ins = {f"k{kind}": [STAND_IN_ID + kind] for kind in ids}
            _REFERENCE_READS[with_internal] = Compiled(build, stand_ins)
        return _REFERENCE_READS[with_internal].rows(**{f"k{kind}": sorted(values) for kind, values in ids.items()})
    parts, params = [], []
    for kind, select, source in _reference_branches(
        [kind for kind, values in ids.items() if values], with_internal=with_internal
    ):
        parts.append(f"SELECT {kind}, {select} FROM {source} IN ({', '.join(['%s'] * len(ids[kind]))})")  # noqa: S608
        params.extend(sorted(ids[kind]))
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()
