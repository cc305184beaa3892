"""Automatic assignment within a team: round robin or least loaded, among its available agents, under
the team's cap of open tickets per agent.

Fair under concurrency: the choice is made under the team row's lock (SELECT ... FOR UPDATE), held
until the new ticket's transaction commits, and the round-robin pointer (`Team.assignment_last`) is
read and moved under it. Concurrent new tickets of one team therefore choose one after another, each
seeing the tickets the ones before it assigned (READ COMMITTED reads what committed before the
statement). Open tickets are counted per agent on the partial index `ticket_open_assignee_idx`.

An agent may have a cap of their own (`User.max_open_tickets`): the lower of theirs and the team's
applies. Their tickets can come from several teams, whose locks do not exclude each other, so the rows
of the candidates with a cap of their own are locked too (FOR NO KEY UPDATE, in id order, after the
team's; it does not block a ticket referencing them), and their counts are read after those locks.
"""

from django.db.models import Count

from helpdesk.models import AssignmentMode, Role, Team, User
from tickets.models import OPEN_STATUSES, Ticket


def team_candidates(team: Team) -> list[User]:
    """The team's agents who may get new tickets: active, agents or admins, not away; by id."""
    return list(
        User.objects.filter(teams=team, is_active=True, is_away=False, role__in=(Role.AGENT, Role.ADMIN)).order_by("id")
    )


def open_counts(user_ids: list[int]) -> dict[int, int]:
    """How many open tickets each of these agents owns (one grouped query on the assignee index)."""
    rows = (
        Ticket.objects.filter(assignee_id__in=user_ids, status__in=OPEN_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def _in_turn(candidates: list[User], last_id: int | None) -> list[User]:
    """The candidates starting after the one who got the last ticket (by id, wrapping round)."""
    if last_id is None:
        return candidates
    after = [u for u in candidates if u.pk > last_id]
    return after + [u for u in candidates if u.pk <= last_id]


def cap_for(user: User, team_cap: int | None) -> int | None:
    """The cap that applies to `user` in a team capped at `team_cap`: the lower one; None: no cap."""
    caps = [cap for cap in (team_cap, getattr(user, "max_open_tickets", None)) if cap is not None]
    return min(caps) if caps else None


def agent_choose(*, mode: str, candidates: list[User], counts: dict[int, int], cap: int | None, last_id: int | None):
    """Pure choice: the next agent in turn (round robin) or the one with the fewest open tickets, ties
    in turn (least loaded); never one at their cap (`cap_for`: the team's `cap` or their own, the
    lower). None when nobody can take it."""
    turn = [u for u in _in_turn(candidates, last_id) if _under(counts.get(u.pk, 0), cap_for(u, cap))]
    if not turn:
        return None
    if mode == AssignmentMode.LEAST_LOADED:
        return min(turn, key=lambda u: counts.get(u.pk, 0))  # min keeps the first of equals: the turn order
    return turn[0]


def _under(count: int, cap: int | None) -> bool:
    return cap is None or count < cap


def assignee_pick(*, team: Team) -> User | None:
    """Choose the agent for a new unowned ticket of `team` by its mode and move the pointer; None when
    the team assigns by hand or nobody is available under the cap. Call inside the ticket's
    transaction: the team row stays locked until it commits."""
    if team.assignment_mode == AssignmentMode.MANUAL:
        return None
    locked = Team.objects.select_for_update().only("id", "assignment_mode", "max_open_per_agent", "assignment_last")
    team = locked.get(pk=team.pk)
    if team.assignment_mode == AssignmentMode.MANUAL:
        return None
    candidates = team_candidates(team)
    if not candidates:
        return None
    capped = [u.pk for u in candidates if u.max_open_tickets is not None]
    if capped:  # their tickets may come from other teams at the same time: serialise on their rows
        list(User.objects.select_for_update(no_key=True).filter(pk__in=capped).order_by("id").values_list("pk"))
    counts = open_counts([u.pk for u in candidates])
    chosen = agent_choose(
        mode=team.assignment_mode,
        candidates=candidates,
        counts=counts,
        cap=team.max_open_per_agent,
        last_id=team.assignment_last_id,
    )
    if chosen is not None:
        Team.objects.filter(pk=team.pk).update(assignment_last=chosen)
    return chosen
