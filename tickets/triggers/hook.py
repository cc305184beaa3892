"""Where triggers are plugged into the audit trail: tickets.events calls `event_recorded` for every
event it writes and `stamp` before writing one.

An event a trigger fires on is handed to the runner once the transaction that wrote it commits
(`transaction.on_commit`): the triggers then see the ticket as the whole change left it (a new ticket
after routing, a reply with its status move), and a failing trigger can never undo the change that
fired it. A rolled-back change fires nothing.

While a trigger or timed rule acts (`acting`), every event written has the system as actor and names
the rule in its data, and the events it causes fire triggers one level deeper; past MAX_DEPTH they
fire nothing but one `trigger_loop_stopped` event (tickets.triggers.runner).
"""

import contextvars
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from helpdesk.models import User
from tickets.models import EventKind, TicketEvent, TriggerEvent

logger = logging.getLogger(__name__)

MAX_DEPTH = 3


@dataclass(frozen=True)
class Acting:
    """The rule acting now: "trigger" or "timed_rule", its id and name, and the depth of the event
    that set it off (0: a person's or the helpdesk's own change)."""

    kind: str
    id: int
    name: str
    depth: int = 0


_acting: contextvars.ContextVar[Acting | None] = contextvars.ContextVar("trigger_acting", default=None)
# The function that runs the triggers for one committed event (tickets.triggers.runner.triggers_run,
# connected by tickets.apps: the runner calls the services, which record events through this module).
_runner: Callable[..., None] | None = None


def connect(runner: Callable[..., None] | None) -> None:
    global _runner
    _runner = runner


@contextmanager
def acting(rule: Acting) -> Iterator[None]:
    token = _acting.set(rule)
    try:
        yield
    finally:
        _acting.reset(token)


def current() -> Acting | None:
    return _acting.get()


def stamp(*, actor: User | None, data: dict | None) -> tuple[User | None, dict | None]:
    """The actor and data of an event about to be written: while a rule acts, the system as actor
    and the rule named (`trigger` or `timed_rule`, with `rule_name`)."""
    rule = _acting.get()
    if rule is None:
        return actor, data
    return None, {**(data or {}), rule.kind: rule.id, "rule_name": rule.name}


def trigger_event(event: TicketEvent) -> str | None:
    """The TriggerEvent this audit-trail row is, or None when no trigger fires on it."""
    kind = event.kind
    if kind == EventKind.REPLIED:
        by = (event.data or {}).get("by")
        return {"customer": TriggerEvent.CUSTOMER_REPLIED, "agent": TriggerEvent.AGENT_REPLIED}.get(by)
    if kind == EventKind.FIELD_CHANGED:
        return {"priority": TriggerEvent.PRIORITY_CHANGED, "rating": TriggerEvent.RATED}.get(event.field)
    simple = {
        EventKind.CREATED: TriggerEvent.CREATED,
        EventKind.STATUS_CHANGED: TriggerEvent.STATUS_CHANGED,
        EventKind.SLA_WARNING: TriggerEvent.SLA_WARNING,
        EventKind.SLA_BREACHED: TriggerEvent.SLA_BREACHED,
        EventKind.REFERRAL_ANSWERED: TriggerEvent.REFERRAL_ANSWERED,
        EventKind.FEEDBACK_LINKED: TriggerEvent.FEEDBACK_LINKED,
    }
    return simple.get(kind)


def event_recorded(event: TicketEvent) -> None:
    """Run the triggers for this event once its transaction commits (nothing if no trigger fires on it)."""
    name = trigger_event(event)
    if name is None or _runner is None:
        return
    rule = _acting.get()
    depth = rule.depth + 1 if rule is not None else 0
    transaction.on_commit(functools.partial(_run, event_id=event.pk, ticket_id=event.ticket_id, name=name, depth=depth))


def _run(**kwargs) -> None:
    """After the commit: whatever goes wrong here must not turn the committed change into an error."""
    try:
        if _runner is not None:
            _runner(**kwargs)
    except Exception:  # noqa: BLE001 - logged; the change that fired the triggers is saved
        logger.exception("Triggers for event %s of ticket #%s failed", kwargs["event_id"], kwargs["ticket_id"])
