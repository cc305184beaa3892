"""A ticket's terms (product, contract and its products, SLA policy and the target of the ticket's
priority, category and its parent, root cause, problem) read in one query, for tickets.selectors, with
its requester, organization, team, assignee and custom status.

Joining these seven tables to the ticket's own query (itself joined to requester, organization, team
and assignee) cost PostgreSQL 4-12 ms of planning a call against 0.2 ms running it: the planner weighs
every order of twelve relations. A UNION ALL of primary-key lookups plans in well under a millisecond
(and the ticket's own query joined to its five people and labels still planned in 1.5 ms at a million
tickets, for 0.15 ms of running; a read without the terms has them joined to the ticket's prepared
statement instead, planned once per connection: tickets.selectors.ticket_get_for).
Each branch returns its row as JSON (numbers kept exact), turned back into model instances by
helpdesk.json_rows.
"""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model

from customers.models import Contact, Organization, Product, ServiceContract, SlaPolicy, SlaTarget
from helpdesk.json_rows import by_kind, row_json, set_prefetched
from helpdesk.models import Team, User
from helpdesk.statements import STAND_IN_ID, STAND_IN_TEXT, Compiled
from tickets.models import Category, CustomStatus, Problem, RootCause, Ticket

_PRODUCT, _CONTRACT, _POLICY, _CATEGORY, _PARENT, _ROOT_CAUSE, _PROBLEM, _TARGET, _CONTRACT_PRODUCTS = range(9)
_REQUESTER, _ORGANIZATION, _TEAM, _ASSIGNEE, _CUSTOM_STATUS = range(9, 14)
# the ticket's people and labels, read by primary key with its terms
_PEOPLE = {
    "requester": _REQUESTER,
    "organization": _ORGANIZATION,
    "team": _TEAM,
    "assignee": _ASSIGNEE,
    "custom_status": _CUSTOM_STATUS,
}
_MODELS: dict[int, type[Model]] = {
    _PRODUCT: Product,
    _CONTRACT: ServiceContract,
    _POLICY: SlaPolicy,
    _CATEGORY: Category,
    _PARENT: Category,
    _ROOT_CAUSE: RootCause,
    _PROBLEM: Problem,
    _TARGET: SlaTarget,
    _CONTRACT_PRODUCTS: Product,
    _REQUESTER: Contact,
    _ORGANIZATION: Organization,
    _TEAM: Team,
    _ASSIGNEE: User,
    _CUSTOM_STATUS: CustomStatus,
}


# The ticket's columns the statement reads, people first.
_IDS = (
    *("product_id", "requester_id", "organization_id", "team_id", "assignee_id", "custom_status_id"),
    *("contract_id", "sla_policy_id", "category_id", "root_cause_id", "problem_id"),
)


def _branches(values: dict[str, Any]) -> tuple[list[str], list]:
    """The SELECTs for what the ticket has, from its ids in `values` (and its priority, for the SLA
    target): table names from model metadata, the ids as parameters."""
    table = {kind: connection.ops.quote_name(model._meta.db_table) for kind, model in _MODELS.items()}
    branches: list[str] = []
    params: list = []

    def by_pk(kind: int, pk, where: str = "t.id = %s") -> None:
        if pk is not None:
            # Names from model metadata, never from input; the ids are parameters.
            branches.append(f"SELECT {kind}, 0, {row_json(_MODELS[kind])} FROM {table[kind]} t WHERE {where}")  # noqa: S608
            params.append(pk)

    by_pk(_PRODUCT, values["product_id"])
    for attribute, kind in _PEOPLE.items():
        by_pk(kind, values[f"{attribute}_id"])
    by_pk(_CONTRACT, values["contract_id"])
    by_pk(_POLICY, values["sla_policy_id"])
    by_pk(_CATEGORY, values["category_id"])
    by_pk(_PARENT, values["category_id"], f"t.id = (SELECT parent_id FROM {table[_CATEGORY]} WHERE id = %s)")  # noqa: S608
    by_pk(_ROOT_CAUSE, values["root_cause_id"])
    by_pk(_PROBLEM, values["problem_id"])
    if values["sla_policy_id"] is not None:
        branches.append(
            f"SELECT {_TARGET}, 0, {row_json(SlaTarget)} FROM {table[_TARGET]} t "  # noqa: S608
            "WHERE t.policy_id = %s AND t.priority = %s"
        )
        params += [values["sla_policy_id"], values["priority"]]
    if values["contract_id"] is not None:
        through = ServiceContract.products.through._meta
        link = connection.ops.quote_name(through.db_table)
        branches.append(
            f"SELECT {_CONTRACT_PRODUCTS}, row_number() OVER (ORDER BY t.name, t.id), {row_json(Product)} "  # noqa: S608
            f"FROM {table[_CONTRACT_PRODUCTS]} t JOIN {link} l ON l.product_id = t.id WHERE l.servicecontract_id = %s"
        )
        params.append(values["contract_id"])
    return branches, params


# One statement per shape (which of the ids the ticket has), compiled once
# per process (helpdesk.statements) and so prepared once per connection: PostgreSQL planned the union
# on every call (0.36 ms, against 0.1 ms running it).
_COMPILED: dict[tuple, Compiled] = {}


def _rows(ticket: Ticket) -> list[tuple]:
    present = tuple(name for name in _IDS if getattr(ticket, name) is not None)
    if not present:
        return []
    if present not in _COMPILED:
        stand_ins: dict[str, Any] = {name: STAND_IN_ID + i for i, name in enumerate(present)}
        if "sla_policy_id" in present:
            stand_ins["priority"] = STAND_IN_TEXT

        def build(**values) -> tuple[str, str, list]:
            branches, params = _branches({**dict.fromkeys(_IDS), **values})
            return DEFAULT_DB_ALIAS, " UNION ALL ".join(branches), params

        _COMPILED[present] = Compiled(build, stand_ins)
    compiled = _COMPILED[present]
    return compiled.rows(**{name: getattr(ticket, name) for name in compiled.stand_ins})


def ticket_terms_attach(ticket: Ticket) -> None:
    """Fill the ticket's requester, organization, team, assignee and custom status (None where it has
    none), its product, contract (with its products prefetched), sla_policy, category (with its parent),
    root_cause and problem, and set `ticket.sla_target` (the policy's target for the ticket's priority,
    or None): one query."""
    found = by_kind(_rows(ticket), _MODELS)

    def one(kind: int):
        return found[kind][0] if found[kind] else None

    category = one(_CATEGORY)
    if category is not None:
        category.parent = one(_PARENT)
    contract = one(_CONTRACT)
    if contract is not None:
        set_prefetched(contract, "products", found[_CONTRACT_PRODUCTS])
    read = [("product", one(_PRODUCT))]
    read += [(attribute, one(kind)) for attribute, kind in _PEOPLE.items()]
    read += [
        ("contract", contract),
        ("sla_policy", one(_POLICY)),
        ("category", category),
        ("root_cause", one(_ROOT_CAUSE)),
        ("problem", one(_PROBLEM)),
    ]
    ticket.sla_target = one(_TARGET)
    for attribute, value in read:
        Ticket._meta.get_field(attribute).set_cached_value(ticket, value)
