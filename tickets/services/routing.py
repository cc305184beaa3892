"""Routing a new ticket (called by `ticket_open`, for every channel), and taking an unowned ticket on
the first reply when HELPDESK_REQUIRE_OWNER is on (the solve check is tickets.services.status's).

After the ticket row, its first message and `created` event exist: the routing rules' decision is
applied (one `field_changed` event per field, actor the system, `data.rule` naming the rule), then an
unowned ticket of a team that assigns automatically gets an agent. Each event queues its webhooks;
`ticket_open` recomputes the SLA afterwards, so a rule's priority counts.
"""

from datetime import datetime

from customers.models import Contact
from helpdesk.models import User
from helpdesk.text import detect_language
from tickets import events, notifications
from tickets.models import Status, Ticket
from tickets.routing import assignment, engine, failures
from tickets.routing.conditions import BODY_CHARS, RoutingInput
from tickets.services.common import _tags
from tickets.services.status import _transition, owner_required


def routing_input(*, ticket: Ticket, contact: Contact, text: str, mailbox_id: int | None) -> RoutingInput:
    """A new ticket as the rules see it; its language is the one its subject and text are written in."""
    body = (text or "")[:BODY_CHARS]
    return RoutingInput(
        channel=ticket.channel,
        mailbox=mailbox_id,
        requester=contact.pk,
        organization=ticket.organization_id,
        contract=ticket.contract_id,
        product=ticket.product_id,
        categories=tuple(
            pk for pk in (ticket.category_id, ticket.category.parent_id if ticket.category else None) if pk
        ),
        language=detect_language(f"{ticket.subject} {body}"),
        subject=ticket.subject,
        body=body,
    )


def _set(*, ticket: Ticket, field: str, value, data: dict, now: datetime, notify: bool = True) -> None:
    old = getattr(ticket, field)
    if old == value:
        return
    setattr(ticket, field, value)
    events.event_field_changed(ticket=ticket, actor=None, field=field, old=old, new=value, at=now, data=data)
    if field == "assignee" and value is not None and notify:
        notifications.notify_assigned(ticket=ticket, assignee=value, actor=None)


def _apply(*, ticket: Ticket, decision: engine.Decision, now: datetime) -> None:
    for field, value in decision.changes.items():
        rule = decision.by_rule[field]
        _set(ticket=ticket, field=field, value=value, data={"rule": rule.id, "rule_name": rule.name}, now=now)
    if decision.tags:
        old = sorted(t.name for t in ticket.tags.all())
        new = sorted(set(old) | set(decision.tags))
        if new != old:
            ticket.tags.set(_tags(new))
            rule = decision.by_rule["tags"]
            events.event_field_changed(
                ticket=ticket,
                actor=None,
                field="tags",
                old=", ".join(old),
                new=", ".join(new),
                at=now,
                data={"rule": rule.id, "rule_name": rule.name},
            )


def ticket_route(*, ticket: Ticket, route: RoutingInput, keep: frozenset[str], now: datetime) -> None:
    """Apply the routing rules and automatic assignment to a new ticket (inside `ticket_open`).

    `keep`: the fields the opener chose (an agent's team or assignee), which rules leave alone.
    A rule that fails is switched off and reported (tickets.routing.failures); the ticket is made
    all the same. Saves the ticket when anything changed.
    """
    decision = engine.routing_decide(ticket=route, keep=keep)
    for rule, reason in decision.failed:
        failures.rule_fail(rule_id=rule.id, rule_name=rule.name, reason=reason, ticket=ticket)
    before = (ticket.team_id, ticket.assignee_id, ticket.priority, ticket.type, ticket.status, ticket.category_id)
    _apply(ticket=ticket, decision=decision, now=now)
    if ticket.assignee_id is None and ticket.team is not None:
        chosen = assignment.assignee_pick(team=ticket.team)
        if chosen is not None:
            mode = ticket.team.assignment_mode
            _set(ticket=ticket, field="assignee", value=chosen, data={"assignment": mode}, now=now)
    if ticket.assignee_id is not None and ticket.status == Status.NEW:
        _transition(ticket=ticket, actor=None, status=Status.OPEN, now=now, system=True)
    if before != (ticket.team_id, ticket.assignee_id, ticket.priority, ticket.type, ticket.status, ticket.category_id):
        ticket.save()


def owner_take_on_reply(*, ticket: Ticket, actor: User, now: datetime) -> None:
    """HELPDESK_REQUIRE_OWNER: an agent's public reply on a ticket nobody owns makes it theirs (an
    event with the system as actor: the helpdesk did it). The caller saves the locked ticket."""
    if owner_required() and ticket.assignee_id is None and actor.is_agent:
        _set(ticket=ticket, field="assignee", value=actor, data={"reason": "first_reply"}, now=now, notify=False)
