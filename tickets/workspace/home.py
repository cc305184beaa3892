"""The agent home page's lists: my tickets, my teams' unassigned ones, those near or past their SLA,
and the open referrals to my teams, each with its capped count (tickets.workspace.views.home).

Their statements depend on the agent only through their id and their teams' ids, so each is compiled
once per process for each number of teams (helpdesk.statements; compiling the six querysets
was about a third of the page's time) and run with the agent's values. The querysets below stay the
one definition of each list: the compiled SQL is theirs, and the rows are model instances as the
ORM would make them.
"""

from typing import Any

from django.db import connections
from django.db.models import Field, Model, Q, QuerySet

from helpdesk.models import Role, Team, User
from helpdesk.statements import STAND_IN_ID, Compiled, CompiledQuerySet
from tickets import selectors
from tickets.models import CustomStatus, Referral, SlaState, Ticket
from tickets.workspace import lists

ROWS = 8
SECTIONS = ("mine", "unassigned", "warning", "breached")
# What a home row shows (tickets.workspace.rows.ticket_cards_html) and its SLA badge reads: the ticket
# table, so each list is its index's first rows (Ticket.Meta.indexes, "agent home"), and the agent label
# of its custom status, joined in the same query.
TICKET_FIELDS = (
    "id",
    "subject",
    "status",
    "priority",
    "channel",
    "sla_state",
    "updated_at",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "custom_status_id",
)
CUSTOM_STATUS_FIELDS = ("custom_status__name", "custom_status__name_fa")
# What a referral row shows (tickets/agent/_referral_rows.html): its ticket's subject, the team's name.
REFERRAL_FIELDS = ("id", "ticket_id", "note", "due_at", "to_team_id")
REFERRAL_RELATED = ("ticket__subject", "to_team__name", "to_team__name_fa")


def section_querysets(user: User, team_ids: list[int]) -> dict[str, QuerySet[Ticket]]:
    """Each ticket list of the home page (unordered, unsliced): the list's own "unassigned" view for the
    second, the user's and their teams' open tickets for the SLA ones."""
    base = selectors.ticket_base_for(user=user)
    my_scope = base.open().filter(Q(assignee=user) | Q(team__in=team_ids))
    return {
        "mine": base.open().filter(assignee=user),
        "unassigned": base.open().unassigned().filter(team__in=team_ids),
        "warning": my_scope.filter(sla_state=SlaState.WARNING),
        "breached": my_scope.filter(sla_state=SlaState.BREACHED),
    }


def _statement(name: str, agent_id: int, team_ids: list[int]) -> tuple[str, str, list]:
    """(db alias, sql, params) of one statement of the page, compiled by the ORM."""
    agent = User(pk=agent_id, role=Role.AGENT)
    sections = section_querysets(agent, team_ids)
    referrals = lists.open_referrals_for(user=agent, team_ids=team_ids)
    if name == "counts":
        return (Ticket.objects.db, *lists.capped_counts_sql([*sections.values(), referrals]))
    if name == "referrals":
        qs = referrals.values(*REFERRAL_FIELDS, *REFERRAL_RELATED)[:ROWS]
    else:
        qs = sections[name].by_sla_due().values(*TICKET_FIELDS, *CUSTOM_STATUS_FIELDS)[:ROWS]
    return (qs.db, *qs.query.sql_with_params())


# --- compiled once per number of teams ---------------------------------------------------------

# Which of the agent's values each statement reads (a stand-in that is not a parameter is an error).
_READS_AGENT = {"mine", "warning", "breached", "counts"}
_READS_TEAMS = {"unassigned", "warning", "breached", "referrals", "counts"}
_COMPILED: dict[tuple[str, int], Compiled] = {}


def _team_keys(count: int) -> list[str]:
    return [f"team_{i:04}" for i in range(count)]


