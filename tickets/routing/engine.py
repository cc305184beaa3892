"""Which routing rules a new ticket matches, and what they decide: read-only but for switching off a
rule that fails (tickets.routing.failures). tickets.services.routing applies the decision.

The active rules are compiled once per process and kept until they change: one small aggregate
query per new ticket tells (count, last id, last change), so 200 rules cost well under a
millisecond to test (bench/routing.py).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max

from helpdesk.models import Team, User
from tickets.models import Category, RoutingRule
from tickets.routing.conditions import BODY_CHARS, CompiledCondition, RoutingInput, fold

logger = logging.getLogger(__name__)


class RuleBroken(Exception):
    """A rule that cannot run any more (what it points at was deactivated, a condition is unknown)."""


@dataclass(frozen=True)
class CompiledRule:
    id: int
    name: str
    stop: bool
    conditions: tuple[CompiledCondition, ...]
    set_team_id: int | None
    set_priority: str
    set_type: str
    set_assignee_id: int | None
    add_tags: tuple[str, ...]
    set_category_id: int | None = None
    error: str = ""  # set when the stored rule could not be compiled

    def matches(self, ticket: RoutingInput, texts: dict[str, str]) -> bool:
        if self.error:
            raise RuleBroken(self.error)
        return all(condition.matches(ticket, texts) for condition in self.conditions)


def _compile(rule: RoutingRule) -> CompiledRule:
    fields: dict[str, Any] = {
        "id": rule.pk,
        "name": rule.name,
        "stop": rule.stop,
        "set_team_id": rule.set_team_id,
        "set_priority": rule.set_priority,
        "set_type": rule.set_type,
        "set_assignee_id": rule.set_assignee_id,
        "add_tags": tuple(rule.add_tags or ()),
        "set_category_id": rule.set_category_id,
    }
    try:
        return CompiledRule(conditions=tuple(CompiledCondition(c) for c in rule.conditions), **fields)
    except Exception as exc:  # noqa: BLE001 - a stored rule the code cannot read is reported, not raised
        return CompiledRule(conditions=(), error=f"unreadable conditions ({exc!r})"[:200], **fields)


# (version, rules): replaced whole, so a thread never sees one version's key with another's rules
_compiled: tuple[tuple | None, tuple[CompiledRule, ...]] = (None, ())


def active_rules() -> Sequence[CompiledRule]:
    """The active rules in order, compiled; recompiled when any was added, changed or removed."""
    stamp = RoutingRule.objects.filter(is_active=True).aggregate(n=Count("id"), last=Max("id"), at=Max("updated_at"))
    key = (stamp["n"], stamp["last"], stamp["at"])
    global _compiled
    cached_key, rules = _compiled
    if cached_key != key:
        rows = RoutingRule.objects.filter(is_active=True).order_by("position", "id")
        rules = tuple(_compile(rule) for rule in rows)
        _compiled = (key, rules)
    return rules


@dataclass
class Decision:
    """What the matching rules set (later rules over earlier ones), which rule set each field, and the
    rules that failed on this ticket."""

    changes: dict[str, object] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    by_rule: dict[str, CompiledRule] = field(default_factory=dict)
    matched: list[CompiledRule] = field(default_factory=list)
    failed: list[tuple[CompiledRule, str]] = field(default_factory=list)


class _Texts(dict):
    """The ticket's subject and body folded and closed up, each made when a keyword first asks for it
    (a trigger run reads the first message only when a body condition is reached)."""

    def __init__(self, ticket: Any):
        super().__init__()
        self.ticket = ticket

    def __missing__(self, attr: str) -> str:
        value = self[attr] = fold(getattr(self.ticket, attr)[:BODY_CHARS])[1]
        return value


def rules_match(ticket: RoutingInput, rules: Sequence[CompiledRule]) -> tuple[list[CompiledRule], list]:
    """The rules the ticket matches, in order up to the first matching `stop` rule, and those that
    raised (with the error); a failing rule never stops the others."""
    texts = _Texts(ticket)
    matched, failed = [], []
    for rule in rules:
        try:
            if not rule.matches(ticket, texts):
                continue
        except Exception as exc:  # noqa: BLE001 - reported and the rule switched off (failures.rule_fail)
            failed.append((rule, str(exc) or exc.__class__.__name__))
            continue
        matched.append(rule)
        if rule.stop:
            break
    return matched, failed


@dataclass
class Targets:
    """The teams, agents and categories the matched rules set, loaded once (a query per kind in use)."""

    teams: dict[int, Team]
    users: dict[int, User]
    categories: dict[int, Category]


def _targets(rules: Sequence[CompiledRule]) -> Targets:
    team_ids = {r.set_team_id for r in rules if r.set_team_id}
    user_ids = {r.set_assignee_id for r in rules if r.set_assignee_id}
    category_ids = {r.set_category_id for r in rules if r.set_category_id}
    return Targets(
        teams={t.pk: t for t in Team.objects.filter(pk__in=team_ids)} if team_ids else {},
        users={u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {},
        categories={c.pk: c for c in Category.objects.filter(pk__in=category_ids)} if category_ids else {},
    )


def _rule_changes(rule: CompiledRule, targets: Targets) -> dict[str, object]:
    """The fields one rule sets; RuleBroken when a team, assignee or category it names can no longer
    take tickets."""
    teams, users = targets.teams, targets.users
    changes: dict[str, object] = {}
    if rule.set_team_id:
        team = teams.get(rule.set_team_id)
        if team is None or not team.is_active:
            raise RuleBroken(f"the team {team or rule.set_team_id} is not active")
        changes["team"] = team
    if rule.set_assignee_id:
        user = users.get(rule.set_assignee_id)
        if user is None or not user.is_agent:
            raise RuleBroken(f"{user or rule.set_assignee_id} is no longer an active agent")
        changes["assignee"] = user
    if rule.set_category_id:
        category = targets.categories.get(rule.set_category_id)
        if category is None or not category.is_active:
            raise RuleBroken(f"the category {category or rule.set_category_id} is not active")
        changes["category"] = category
    if rule.set_priority:
        changes["priority"] = rule.set_priority
    if rule.set_type:
        changes["type"] = rule.set_type
    return changes


def routing_decide(*, ticket: RoutingInput, keep: frozenset[str] = frozenset()) -> Decision:
    """What the active rules decide for a new ticket. `keep`: fields the opener chose, left alone."""
    decision = Decision()
    matched, decision.failed = rules_match(ticket, active_rules())
    if not matched:
        return decision
    targets = _targets(matched)
    for rule in matched:
        try:
            changes = _rule_changes(rule, targets)
        except RuleBroken as exc:
            decision.failed.append((rule, str(exc)))
            continue
        decision.matched.append(rule)
        for name, value in changes.items():
            if name not in keep:
                decision.changes[name] = value
                decision.by_rule[name] = rule
        if rule.add_tags:
            decision.tags.extend(tag for tag in rule.add_tags if tag not in decision.tags)
            decision.by_rule["tags"] = rule
    return decision
