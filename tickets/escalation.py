"""The every-minute SLA sweep: warnings, breaches and escalation steps, each acted on exactly once.

Due work is found through indexed columns (`sla_next_check_at`, `next_escalation_at`) and each
ticket is claimed with a conditional UPDATE of that column before anything is written, so two
beats, two workers or a redelivered task never warn, breach or escalate twice. Everything is
recomputed from the ticket as it is now, so after downtime a ticket answered meanwhile gets no
stale warning, and one whose due time passed gets its breach (not a late warning).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from customers.models import EscalationStep
from helpdesk.models import Priority, User

from . import events
from .models import EventKind, Referral, Ticket, TicketEvent
from .notifications import notification_queue
from .sla_store import running_clocks, sla_refresh

BATCH = 2000  # due items one sweep takes; the rest wait for the next minute, in due order
PRIORITY_UP = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH, Priority.HIGH: Priority.URGENT}


def _recipients(ticket: Ticket) -> list[User | str]:
    """Who hears about a ticket's clock: its assignee, else its team's address or members."""
    if ticket.assignee_id and ticket.assignee.is_active:
        return [ticket.assignee]
    team = ticket.team
    if team is None:
        return []
    if team.email:
        return [team.email]
    return list(team.members.filter(is_active=True))


def _notify(*, ticket: Ticket, template: str, key: str, context: dict, recipients: list) -> None:
    seen = set()
    for recipient in recipients:
        email = recipient if isinstance(recipient, str) else recipient.email
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        language = (
            settings.LANGUAGE_CODE if isinstance(recipient, str) else (recipient.language or settings.LANGUAGE_CODE)
        )
        notification_queue(
            key=f"{key}:{email.lower()}",
            recipient=email,
            template=template,
            ticket=ticket,
            context={"language": language, **context},
        )


def _already(ticket: Ticket, kind: str, target: str, due: str) -> bool:
    return TicketEvent.objects.filter(ticket=ticket, kind=kind, field=target, data__due=due).exists()


def sla_check_ticket(*, ticket_id: int, expected: datetime, now: datetime, cache: dict | None = None) -> bool:
    """Claim one ticket's due check and record its warnings/breaches; False if someone else had it."""
    with transaction.atomic():
        # The claim: lock the row only while it still shows the check we were asked to do; a
        # second sweep skips a locked row and, once we commit, no longer matches the old moment.
        ticket = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sla_policy", "assignee", "team", "requester")
            .filter(pk=ticket_id, sla_next_check_at=expected)
            .first()
        )
        if ticket is None:
            return False
        if not ticket.is_open:
            sla_refresh(ticket=ticket, now=now, record_met=False, include_past=False, cache=cache)
            return True
        result = sla_refresh(ticket=ticket, now=now, record_met=False, include_past=False, cache=cache)
        if result is None:
            return True
        for target, clock in running_clocks(result):
            due = clock.due_at.isoformat()
            if clock.state == "breached":
                if _already(ticket, EventKind.SLA_BREACHED, target, due):
                    continue
                late = round(clock.minutes_late or 0)
                TicketEvent.objects.create(
                    ticket=ticket,
                    kind=EventKind.SLA_BREACHED,
                    field=target,
                    new_value=f"{late} min late",
                    data={"target": target, "due": due, "minutes_late": late},
                    created_at=now,
                )
                _notify(
                    ticket=ticket,
                    template="sla_breached",
                    key=f"sla-breach:{ticket.pk}:{target}:{due}",
                    context={"target": target, "due": due},
                    recipients=_recipients(ticket),
                )
                if ticket.sla_breached_at is None:
                    ticket.sla_breached_at = clock.due_at
                    first = _step(ticket, 0, cache)
                    ticket.next_escalation_at = (
                        clock.due_at + timedelta(minutes=first.minutes_after_breach) if first else None
                    )
                    Ticket.objects.filter(pk=ticket.pk).update(
                        sla_breached_at=ticket.sla_breached_at, next_escalation_at=ticket.next_escalation_at
                    )
            elif clock.state == "warning" and not _already(ticket, EventKind.SLA_WARNING, target, due):
                left = round(-(clock.minutes_late or 0))
                TicketEvent.objects.create(
                    ticket=ticket,
                    kind=EventKind.SLA_WARNING,
                    field=target,
                    new_value=f"{left} min left",
                    data={"target": target, "due": due, "minutes_left": left},
                    created_at=now,
                )
                _notify(
                    ticket=ticket,
                    template="sla_warning",
                    key=f"sla-warning:{ticket.pk}:{target}:{due}",
                    context={"target": target, "due": due},
                    recipients=_recipients(ticket),
                )
    return True


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
            events.event_field_changed(ticket=ticket, actor=None, field="team", old=ticket.team or "", new=step.team)
            Ticket.objects.filter(pk=ticket.pk).update(team=step.team, assignee=None, updated_at=now)
            data["team"] = step.team.name
            _notify(
                ticket=ticket,
                template="sla_escalated",
                key=f"escalation:{ticket.pk}:{level + 1}",
                context=data,
                recipients=[step.team.email] if step.team.email else list(step.team.members.filter(is_active=True)),
            )
        elif step.action == EscalationStep.Action.RAISE_PRIORITY and ticket.priority in PRIORITY_UP:
            new = PRIORITY_UP[ticket.priority]
            events.event_field_changed(ticket=ticket, actor=None, field="priority", old=ticket.priority, new=new)
            ticket.priority = new
            Ticket.objects.filter(pk=ticket.pk).update(priority=new, updated_at=now)
            sla_refresh(ticket=ticket, now=now, record_met=False)
        events.event_record(ticket=ticket, kind=EventKind.ESCALATED, actor=None, data=data, at=now)
    return True


