"""Carrying out what a trigger or timed rule says, on one ticket, through the ticket services (events,
SLA, webhooks and notifications happen as for a person's change; tickets.triggers.hook makes the
system their actor and names the rule).

Order: fields and tags, the internal note, the public reply, the status, then who is told and the
webhook. What the rule names is re-read and checked each time: a team, agent or category switched off
since the rule was saved raises RuleBroken, and the rule is switched off (tickets.triggers.failures).
"""

from datetime import datetime
from typing import Any

from helpdesk.mail import recipient_locale
from helpdesk.models import Team, User, WebhookEndpoint
from helpdesk.outbox import queue
from tickets import services
from tickets.alerts.services import notify
from tickets.models import Category, NotificationKind, Ticket, TimedRule, Trigger
from tickets.placeholders import placeholder_errors, placeholder_values, placeholders_fill
from tickets.routing.engine import RuleBroken

WEBHOOK_EVENT = "ticket.trigger"  # the `event` of a delivery a rule's "call webhook" queues


def placeholders_errors(text: str) -> list[str]:
    """Why a reply cannot be sent as written (unknown or malformed placeholders), or nothing: the macros'
    check (tickets.placeholders), which also takes the single-brace names replies were saved with before."""
    return placeholder_errors(text, legacy=True)


def reply_text(*, rule: Trigger | TimedRule, ticket: Ticket, author: User | None = None) -> str:
    """The reply in the requester's language (English when the rule has no Persian text), filled in."""
    language = recipient_locale(contact=ticket.requester)["language"]
    template = (rule.reply_fa if language == "fa" else "") or rule.reply_en or rule.reply_fa
    if placeholders_errors(template):  # saved before the check, or written around it
        raise RuleBroken("the reply has unknown or malformed placeholders")
    return placeholders_fill(template, placeholder_values(ticket=ticket, agent=author), legacy=True)


def _get(model, pk: int | None, label: str, ok) -> Any:
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None or not ok(obj):
        raise RuleBroken(f"the {label} {obj or pk} can no longer be used")
    return obj


def _targets(rule: Trigger | TimedRule) -> dict[str, Any]:
    return {
        "team": _get(Team, rule.set_team_id, "team", lambda t: t.is_active),
        "assignee": _get(User, rule.set_assignee_id, "agent", lambda u: u.is_agent),
        "category": _get(Category, rule.set_category_id, "category", lambda c: c.is_active),
        "author": _get(User, rule.author_id, "author", lambda u: u.is_agent),
        "notify_user": _get(User, rule.notify_user_id, "agent", lambda u: u.is_agent),
        "notify_team": _get(Team, rule.notify_team_id, "team", lambda t: t.is_active),
        "webhook": _get(WebhookEndpoint, rule.webhook_id, "webhook", lambda w: w.is_active),
    }


def _fields(*, rule: Trigger | TimedRule, ticket: Ticket, targets: dict, now: datetime) -> Ticket:
    changes: dict[str, Any] = {name: targets[name] for name in ("team", "assignee", "category") if targets[name]}
    if rule.set_priority:
        changes["priority"] = rule.set_priority
    tags = None
    if rule.add_tags:
        current = list(ticket.tags.values_list("name", flat=True))
        if set(rule.add_tags) - set(current):
            tags = [*current, *rule.add_tags]
    if changes or tags is not None:
        ticket = services.ticket_update(ticket=ticket, actor=None, changes=changes, tags=tags, now=now, system=True)
    return ticket


def act(*, rule: Trigger | TimedRule, ticket: Ticket, event_id: int | None, now: datetime) -> None:
    """Everything the rule says, on the (locked) ticket, inside the caller's transaction."""
    targets = _targets(rule)
    ticket = _fields(rule=rule, ticket=ticket, targets=targets, now=now)
    if (rule.note or rule.reply_en or rule.reply_fa) and targets["author"] is None:
        raise RuleBroken("a note or reply needs an agent to write it")
    if rule.note:
        services.ticket_reply(ticket=ticket, actor=targets["author"], body=rule.note, internal=True, now=now)
    if rule.reply_en or rule.reply_fa:
        body = reply_text(rule=rule, ticket=ticket, author=targets["author"])
        # an automatic notice (mailed as a reply): no first or next response, no status, no owner, so the
        # SLA clock runs on until a person answers (tickets.services.ticket_reply)
        services.ticket_reply(ticket=ticket, actor=targets["author"], body=body, notice=True, now=now)
    if rule.set_status and rule.set_status != Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk):
        services.ticket_change_status(ticket=ticket, actor=None, status=rule.set_status, now=now)
    lead = ticket.team.lead if rule.notify_lead and ticket.team_id and ticket.team else None
    if targets["notify_user"] or targets["notify_team"] or lead:
        recipients = [person for person in (targets["notify_user"], lead) if person is not None]
        notify(
            kind=NotificationKind.AUTOMATION,
            recipients=recipients,
            team=targets["notify_team"],
            ticket=ticket,
            params={"rule": rule.name},
            now=now,
        )
    if targets["webhook"] is not None:
        _webhook(rule=rule, ticket=ticket, endpoint=targets["webhook"], event_id=event_id, now=now)


def _webhook(*, rule, ticket: Ticket, endpoint: WebhookEndpoint, event_id: int | None, now: datetime) -> None:
    """A delivery to the rule's endpoint through the outbox (signed, retried, sent once per key)."""
    kind = "trigger" if isinstance(rule, Trigger) else "timed_rule"
    key = f"webhook:{endpoint.pk}:{kind}:{rule.pk}:{event_id or int(now.timestamp())}:{ticket.pk}"
    item = {
        "key": key,
        "recipient": endpoint.url,
        "template": WEBHOOK_EVENT,
        "ticket_id": ticket.pk,
        "context": {"event": event_id, "rule": {"kind": kind, "id": rule.pk, "name": rule.name}},
        "webhook": endpoint,
    }
    queue.notifications_queue_many(items=[item], now=now)
