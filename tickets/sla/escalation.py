"""The every-minute SLA sweep: warnings, breaches and escalation steps, each acted on exactly once.

Due work is found through indexed columns (`sla_next_check_at`, `next_escalation_at`) and each
ticket is claimed (row lock on the moment it was due, or a conditional UPDATE) before anything is
written, so two beats, two workers or a redelivered task never warn, breach or escalate twice.
Checks run in batches: one query per kind of row for a whole batch, not per ticket. Everything is
recomputed from the ticket as it is now, so after downtime a ticket answered meanwhile gets no
stale warning, and one whose due time passed gets its breach (not a late warning).

One ticket never stops the sweep: clocks that cannot be computed are recorded and retried with
backoff inside the batch (tickets.sla.store.sla_uncomputable); any other failure rolls back its
batch, which is then checked one ticket at a time, and the ticket that still fails, like a failing
escalation step or referral reminder, gets one SLA_ERROR event and a log line and is skipped.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from customers.models import EscalationStep
from helpdesk.mail import recipient_locale
from helpdesk.models import Priority, User
from tickets import events, services
from tickets.models import EventKind, Message, Referral, Ticket, TicketEvent
from tickets.notifications import notification_queue, notifications_queue_many
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

BATCH = 5000  # due items one sweep takes; the rest wait for the next minute, in due order
CHUNK = 250  # tickets checked per transaction
PRIORITY_UP = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH, Priority.HIGH: Priority.URGENT}


def _recipients(ticket: Ticket, cache: dict | None = None) -> list[User | str]:
    """Who hears about a ticket's clock: its assignee, else its team's address or members."""
    if ticket.assignee_id and ticket.assignee.is_active:
        return [ticket.assignee]
    team = ticket.team
    if team is None:
        return []
    if team.email:
        return [team.email]
    cache = {} if cache is None else cache
    key = ("members", team.pk)
    if key not in cache:
        cache[key] = list(team.members.filter(is_active=True))
    return cache[key]


def _mail_items(*, ticket: Ticket, template: str, key: str, context: dict, recipients: list) -> list[dict]:
    """One outbox item per distinct recipient, in the recipient's language."""
    items, seen = [], set()
    for recipient in recipients:
        email = recipient if isinstance(recipient, str) else recipient.email
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        locale = recipient_locale() if isinstance(recipient, str) else recipient_locale(user=recipient)
        items.append(
            {
                "key": f"{key}:{email.lower()}",
                "recipient": email,
                "template": template,
                "ticket": ticket,
                "context": {**locale, **context},
            }
        )
    return items


def _notify(*, ticket: Ticket, template: str, key: str, context: dict, recipients: list) -> None:
    for item in _mail_items(ticket=ticket, template=template, key=key, context=context, recipients=recipients):
        notification_queue(**item)


def _clock_news(*, ticket: Ticket, result, recorded: set, now: datetime, cache: dict) -> tuple[list, list]:
    """The events and mails a ticket's clocks call for now, skipping those already recorded."""
    new_events, mails = [], []
    for target, clock in running_clocks(result):
        due = clock.due_at.isoformat()
        if clock.state == "breached" and (EventKind.SLA_BREACHED, target, due) not in recorded:
            late = round(clock.minutes_late or 0)
            new_events.append(
                TicketEvent(
                    ticket=ticket,
                    kind=EventKind.SLA_BREACHED,
                    field=target,
                    new_value=f"{late} min late",
                    data={"target": target, "due": due, "minutes_late": late},
                    created_at=now,
                )
            )
            mails += _mail_items(
                ticket=ticket,
                template="sla_breached",
                key=f"sla-breach:{ticket.pk}:{target}:{due}",
                context={"target": target, "due": due},
                recipients=_recipients(ticket, cache),
            )
            if ticket.sla_breached_at is None:
                ticket.sla_breached_at = clock.due_at
                first = _step(ticket, 0, cache)
                ticket.next_escalation_at = (
                    clock.due_at + timedelta(minutes=first.minutes_after_breach) if first else None
                )
        elif clock.state == "warning" and (EventKind.SLA_WARNING, target, due) not in recorded:
            left = round(-(clock.minutes_late or 0))
            new_events.append(
                TicketEvent(
                    ticket=ticket,
                    kind=EventKind.SLA_WARNING,
                    field=target,
                    new_value=f"{left} min left",
                    data={"target": target, "due": due, "minutes_left": left},
                    created_at=now,
                )
            )
            mails += _mail_items(
                ticket=ticket,
                template="sla_warning",
                key=f"sla-warning:{ticket.pk}:{target}:{due}",
                context={"target": target, "due": due},
                recipients=_recipients(ticket, cache),
            )
    return new_events, mails


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
        ids = [ticket.pk for ticket in tickets]
        messages, statuses, recorded = defaultdict(list), defaultdict(list), defaultdict(set)
        for ticket_id, *row in Message.objects.filter(
            ticket_id__in=ids, internal=False, needs_review=False
        ).values_list("ticket_id", "created_at", "author_contact_id", "author_user_id"):
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
        new_events, mails = [], []
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
                ticket_events, ticket_mails = _clock_news(
                    ticket=ticket, result=result, recorded=recorded[ticket.pk], now=now, cache=cache
                )
                new_events += ticket_events
                mails += ticket_mails
        fields = [*SLA_FIELDS, "sla_breached_at", "next_escalation_at", *(SLA_ERROR_FIELDS if errors_change else ())]
        Ticket.objects.bulk_update(tickets, fields)
        events.event_record_bulk(events=new_events)
        notifications_queue_many(items=mails, now=now)
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


