"""The sweep's SLA checks: recompute a batch of due tickets' clocks and record warnings and breaches once.

A batch is claimed with one `SELECT … FOR UPDATE SKIP LOCKED` on the moment each ticket was due; its
messages, status history and recorded SLA events are read in bulk, and columns, events and outbox
rows are written in bulk. A batch that fails is rolled back and re-run one ticket at a time
(savepoints), so one ticket never stops the others (tickets.sla.escalation describes the sweep).
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction

from customers.models import EscalationStep
from tickets import events
from tickets.alerts.services import Alert, Mail, notify_many
from tickets.models import EventKind, Message, NotificationKind, Ticket, TicketEvent
from tickets.sla.store import (
    SLA_ERROR_FIELDS,
    SLA_FIELDS,
    activity_from_rows,
    running_clocks,
    sla_error_event,
    sla_error_key,
    sla_retry_at,
    sla_uncomputable,
    sla_values,
    ticket_sla_compute,
)

logger = logging.getLogger(__name__)


def _sla_alert(*, ticket: Ticket, kind: str, template: str, key: str, context: dict) -> Alert:
    """News about a ticket's clock for its assignee, else its team (by mail the team's address, else
    its members): in the app and/or by mail as each chose (tickets.alerts.services.notify)."""
    assignee = ticket.assignee if ticket.assignee_id else None
    owner = assignee is not None and assignee.is_active
    return Alert(
        kind=kind,
        recipients=[assignee] if owner and assignee else [],
        team=None if owner else ticket.team,
        ticket=ticket,
        params={"target": context["target"]},
        mail=Mail(template=template, key=key, context=context),
    )


def _audience(ticket: Ticket) -> list[str]:
    """Who is told of the ticket's clock, as its event keeps it: the assignee, else the team."""
    assignee = ticket.assignee if ticket.assignee_id else None
    if assignee is not None and assignee.is_active:
        return [assignee.get_full_name()]
    return [ticket.team.display_name] if ticket.team_id and ticket.team else []


def _clock_news(*, ticket: Ticket, result, recorded: set, now: datetime, cache: dict) -> tuple[list, list]:
    """The events and alerts a ticket's clocks call for now, skipping those already recorded."""
    new_events: list[TicketEvent] = []
    alerts: list[Alert] = []
    for target, clock in running_clocks(result):
        due_at = clock.due_at
        if due_at is None:  # running_clocks gives only clocks with a due time
            continue
        due = due_at.isoformat()
        if clock.state == "breached" and (EventKind.SLA_BREACHED, target, due) not in recorded:
            late = round(clock.minutes_late or 0)
            new_events.append(
                TicketEvent(
                    ticket=ticket,
                    kind=EventKind.SLA_BREACHED,
                    field=target,
                    new_value=f"{late} min late",
                    data={"target": target, "due": due, "minutes_late": late, "notified": _audience(ticket)},
                    created_at=now,
                )
            )
            alerts.append(
                _sla_alert(
                    ticket=ticket,
                    kind=NotificationKind.SLA_BREACHED,
                    template="sla_breached",
                    key=f"sla-breach:{ticket.pk}:{target}:{due}",
                    context={"target": target, "due": due},
                )
            )
            if ticket.sla_breached_at is None:
                ticket.sla_breached_at = due_at
                first = _step(ticket, 0, cache)
                ticket.next_escalation_at = due_at + timedelta(minutes=first.minutes_after_breach) if first else None
        elif clock.state == "warning" and (EventKind.SLA_WARNING, target, due) not in recorded:
            left = round(-(clock.minutes_late or 0))
            new_events.append(
                TicketEvent(
                    ticket=ticket,
                    kind=EventKind.SLA_WARNING,
                    field=target,
                    new_value=f"{left} min left",
                    data={"target": target, "due": due, "minutes_left": left, "notified": _audience(ticket)},
                    created_at=now,
                )
            )
            alerts.append(
                _sla_alert(
                    ticket=ticket,
                    kind=NotificationKind.SLA_WARNING,
                    template="sla_warning",
                    key=f"sla-warning:{ticket.pk}:{target}:{due}",
                    context={"target": target, "due": due},
                )
            )
    return new_events, alerts


def sla_check_batch(*, due: list[tuple[int, datetime]], now: datetime, cache: dict | None = None) -> int:
    """Check many due tickets in one transaction with a fixed number of queries; returns how many
    were computed (a ticket that fails is recorded and retried later, never fails the others).

    A ticket is taken only if it is not locked by another sweep and still shows the moment it was
    due; everything else about it is read in bulk, recomputed, and written back in bulk. When the
    batch fails as a whole, its writes are rolled back and its tickets are checked one by one.
    """
    cache = {} if cache is None else cache
    try:
        return _check_batch(due=due, now=now, cache=cache)
    except Exception as exc:
        if len(due) > 1:
            logger.warning("SLA check of %d tickets failed (%r); checking them one by one", len(due), exc)
            return sum(sla_check_batch(due=[item], now=now, cache=cache) for item in due)
        ticket_id, expected = due[0]
        _record_failure(_check_failed, ticket_id=ticket_id, expected=expected, exc=exc, now=now)
        return 0


