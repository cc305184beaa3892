"""Referrals: a ticket, or a question about it, handed to another team and tracked until answered."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import InvalidTransition
from helpdesk.models import Team, User
from tickets import events, notifications
from tickets.models import EventKind, Referral, Ticket
from tickets.services.common import _lock, _require_agent
from tickets.services.status import custom_status_team_moved
from tickets.transitions import merged_check


@transaction.atomic
def ticket_refer(
    *, ticket: Ticket, actor: User, to_team: Team, note: str, handoff: bool = False, now: datetime | None = None
) -> Referral:
    """Hand a ticket, or a question about it, to another team; tracked until answered.

    A hand-off also moves the ticket to that team (unassigned).
    """
    _require_agent(actor)
    now = now or timezone.now()
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say what the other team should do or answer.")]})
    ticket = _lock(ticket)
    if ticket.team_id == to_team.pk and not handoff:
        raise ValidationError({"to_team": [_("The ticket already belongs to this team.")]})
    referral = Referral.objects.create(
        ticket=ticket,
        from_team=ticket.team,
        to_team=to_team,
        requested_by=actor,
        note=note.strip(),
        handoff=handoff,
        created_at=now,
    )
    from tickets.sla.store import referral_set_due

    referral_set_due(referral=referral, now=now)
    events.event_record(
        ticket=ticket,
        kind=EventKind.REFERRED,
        actor=actor,
        field="team",
        old=ticket.team or "",
        new=to_team,
        data={"referral": referral.pk, "handoff": handoff},
        at=now,
    )
    if handoff:
        old_team, old_assignee = ticket.team, ticket.assignee
        ticket.team, ticket.assignee = to_team, None
        custom_status_team_moved(ticket=ticket, actor=actor, now=now)
        events.event_field_changed(ticket=ticket, actor=actor, field="team", old=old_team or "", new=to_team, at=now)
        if old_assignee:
            events.event_field_changed(ticket=ticket, actor=actor, field="assignee", old=old_assignee, new="", at=now)
    ticket.updated_at = now
    ticket.save()
    notifications.notify_referral(referral=referral)
    return referral


@transaction.atomic
def referral_answer(*, referral: Referral, actor: User, answer: str, now: datetime | None = None) -> Referral:
    """Record the other team's answer; the ticket's agent is prompted to tell the customer."""
    _require_agent(actor)
    now = now or timezone.now()
    referral = Referral.objects.select_for_update().select_related("ticket").get(pk=referral.pk)
    merged_check(ticket=referral.ticket)
    if referral.state != Referral.State.OPEN:
        raise InvalidTransition(_("This referral is no longer open."))
    if not (answer or "").strip():
        raise ValidationError({"answer": [_("Write the answer.")]})
    referral.state = Referral.State.ANSWERED
    referral.answer = answer.strip()
    referral.answered_by = actor
    referral.answered_at = now
    referral.save()
    events.event_record(
        ticket=referral.ticket, kind=EventKind.REFERRAL_ANSWERED, actor=actor, data={"referral": referral.pk}, at=now
    )
    Ticket.objects.filter(pk=referral.ticket_id).update(updated_at=now)
    notifications.notify_referral_answered(referral=referral)
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, actor: User, now: datetime | None = None) -> Referral:
    _require_agent(actor)
    now = now or timezone.now()
    referral = Referral.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=referral.pk)
    merged_check(ticket=referral.ticket)
    if referral.state != Referral.State.OPEN:
        raise InvalidTransition(_("This referral is no longer open."))
    referral.state = Referral.State.CANCELLED
    referral.save(update_fields=["state"])
    events.event_record(
        ticket=referral.ticket, kind=EventKind.REFERRAL_CANCELLED, actor=actor, data={"referral": referral.pk}, at=now
    )
    return referral


@transaction.atomic
def referral_mark_customer_informed(*, referral: Referral, actor: User, now: datetime | None = None) -> Referral:
    """The agent told the customer the outcome of an answered referral."""
    _require_agent(actor)
    now = now or timezone.now()
    referral = Referral.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=referral.pk)
    merged_check(ticket=referral.ticket)
    if referral.state != Referral.State.ANSWERED:
        raise InvalidTransition(_("Only an answered referral has an outcome to tell."))
    if referral.customer_informed_at is None:
        _customer_told(referral=referral, ticket=referral.ticket, actor=actor, data={}, now=now)
    return referral


def referrals_told_by_reply(*, ticket: Ticket, actor: User, message_id: int, now: datetime) -> None:
    """A public reply by an agent after a referral was answered tells the customer its outcome: the
    answered referrals still waiting for that stop prompting the ticket's agents (ticket_reply calls
    this, inside its transaction; the event names the reply)."""
    waiting = Referral.objects.select_for_update(of=("self",)).filter(
        ticket=ticket, state=Referral.State.ANSWERED, customer_informed_at__isnull=True
    )
    for referral in waiting:
        _customer_told(referral=referral, ticket=ticket, actor=actor, data={"message": message_id}, now=now)


def _customer_told(*, referral: Referral, ticket: Ticket, actor: User, data: dict, now: datetime) -> None:
    referral.customer_informed_at = now
    referral.save(update_fields=["customer_informed_at"])
    events.event_record(
        ticket=ticket, kind=EventKind.CUSTOMER_INFORMED, actor=actor, data={"referral": referral.pk, **data}, at=now
    )