def escalate_ticket(*, ticket_id: int, expected: datetime, now: datetime, cache: dict | None = None) -> bool:
    """Run the ticket's next escalation step once (claimed by its level and due moment)."""
    with transaction.atomic():
        ticket = Ticket.objects.select_related("team", "assignee", "sla_policy").filter(pk=ticket_id).first()
        if ticket is None:
            return False
        level = ticket.escalation_level
        step = _step(ticket, level, cache)
        following = _step(ticket, level + 1, cache)
        next_at = (
            ticket.sla_breached_at + timedelta(minutes=following.minutes_after_breach)
            if following and ticket.sla_breached_at and ticket.is_open
            else None
        )
        claimed = Ticket.objects.filter(pk=ticket_id, escalation_level=level, next_escalation_at=expected).update(
            escalation_level=level + 1, next_escalation_at=next_at
        )
        if not claimed or step is None or not ticket.is_open:
            return bool(claimed)
        data = {"step": level + 1, "action": step.action, "minutes_after_breach": step.minutes_after_breach}
        if step.action == EscalationStep.Action.NOTIFY_TEAM_LEAD:
            lead = ticket.team.lead if ticket.team_id and ticket.team.lead_id else None
            _notify(
                ticket=ticket,
                template="sla_escalated",
                key=f"escalation:{ticket.pk}:{level + 1}",
                context=data,
                recipients=[lead] if lead else _recipients(ticket),
            )
        elif step.action == EscalationStep.Action.NOTIFY_USER and step.user_id:
            _notify(
                ticket=ticket,
                template="sla_escalated",
                key=f"escalation:{ticket.pk}:{level + 1}",
                context=data,
                recipients=[step.user],
            )
        elif step.action == EscalationStep.Action.REASSIGN_TEAM and step.team_id and step.team_id != ticket.team_id:
            services.ticket_update(
                ticket=ticket, actor=None, system=True, changes={"team": step.team, "assignee": None}, now=now
            )
            data["team"] = step.team.name
            _notify(
                ticket=ticket,
                template="sla_escalated",
                key=f"escalation:{ticket.pk}:{level + 1}",
                context=data,
                recipients=[step.team.email] if step.team.email else list(step.team.members.filter(is_active=True)),
            )
        elif step.action == EscalationStep.Action.RAISE_PRIORITY and ticket.priority in PRIORITY_UP:
            services.ticket_update(
                ticket=ticket, actor=None, system=True, changes={"priority": PRIORITY_UP[ticket.priority]}, now=now
            )
        events.event_record(ticket=ticket, kind=EventKind.ESCALATED, actor=None, data=data, at=now)
    return True


def _escalation_failed(*, ticket_id: int, expected: datetime, exc: Exception, now: datetime) -> None:
    """Record a failed escalation step once per step and cause, and try it again with backoff."""
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .filter(pk=ticket_id, next_escalation_at=expected)
            .defer("search_document", "search_vector")
            .first()
        )
        if ticket is None:
            return  # another sweep moved it on meanwhile
        key = sla_error_key(part="escalation", exc=exc, extra=str(ticket.escalation_level + 1))
        since = (
            TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_ERROR, data__key=key)
            .values_list("created_at", flat=True)
            .first()
        )
        if since is None:
            event = sla_error_event(ticket=ticket, part="escalation", exc=exc, key=key, now=now)
            events.event_record_bulk(events=[event])
        else:
            logger.info("Escalation of ticket #%s still fails (%s); retrying later", ticket.pk, key)
        ticket.next_escalation_at = sla_retry_at(since=since or now, now=now)
        ticket.save(update_fields=["next_escalation_at"])