def _referral_people(referral: Referral) -> list:
    """The referring agent and the receiving team (its address, else its members)."""
    people: list = [referral.requested_by] if referral.requested_by_id and referral.requested_by.is_active else []
    team = referral.to_team
    people += [team.email] if team.email else list(team.members.filter(is_active=True))
    return people


def referral_sweep(*, now: datetime) -> dict:
    """Remind before a referral is due and escalate once it is overdue, each once (claimed)."""
    window = timedelta(minutes=getattr(settings, "HELPDESK_REFERRAL_REMIND_MINUTES", 60))
    reminded = overdue = 0
    open_referrals = Referral.objects.filter(state=Referral.State.OPEN, due_at__isnull=False)
    for referral_id in open_referrals.filter(
        reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + window
    ).values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral_id, reminded_at__isnull=True, state=Referral.State.OPEN).update(
                reminded_at=now
            ):
                continue
            referral = Referral.objects.select_related("ticket", "to_team", "requested_by").get(pk=referral_id)
            _notify(
                ticket=referral.ticket,
                template="referral_reminder",
                key=f"referral-reminder:{referral.pk}",
                context={"referral": referral.pk},
                recipients=_referral_people(referral),
            )
            reminded += 1
    for referral_id in open_referrals.filter(escalated_at__isnull=True, due_at__lte=now).values_list("pk", flat=True)[
        :BATCH
    ]:
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral_id, escalated_at__isnull=True, state=Referral.State.OPEN).update(
                escalated_at=now
            ):
                continue
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
            overdue += 1
    return {"reminded": reminded, "overdue": overdue}


def sla_sweep(*, now: datetime) -> dict:
    """One pass: due SLA checks in the order they fell due, then due escalation steps, then referrals."""
    checked = escalated = 0
    cache: dict = {}  # policy targets and calendars, read once per sweep
    due = list(
        Ticket.objects.filter(sla_next_check_at__lte=now)
        .order_by("sla_next_check_at")
        .values_list("pk", "sla_next_check_at")[:BATCH]
    )
    for pk, expected in due:
        checked += sla_check_ticket(ticket_id=pk, expected=expected, now=now, cache=cache)
    steps = list(
        Ticket.objects.filter(next_escalation_at__lte=now)
        .order_by("next_escalation_at")
        .values_list("pk", "next_escalation_at")[:BATCH]
    )
    for pk, expected in steps:
        escalated += escalate_ticket(ticket_id=pk, expected=expected, now=now, cache=cache)
    return {"checked": checked, "escalated": escalated, **referral_sweep(now=now)}