def _rows(name: str, user: User, team_ids: list[int]) -> list[tuple]:
    if name in ("unassigned", "referrals") and not team_ids:
        return []  # nothing matches an empty list of teams: no query, as the ORM does
    reads_agent, team_ids = name in _READS_AGENT, team_ids if name in _READS_TEAMS else []
    key = (name, len(team_ids))
    if key not in _COMPILED:
        stand_ins = {"agent_id": STAND_IN_ID} if reads_agent else {}
        stand_ins.update({team: STAND_IN_ID + 1 + i for i, team in enumerate(_team_keys(len(team_ids)))})

        def build(agent_id: int = STAND_IN_ID, **teams: int) -> tuple[str, str, list]:
            return _statement(name, agent_id, [teams[team] for team in sorted(teams)])

        _COMPILED[key] = Compiled(build, stand_ins)
    values = dict(zip(_team_keys(len(team_ids)), team_ids, strict=True))
    return _COMPILED[key].rows(**({"agent_id": user.pk} if reads_agent else {}), **values)


def _instance(model: type[Model], fields: list[Field], values: list) -> Any:
    """A model instance with these fields loaded, the others deferred (as .only() makes them)."""
    connection = connections[model.objects.db]
    for i, field in enumerate(fields):  # the values as the ORM gives them (SQLite hands moments as text)
        col = field.cached_col
        for converter in connection.ops.get_db_converters(col) + field.get_db_converters(connection):
            values[i] = converter(values[i], col, connection)
    loaded = {field.attname: value for field, value in zip(fields, values, strict=True)}
    # from_db() takes the values in the model's field order
    names = [field.attname for field in model._meta.concrete_fields if field.attname in loaded]
    return model.from_db(model.objects.db, names, [loaded[name] for name in names])


def _fields(model: type[Model], names: tuple[str, ...]) -> list[Field]:
    return [model._meta.get_field(name.removesuffix("_id") if name != "id" else name) for name in names]


def _tickets(rows: list[tuple]) -> list[Ticket]:
    fields, size = _fields(Ticket, TICKET_FIELDS), len(TICKET_FIELDS)
    tickets = []
    for row in rows:
        ticket = _instance(Ticket, fields, list(row[:size]))
        if ticket.custom_status_id:
            name, name_fa = row[size:]
            status_fields = _fields(CustomStatus, ("id", "name", "name_fa"))
            status = _instance(CustomStatus, status_fields, [ticket.custom_status_id, name, name_fa])
            Ticket._meta.get_field("custom_status").set_cached_value(ticket, status)  # as select_related does
        tickets.append(ticket)
    return tickets


def _referrals(rows: list[tuple]) -> list[Referral]:
    fields, size = _fields(Referral, REFERRAL_FIELDS), len(REFERRAL_FIELDS)
    referrals = []
    for row in rows:
        referral = _instance(Referral, fields, list(row[:size]))
        subject, team_name, team_name_fa = row[size:]
        referral.ticket = _instance(Ticket, _fields(Ticket, ("id", "subject")), [referral.ticket_id, subject])
        team_fields = _fields(Team, ("id", "name", "name_fa"))
        referral.to_team = _instance(Team, team_fields, [referral.to_team_id, team_name, team_name_fa])
        referrals.append(referral)
    return referrals


# The agent's teams (their ids, ascending), compiled once too: the first of the page's seven statements.
_TEAM_IDS = CompiledQuerySet(
    lambda user_id: Team.objects.filter(members=user_id).order_by("pk").values_list("pk", flat=True),
    {"user_id": STAND_IN_ID},
)


def home_lists(user: User) -> dict[str, Any]:
    """{section: {"rows": tickets decorated for the page, "count": capped count}} for the four ticket
    lists, and "referrals" likewise: seven statements, none compiled after the first page."""
    team_ids = _TEAM_IDS.fetch(user_id=user.pk)
    counts = list(_rows("counts", user, team_ids)[0])
    out: dict[str, Any] = {
        name: {"rows": lists.list_rows(_tickets(_rows(name, user, team_ids))), "count": count}
        for name, count in zip(SECTIONS, counts, strict=False)
    }
    out["referrals"] = {"rows": _referrals(_rows("referrals", user, team_ids)), "count": counts[-1]}
    return out
