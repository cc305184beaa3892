"""Which triggers a ticket matches: read-only. The conditions are tickets.routing.conditions' (its
TRIGGER_FIELDS), and the matching loop is the routing engine's `rules_match` (in order, up to the
first matching `stop` trigger; one that raises is reported and never stops the others).

The active triggers and timed rules are compiled once per process and kept until they change: one
small aggregate query per run tells (count, last id, last change), like the routing rules' cache.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Count, Max

from helpdesk.text import detect_language
from tickets.models import Message, Tag, Ticket, TimedRule, Trigger
from tickets.routing.conditions import BODY_CHARS, TRIGGER_FIELDS, CompiledCondition
from tickets.routing.engine import RuleBroken, rules_match


class TicketInput:
    """A ticket as triggers see it (the names are TRIGGER_FIELDS' attributes). Its first message, tags
    and language are read only when a condition asks for them: most triggers fail on a cheap field
    first, so a run that matches nothing costs the ticket's row alone."""

    def __init__(self, ticket: Ticket):
        category = ticket.category
        self.pk = ticket.pk
        self.status, self.priority, self.type = ticket.status, ticket.priority, ticket.type
        self.team = ticket.team_id
        self.assignee = "set" if ticket.assignee_id else "unset"
        self.channel = ticket.channel
        self.requester = ticket.requester_id
        self.organization = ticket.organization_id
        self.product = ticket.product_id
        self.categories = tuple(pk for pk in (ticket.category_id, category.parent_id if category else None) if pk)
        self.subject = ticket.subject

    @cached_property
    def body(self) -> str:
        first = (
            Message.objects.filter(ticket_id=self.pk).order_by("created_at", "id").values_list("body_text", flat=True)
        )
        return (first.first() or "")[:BODY_CHARS]

    @cached_property
    def tags(self) -> tuple[str, ...]:
        return tuple(Tag.objects.filter(tickets=self.pk).values_list("name", flat=True))

    @cached_property
    def language(self) -> str:
        return detect_language(f"{self.subject} {self.body}")


def ticket_input(ticket: Ticket) -> TicketInput:
    """The ticket's state for the conditions (its row must have `category` selected)."""
    return TicketInput(ticket)


@dataclass(frozen=True)
class Compiled:
    """A trigger or timed rule ready to test many tickets; `rule` is the row (its actions)."""

    id: int
    name: str
    stop: bool
    events: frozenset[str]
    conditions: tuple[CompiledCondition, ...]
    rule: Any
    error: str = ""

    def matches(self, ticket: TicketInput, texts: dict[str, str]) -> bool:
        if self.error:
            raise RuleBroken(self.error)
        return all(condition.matches(ticket, texts) for condition in self.conditions)


def compile_rule(rule: Trigger | TimedRule) -> Compiled:
    fields: dict[str, Any] = {
        "id": rule.pk,
        "name": rule.name,
        "stop": getattr(rule, "stop", False),
        "events": frozenset(getattr(rule, "events", ()) or ()),
        "rule": rule,
    }
    try:
        return Compiled(conditions=tuple(CompiledCondition(c, TRIGGER_FIELDS) for c in rule.conditions), **fields)
    except Exception as exc:  # noqa: BLE001 - a stored rule the code cannot read is reported, not raised
        return Compiled(conditions=(), error=f"unreadable conditions ({exc!r})"[:200], **fields)


_cache: dict[type, tuple[tuple | None, tuple[Compiled, ...]]] = {}


def active(model: type[Trigger] | type[TimedRule]) -> Sequence[Compiled]:
    """The active triggers (or timed rules) in order, compiled; recompiled when any changed."""
    stamp = model.objects.filter(is_active=True).aggregate(n=Count("id"), last=Max("id"), at=Max("updated_at"))
    key = (stamp["n"], stamp["last"], stamp["at"])
    cached_key, rules = _cache.get(model, (None, ()))
    if cached_key != key:
        rows = model.objects.filter(is_active=True).order_by("position", "id")
        rules = tuple(compile_rule(rule) for rule in rows)
        _cache[model] = (key, rules)
    return rules


def triggers_match(*, ticket: TicketInput, triggers: Sequence[Compiled]) -> tuple[list[Compiled], list]:
    """The triggers the ticket matches (in order, up to a matching `stop`) and those that raised."""
    return rules_match(ticket, triggers)  # type: ignore[arg-type]
