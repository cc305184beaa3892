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
from datetime import datetime, timedelta

from django.db import transaction

from customers.models import EscalationStep, SlaTarget
from customers.rules import PRIORITY_UP, RAISE_TARGET_FIELDS, raise_missing
from helpdesk.mail import recipient_locale
from helpdesk.models import User
from tickets import events, services
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.notifications import notification_queue
from tickets.sla.checks import _record_failure, _step, sla_check_batch, sla_check_ticket
from tickets.sla.constants import BATCH, CHUNK
from tickets.sla.referrals import referral_sweep
from tickets.sla.store import (
    sla_error_event,
    sla_error_key,
    sla_retry_at,
)

logger = logging.getLogger(__name__)


def _recipients(ticket: Ticket) -> list[User | str]:
    """Who hears about an escalation without a lead: the assignee, else the team's address or members."""
    assignee = ticket.assignee if ticket.assignee_id else None
    if assignee is not None and assignee.is_active:
        return [assignee]
    team = ticket.team
    if team is None:
        return []
    return [team.email] if team.email else list(team.members.filter(is_active=True))


def _notify(*, ticket: Ticket, template: str, key: str, context: dict, recipients: list) -> None:
    """Mail each distinct recipient in their language. An escalation step is a rule an administrator
    set up to reach these people, so it mails whatever their notification preferences say."""
    seen: set[str] = set()
    for recipient in recipients:
        if not isinstance(recipient, str) and not recipient.is_agent:
            # internal mail (an /agent/ link, another organization's ticket): never to a customer, even
            # one a row saved before the checks names as lead or recipient
            logger.warning("Escalation of ticket #%s not mailed to user %s: not an agent", ticket.pk, recipient.pk)
            continue
        email = recipient if isinstance(recipient, str) else recipient.email
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        locale = recipient_locale() if isinstance(recipient, str) else recipient_locale(user=recipient)
        notification_queue(
            key=f"{key}:{email.lower()}",
            recipient=email,
            template=template,
            ticket=ticket,
            context={**locale, **context},
        )


def _act(*, ticket: Ticket, step: EscalationStep, data: dict, now: datetime) -> None:
    """What one escalation step does: notify the team lead or a person, move the ticket to another
    team (and notify it), or raise its priority. `data` (the event's) gets the new team's name."""
    if step.action == EscalationStep.Action.NOTIFY_TEAM_LEAD:
        team = ticket.team if ticket.team_id else None
        lead = team.lead if team is not None and team.lead_id else None
        if lead is not None and not lead.is_agent:  # a row saved before the checks: who stands in hears
            logger.warning("Escalation of ticket #%s: lead %s is no active agent, told the team", ticket.pk, lead.pk)
            lead = None
        _notify(
            ticket=ticket,
            template="sla_escalated",
            key=f"escalation:{ticket.pk}:{data['step']}",
            context=data,
            recipients=[lead] if lead else _recipients(ticket),
        )
    elif step.action == EscalationStep.Action.NOTIFY_USER and step.user_id:
        _notify(
            ticket=ticket,
            template="sla_escalated",
            key=f"escalation:{ticket.pk}:{data['step']}",
            context=data,
            recipients=[step.user],
        )
    elif (
        step.action == EscalationStep.Action.REASSIGN_TEAM
        and step.team_id
        and step.team_id != ticket.team_id
        and step.team is not None
    ):
        services.ticket_update(
            ticket=ticket, actor=None, system=True, changes={"team": step.team, "assignee": None}, now=now
        )
        data["team"] = step.team.name
        _notify(
            ticket=ticket,
            template="sla_escalated",
            key=f"escalation:{ticket.pk}:{data['step']}",
            context=data,
            recipients=[step.team.email] if step.team.email else list(step.team.members.filter(is_active=True)),
        )
    elif step.action == EscalationStep.Action.RAISE_PRIORITY and ticket.priority in PRIORITY_UP:
        _raise(ticket=ticket, data=data, now=now)


def _raise(*, ticket: Ticket, data: dict, now: datetime) -> None:
    """Raise the priority one level, unless the ticket's policy lacks a target there that it has now:
    the new priority would drop that clock and with it the breach (the report would undercount). Such a
    step is skipped, and `data` (the escalation event's) says why: `skipped` names the missing targets.
    Saving a policy refuses that gap (customers.rules.raise_errors); this keeps older rows honest."""
    raised = PRIORITY_UP[ticket.priority]
    rows = SlaTarget.objects.filter(policy_id=ticket.sla_policy_id, priority__in=[ticket.priority, raised])
    targets = {row["priority"]: row for row in rows.values("priority", *RAISE_TARGET_FIELDS)}
    if missing := raise_missing(targets=targets, priority=ticket.priority):
        data["skipped"] = {"priority": raised, "missing": missing}
        logger.warning("Escalation of ticket #%s not raised to %s: no %s target there", ticket.pk, raised, missing)
        return
    services.ticket_update(ticket=ticket, actor=None, system=True, changes={"priority": raised}, now=now)


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
        _act(ticket=ticket, step=step, data=data, now=now)
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


def sla_sweep(*, now: datetime) -> dict:
    """One pass: due SLA checks in the order they fell due, then due escalation steps, then referrals."""
    checked = escalated = 0
    cache: dict = {}  # policy targets and calendars, read once per sweep
    # The filters leave no NULL moment; `if at` says so to the type checker.
    due = [
        (pk, at)
        for pk, at in Ticket.objects.filter(sla_next_check_at__lte=now)
        .order_by("sla_next_check_at")
        .values_list("pk", "sla_next_check_at")[:BATCH]
        if at
    ]
    for start in range(0, len(due), CHUNK):
        checked += sla_check_batch(due=due[start : start + CHUNK], now=now, cache=cache)
    steps = [
        (pk, at)
        for pk, at in Ticket.objects.filter(next_escalation_at__lte=now)
        .order_by("next_escalation_at")
        .values_list("pk", "next_escalation_at")[:BATCH]
        if at
    ]
    for pk, expected in steps:
        try:
            escalated += escalate_ticket(ticket_id=pk, expected=expected, now=now, cache=cache)
        except Exception as exc:
            _record_failure(_escalation_failed, ticket_id=pk, expected=expected, exc=exc, now=now)
    return {"checked": checked, "escalated": escalated, **referral_sweep(now=now)}


__all__ = ["escalate_ticket", "referral_sweep", "sla_check_batch", "sla_check_ticket", "sla_sweep"]
