"""The sweep's referral work: a reminder before a referral is due and an escalation once it is overdue.

Each is claimed with a conditional UPDATE, so it happens once; a failing reminder is recorded on the
ticket (one SLA_ERROR event and a log line) and the other referrals go on.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from tickets import events
from tickets.alerts.services import Mail, notify
from tickets.models import EventKind, NotificationKind, Referral
from tickets.sla.checks import _record_failure
from tickets.sla.constants import BATCH
from tickets.sla.store import (
    sla_error_event,
    sla_error_key,
)


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


def _referral_notify(*, referral: Referral, kind: str, template: str, key: str, lead: bool = False) -> None:
    """The referring agent and the receiving team (by mail its address, else its members), and with
    `lead` the team's lead: in the app and/or by mail as each chose (tickets.alerts.services.notify)."""
    team = referral.to_team
    people = [referral.requested_by] if referral.requested_by_id and referral.requested_by else []
    if lead and team.lead_id and team.lead:
        people.append(team.lead)
    notify(
        kind=kind,
        recipients=people,
        team=team,
        ticket=referral.ticket,
        referral=referral,
        params={"team": team.name, "team_fa": team.name_fa},
        mail=Mail(template=template, key=key, context={"referral": referral.pk}),
    )


def _referral_remind(*, referral_id: int, now: datetime) -> bool:
    with transaction.atomic():
        if not Referral.objects.filter(pk=referral_id, reminded_at__isnull=True, state=Referral.State.OPEN).update(
            reminded_at=now
        ):
            return False
        referral = Referral.objects.select_related("ticket", "to_team", "requested_by").get(pk=referral_id)
        _referral_notify(
            referral=referral,
            kind=NotificationKind.REFERRAL_DUE,
            template="referral_reminder",
            key=f"referral-reminder:{referral.pk}",
        )
    return True


def _referral_escalate(*, referral_id: int, now: datetime) -> bool:
    with transaction.atomic():
        if not Referral.objects.filter(pk=referral_id, escalated_at__isnull=True, state=Referral.State.OPEN).update(
            escalated_at=now
        ):
            return False
        referral = Referral.objects.select_related("ticket", "to_team__lead", "requested_by").get(pk=referral_id)
        _referral_notify(
            referral=referral,
            kind=NotificationKind.REFERRAL_OVERDUE,
            template="referral_overdue",
            key=f"referral-overdue:{referral.pk}",
            lead=True,
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