def _referral_failed(*, referral_id: int, claim: str, exc: Exception, now: datetime) -> None:
    """Record a referral reminder or overdue escalation that failed, and mark it done: it is named
    in the ticket's history instead of being retried every minute."""
    with transaction.atomic():
        if not Referral.objects.filter(pk=referral_id, **{f"{claim}__isnull": True}).update(**{claim: now}):
            return
        referral = Referral.objects.select_related("ticket").get(pk=referral_id)
        key = sla_error_key(part="referral", exc=exc, extra=f"{referral_id}:{claim}")
        event = sla_error_event(ticket=referral.ticket, part="referral", exc=exc, key=key, now=now)
        event.data["referral"] = referral_id
        events.event_record_bulk(events=[event])


def _referral_people(referral: Referral) -> list:
    """The referring agent and the receiving team (its address, else its members)."""
    people: list = [referral.requested_by] if referral.requested_by_id and referral.requested_by.is_active else []
    team = referral.to_team
    people += [team.email] if team.email else list(team.members.filter(is_active=True))
    return people


def _referral_remind(*, referral_id: int, now: datetime) -> bool:
    with transaction.atomic():
        if not Referral.objects.filter(pk=referral_id, reminded_at__isnull=True, state=Referral.State.OPEN).update(
            reminded_at=now
        ):
            return False
        referral = Referral.objects.select_related("ticket", "to_team", "requested_by").get(pk=referral_id)
        _notify(
            ticket=referral.ticket,
            template="referral_reminder",
            key=f"referral-reminder:{referral.pk}",
            context={"referral": referral.pk},
            recipients=_referral_people(referral),
        )
    return True


def _referral_escalate(*, referral_id: int, now: datetime) -> bool:
    with transaction.atomic():
        if not Referral.objects.filter(pk=referral_id, escalated_at__isnull=True, state=Referral.State.OPEN).update(
            escalated_at=now
        ):
            return False
        referral = Referral.objects.select_related("ticket", "to_team__lead", "requested_by").get(pk=referral_id)
        lead = referral.to_team.lead
        recipients = _referral_people(referral) + ([lead] if lead and lead.is_active else [])
        _notify(
            ticket=referral.ticket,
            template="referral_overdue",
            key=f"referral-overdue:{referral.pk}",
            context={"referral": referral.pk},
            recipients=recipients,
        )
        events.event_record(
            ticket=referral.ticket,
            kind=EventKind.ESCALATED,
            actor=None,
            data={"referral": referral.pk, "overdue": True, "team": referral.to_team.name},
            at=now,
        )
    return True


def referral_sweep(*, now: datetime) -> dict:
    """Remind before a referral is due and escalate once it is overdue, each once (claimed); one
    that fails is recorded on its ticket and skipped (_referral_failed)."""
    window = timedelta(minutes=getattr(settings, "HELPDESK_REFERRAL_REMIND_MINUTES", 60))
    counts = {"reminded": 0, "overdue": 0}
    open_referrals = Referral.objects.filter(state=Referral.State.OPEN, due_at__isnull=False)
    work = [
        ("reminded", "reminded_at", _referral_remind, {"due_at__gt": now, "due_at__lte": now + window}),
        ("overdue", "escalated_at", _referral_escalate, {"due_at__lte": now}),
    ]
    for count, claim, act, due in work:
        for referral_id in open_referrals.filter(**{f"{claim}__isnull": True}, **due).values_list("pk", flat=True)[
            :BATCH
        ]:
            try:
                counts[count] += act(referral_id=referral_id, now=now)
            except Exception as exc:
                _record_failure(_referral_failed, referral_id=referral_id, claim=claim, exc=exc, now=now)
    return counts


def sla_sweep(*, now: datetime) -> dict:
    """One pass: due SLA checks in the order they fell due, then due escalation steps, then referrals."""
    checked = escalated = 0
    cache: dict = {}  # policy targets and calendars, read once per sweep
    due = list(
        Ticket.objects.filter(sla_next_check_at__lte=now)
        .order_by("sla_next_check_at")
        .values_list("pk", "sla_next_check_at")[:BATCH]
    )
    for start in range(0, len(due), CHUNK):
        checked += sla_check_batch(due=due[start : start + CHUNK], now=now, cache=cache)
    steps = list(
        Ticket.objects.filter(next_escalation_at__lte=now)
        .order_by("next_escalation_at")
        .values_list("pk", "next_escalation_at")[:BATCH]
    )
    for pk, expected in steps:
        try:
            escalated += escalate_ticket(ticket_id=pk, expected=expected, now=now, cache=cache)
        except Exception as exc:
            _record_failure(_escalation_failed, ticket_id=pk, expected=expected, exc=exc, now=now)
    return {"checked": checked, "escalated": escalated, **referral_sweep(now=now)}
