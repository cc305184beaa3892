"""Running the triggers for one event, after the transaction that recorded it committed
(tickets.triggers.hook hands it over).

The triggers listening to the event are first matched on the committed ticket without a lock (most
events match nothing: then the run costs two small queries). When some match, one transaction locks
the ticket, matches them again, and each acts in a savepoint of its own, so one that fails is rolled
back, switched off and reported (tickets.triggers.failures) while the others still act.
Conditions are checked on the ticket as the event's change left it; what the triggers change fires
triggers again (one level deeper, see hook.MAX_DEPTH).
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from helpdesk.exceptions import Conflict
from tickets import events
from tickets.models import EventKind, Ticket, Trigger
from tickets.transitions import TicketMerged
from tickets.triggers import actions, engine, failures, hook

logger = logging.getLogger(__name__)


def _loop_stopped(*, ticket_id: int, event_id: int, name: str, depth: int, listening: list, now: datetime) -> None:
    """Past MAX_DEPTH: no trigger runs; one event on the ticket says so and names those that would have."""
    with transaction.atomic():
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None:
            return
        logger.warning("Triggers on ticket #%s stopped at depth %s (a loop?)", ticket_id, depth)
        events.event_record(
            ticket=ticket,
            kind=EventKind.TRIGGER_LOOP_STOPPED,
            actor=None,
            data={
                "event": event_id,
                "on": name,
                "depth": depth,
                "triggers": [t.id for t in listening],
                "trigger_names": [t.name for t in listening][:10],
            },
            at=now,
        )


def triggers_run(*, event_id: int, ticket_id: int, name: str, depth: int, now: datetime | None = None) -> int:
    """Run the active triggers listening to `name` for this event; returns how many acted."""
    listening = [t for t in engine.active(Trigger) if name in t.events]
    if not listening:
        return 0
    now = now or timezone.now()
    # Matched on the committed row without a lock (most events match nothing), then again on the locked row.
    row = Ticket.objects.select_related("category").filter(pk=ticket_id).first()
    if row is None:
        return 0
    candidates, failed = engine.triggers_match(ticket=engine.ticket_input(row), triggers=listening)
    if candidates and depth > hook.MAX_DEPTH:
        _loop_stopped(ticket_id=ticket_id, event_id=event_id, name=name, depth=depth, listening=candidates, now=now)
        return 0
    acted = 0
    if candidates:
        acted = _act(ticket_id=ticket_id, event_id=event_id, triggers=candidates, depth=depth, failed=failed, now=now)
    for trigger, reason in failed:
        failures.automation_fail(rule=trigger.rule, reason=reason, ticket_id=ticket_id)
    return acted


def _act(*, ticket_id: int, event_id: int, triggers: list, depth: int, failed: list, now: datetime) -> int:
    """Lock the ticket, match the candidates again on it, let each matching one act in its own
    savepoint; failures are added to `failed`. Returns how many acted."""
    acted = 0
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("requester", "category", "team")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            return 0
        matched, broken = engine.triggers_match(ticket=engine.ticket_input(ticket), triggers=triggers)
        failed.extend(broken)
        for trigger in matched:
            rule = hook.Acting(kind="trigger", id=trigger.id, name=trigger.name, depth=depth)
            try:
                with transaction.atomic(), hook.acting(rule):
                    actions.act(rule=trigger.rule, ticket=ticket, event_id=event_id, now=now)
            except (Conflict, TicketMerged) as exc:  # refused now (closed, merged, a status the table forbids)
                logger.info("Trigger %s skipped on ticket #%s: %s", trigger.id, ticket_id, exc)
                continue
            except Exception as exc:  # noqa: BLE001 - rolled back to its savepoint, switched off, reported
                failed.append((trigger, str(exc) or exc.__class__.__name__))
                continue
            acted += 1
    return acted
