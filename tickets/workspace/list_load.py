"""What the agent ticket list reads besides its rows, in one statement: the pickers (custom statuses,
categories, agents, teams: pickers.list_pickers_statement) and the seven tab counts (lists.tab_counts),
as one UNION ALL compiled once per process (tickets.workspace.statements), each count a row of its own.
One round trip instead of two; agents only (anyone the visibility rules narrow reads them apart)."""

from datetime import datetime

from helpdesk.models import Role, User
from helpdesk.permissions import require_agent
from tickets import selectors
from tickets.workspace import lists
from tickets.workspace.pickers import Pickers, list_pickers_statement, pickers_from_rows, pickers_load
from tickets.workspace.statements import STAND_IN_ID, STAND_IN_MOMENT, Compiled

_COUNT = 9  # the kind of a count row (the pickers' kinds are 1-5)


def _statement(agent_id: int, since: datetime) -> tuple[str, str, list]:
    db, pickers_sql, pickers_params = list_pickers_statement(agent_id)
    agent = User(pk=agent_id, role=Role.AGENT)
    parts, params = [pickers_sql], list(pickers_params)
    for i, qs in enumerate(lists.tab_querysets(agent, since + lists.SOLVED_RECENTLY)):
        sql, qs_params = qs.order_by().values("pk")[: lists.COUNT_CAP].query.sql_with_params()
        # the columns of a pickers row: kind, id (the view's place), name, name_fa, text, ref (the count), position
        parts.append(f"SELECT {_COUNT}, {i}, '', '', '', (SELECT COUNT(*) FROM ({sql}) AS c{i}), 0")  # noqa: S608
        params.extend(qs_params)
    return db, " UNION ALL ".join(parts), params


_LIST = Compiled(_statement, {"agent_id": STAND_IN_ID, "since": STAND_IN_MOMENT})


def list_load(*, user: User, now: datetime) -> tuple[Pickers, list[int]]:
    """The list's pickers (pickers_load(people=True)) and its tabs' capped counts, in VIEWS order."""
    require_agent(user)
    if selectors.ticket_visibility_q(user) is not None:
        return pickers_load(user=user, people=True), lists.tab_counts(user, now)
    counts = [0] * len(lists.VIEWS)
    others = []
    for row in _LIST.rows(agent_id=user.pk, since=now - lists.SOLVED_RECENTLY):
        if row[0] == _COUNT:
            counts[row[1]] = row[5]
        else:
            others.append(row)
    return pickers_from_rows(sorted(others, key=lambda row: (row[0], row[6], row[2], row[1]))), counts