def _record_failure(record, **kwargs) -> None:
    """Run a *_failed recorder; if even that fails, log it and let the sweep go on."""
    try:
        record(**kwargs)
    except Exception:
        logger.exception("Could not record an SLA failure (%s, %s)", record.__name__, kwargs)


def _check_failed(*, ticket_id: int, expected: datetime, exc: Exception, now: datetime) -> None:
    """Record a ticket whose check failed unexpectedly (once per cause) and retry it with backoff."""
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .filter(pk=ticket_id, sla_next_check_at=expected)
            .defer("search_document", "search_vector")
            .first()
        )
        if ticket is None:
            return  # another sweep moved it on meanwhile
        key = sla_error_key(part="check", exc=exc)
        if ticket.sla_error != key:
            event = sla_error_event(ticket=ticket, part="check", exc=exc, key=key, now=now)
            events.event_record_bulk(events=[event])
        else:
            logger.info("SLA check of ticket #%s still fails (%s); retrying later", ticket.pk, key)
        ticket.sla_error, ticket.sla_error_since = key, ticket.sla_error_since or now
        ticket.sla_next_check_at = sla_retry_at(since=ticket.sla_error_since, now=now)
        ticket.save(update_fields=["sla_next_check_at", *SLA_ERROR_FIELDS])


def _batch_rows(ids: list[int]) -> tuple[dict, dict, dict]:
    """A batch's public messages, status history and recorded SLA events, one query each, by ticket."""
    messages, statuses, recorded = defaultdict(list), defaultdict(list), defaultdict(set)
    public = Message.objects.filter(ticket_id__in=ids, internal=False, needs_review=False, notice=False)
    for ticket_id, *row in public.values_list("ticket_id", "created_at", "author_contact_id", "author_user_id"):
        messages[ticket_id].append(tuple(row))
    for ticket_id, *row in (
        TicketEvent.objects.filter(ticket_id__in=ids, kind=EventKind.STATUS_CHANGED)
        .order_by("created_at", "id")
        .values_list("ticket_id", "created_at", "new_value")
    ):
        statuses[ticket_id].append(tuple(row))
    for ticket_id, kind, field, due_at in TicketEvent.objects.filter(
        ticket_id__in=ids, kind__in=[EventKind.SLA_WARNING, EventKind.SLA_BREACHED]
    ).values_list("ticket_id", "kind", "field", "data__due"):
        recorded[ticket_id].add((kind, field, due_at))
    return messages, statuses, recorded


def _check_batch(*, due: list[tuple[int, datetime]], now: datetime, cache: dict) -> int:
    expected = dict(due)
    with transaction.atomic():
        tickets = [
            ticket
            for ticket in Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sla_policy", "assignee", "team")
            .filter(pk__in=list(expected))
            .defer("search_document", "search_vector")
            if ticket.sla_next_check_at == expected[ticket.pk]
        ]
        if not tickets:
            return 0
        messages, statuses, recorded = _batch_rows([ticket.pk for ticket in tickets])
        new_events: list[TicketEvent] = []
        alerts: list[Alert] = []
        errors_change = any(ticket.sla_error or ticket.sla_error_since for ticket in tickets)
        failed = 0
        for ticket in tickets:
            result = None
            if ticket.sla_policy is not None:
                activity = activity_from_rows(
                    ticket=ticket,
                    messages=messages[ticket.pk],
                    statuses=statuses[ticket.pk],
                    pause_on_hold=ticket.sla_policy.pause_on_hold,
                )
                try:
                    result = ticket_sla_compute(ticket=ticket, now=now, cache=cache, activity=activity)
                except ValueError as exc:
                    new_events += filter(None, [sla_uncomputable(ticket=ticket, exc=exc, now=now, cache=cache)])
                    errors_change, failed = True, failed + 1
                    continue
            ticket.sla_error, ticket.sla_error_since = "", None
            for field, value in sla_values(result, now, include_past=False).items():
                setattr(ticket, field, value)
            if result is not None and ticket.is_open:
                ticket_events, ticket_alerts = _clock_news(
                    ticket=ticket, result=result, recorded=recorded[ticket.pk], now=now, cache=cache
                )
                new_events += ticket_events
                alerts += ticket_alerts
        fields = [*SLA_FIELDS, "sla_breached_at", "next_escalation_at", *(SLA_ERROR_FIELDS if errors_change else ())]
        Ticket.objects.bulk_update(tickets, fields)
        events.event_record_bulk(events=new_events)
        notify_many(alerts=alerts, now=now, cache=cache)
    return len(tickets) - failed


def sla_check_ticket(*, ticket_id: int, expected: datetime, now: datetime, cache: dict | None = None) -> bool:
    """Check one due ticket; False when another sweep had it (locked, or already moved on)."""
    return sla_check_batch(due=[(ticket_id, expected)], now=now, cache=cache) == 1


def _step(ticket: Ticket, index: int, cache: dict | None = None) -> EscalationStep | None:
    """The policy's escalation step number `index` (0-based), read once per sweep with `cache`."""
    if ticket.sla_policy_id is None:
        return None
    cache = {} if cache is None else cache
    key = ("steps", ticket.sla_policy_id)
    if key not in cache:
        cache[key] = list(
            EscalationStep.objects.filter(policy_id=ticket.sla_policy_id).order_by("minutes_after_breach", "id")
        )
    steps = cache[key]
    return steps[index] if index < len(steps) else None
