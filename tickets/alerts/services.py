"""Every write of the notification centre: `notify` (and `notify_many` for the SLA sweep's batches),
marking read, and an agent's delivery choices.

`notify` is what every path that tells agents something calls (tickets.notifications, the SLA sweep,
referral reminders; later surveys): it decides, per recipient and kind, whether the news becomes an
in-app line, a mail in the outbox (helpdesk.outbox: a row first, sent once), both or neither.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from helpdesk.mail import recipient_locale
from helpdesk.models import Team, User
from helpdesk.outbox import queue
from tickets.models import DEFAULT_DELIVERY, Delivery, Notification, NotificationPreference, Referral, Ticket

logger = logging.getLogger(__name__)

INAPP = frozenset({Delivery.INAPP, Delivery.BOTH})
BY_MAIL = frozenset({Delivery.MAIL, Delivery.BOTH})


@dataclass(frozen=True)
class Mail:
    """The mail side of a notification: an outbox template, a key prefix (the recipient's address is
    appended, so each address gets it once) and the template's context (the recipient's language and
    time zone are added)."""

    template: str
    key: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Alert:
    """One piece of news for `recipients` and the members of `team` (see `notify`)."""

    kind: str
    recipients: Sequence[User] = ()
    team: Team | None = None
    ticket: Ticket | None = None
    referral: Referral | None = None
    actor: User | None = None
    params: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    mail: Mail | None = None


def alert_url(*, ticket: Ticket | None, referral: Referral | None = None, anchor: str = "") -> str:
    """Where a notification leads: the ticket page, at the referral or message it is about."""
    if ticket is None:
        return reverse("agent:notifications")
    url = reverse("agent:ticket", args=[ticket.pk])
    if referral is not None:
        return f"{url}#referral-{referral.pk}"
    return f"{url}#{anchor}" if anchor else url


def _members(team: Team, cache: dict) -> list[User]:
    key = ("alert-members", team.pk)
    if key not in cache:
        cache[key] = list(team.members.filter(is_active=True))
    return cache[key]


def _people(alert: Alert, cache: dict) -> list[User]:
    """The alert's people once each, without the actor (nobody is told about what they did)."""
    people: dict[int, User] = {}
    for user in [*alert.recipients, *(_members(alert.team, cache) if alert.team else [])]:
        if user is not None and user.is_active and user.pk not in people:
            if not user.is_agent:  # news about tickets and /agent/ links are internal: never a customer's
                logger.warning("Notification %s not given to user %s: not an agent", alert.kind, user.pk)
                continue
            people[user.pk] = user
    if alert.actor is not None:
        people.pop(alert.actor.pk, None)
    return list(people.values())


def deliveries(*, user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """The stored choices of these people for these kinds, in one query ((user id, kind) → delivery)."""
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids), kind__in=set(kinds))
    return {(user_id, kind): delivery for user_id, kind, delivery in rows.values_list("user_id", "kind", "delivery")}


def _mail_item(alert: Alert, *, address: str, locale: dict) -> dict:
    assert alert.mail is not None
    return {
        "key": f"{alert.mail.key}:{address.lower()}",
        "recipient": address,
        "template": alert.mail.template,
        "ticket_id": alert.ticket.pk if alert.ticket else None,
        "context": {**locale, **alert.mail.context},
    }


def _plan(alerts: Sequence[Alert], *, now: datetime, cache: dict) -> tuple[list[Notification], list[dict]]:
    """The in-app rows and outbox items these alerts make, with one query for everyone's choices."""
    people = [(alert, _people(alert, cache)) for alert in alerts]
    chosen = deliveries(user_ids=[u.pk for _, users in people for u in users], kinds={a.kind for a in alerts})
    rows: list[Notification] = []
    mails: list[dict] = []
    for alert, users in people:
        team_address = alert.team.email if alert.team is not None and alert.mail else ""
        members = {u.pk for u in _members(alert.team, cache)} if team_address and alert.team else set()
        mailed = {team_address.lower()} if team_address else set()
        url = alert.url or alert_url(ticket=alert.ticket, referral=alert.referral)
        for user in users:
            delivery = chosen.get((user.pk, alert.kind), DEFAULT_DELIVERY.get(alert.kind, Delivery.INAPP))
            if delivery in INAPP and user.is_agent:
                rows.append(
                    Notification(
                        recipient=user,
                        kind=alert.kind,
                        ticket=alert.ticket,
                        referral=alert.referral,
                        actor=alert.actor,
                        params=alert.params,
                        url=url[:300],
                        created_at=now,
                    )
                )
            # a team with its own address hears by that address (once), not each member by mail
            if alert.mail and delivery in BY_MAIL and user.pk not in members and user.email.lower() not in mailed:
                mailed.add(user.email.lower())
                mails.append(_mail_item(alert, address=user.email, locale=recipient_locale(user=user)))
        if team_address:
            mails.append(_mail_item(alert, address=team_address, locale=recipient_locale()))
    return rows, mails


def notify(
    *,
    kind: str,
    recipients: Sequence[User] = (),
    team: Team | None = None,
    ticket: Ticket | None = None,
    referral: Referral | None = None,
    actor: User | None = None,
    params: dict[str, Any] | None = None,
    url: str = "",
    mail: Mail | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell `recipients` and the active members of `team` about something (`kind`, a NotificationKind).

    Each person gets an in-app notification and/or the `mail` as they chose for the kind (else
    DEFAULT_DELIVERY); a team with its own address gets the mail there once instead of its members.
    The actor is never told about their own action. Returns the in-app rows written.
    """
    alert = Alert(
        kind=kind,
        recipients=recipients,
        team=team,
        ticket=ticket,
        referral=referral,
        actor=actor,
        params=params or {},
        url=url,
        mail=mail,
    )
    return notify_many(alerts=[alert], now=now or timezone.now(), one_by_one=True)


def notify_many(*, alerts: Sequence[Alert], now: datetime, cache: dict | None = None, one_by_one: bool = False):
    """`notify` for many alerts with a fixed number of queries (the SLA sweep's batches): one for the
    choices, one INSERT of the in-app rows, one of the mails (`one_by_one`: a queued call each)."""
    rows, mails = _plan(alerts, now=now, cache={} if cache is None else cache)
    rows = Notification.objects.bulk_create(rows) if rows else []
    if one_by_one:
        for item in mails:
            queue.notification_queue(**item)
    elif mails:
        queue.notifications_queue_many(items=mails, now=now)
    return rows


def notification_mark_read(*, user: User, notification_id: int, now: datetime | None = None) -> bool:
    """Mark one of the user's own notifications read; False when it is not theirs or was read already."""
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
            read_at=now or timezone.now()
        )
    )


def notification_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now or timezone.now())


@transaction.atomic
def notification_preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Store the user's delivery per kind; a choice equal to the default is stored as no row."""
    for kind, delivery in choices.items():
        if kind not in DEFAULT_DELIVERY or delivery not in Delivery.values:
            continue
        if delivery == DEFAULT_DELIVERY[kind]:
            NotificationPreference.objects.filter(user=user, kind=kind).delete()
        else:
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
