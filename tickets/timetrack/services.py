"""Every write of time entries: log (with a reply or note, or on its own), change, delete.

Agents log time; an entry is changed or deleted by the agent who logged it or by an admin (403
otherwise). Each write records an internal ticket event (`time_logged`, `time_changed`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import NotAllowed
from helpdesk.models import User
from tickets import events
from tickets.models import MAX_ENTRY_MINUTES, ActivityType, EventKind, Message, Ticket, TimeEntry
from tickets.transitions import merged_check_locked

ENTRY_FIELDS = ("minutes", "activity", "performed_on", "note")


@dataclass(frozen=True)
class TimeSpent:
    """The time an agent logs with a reply or note: minutes, the activity (None: the first active
    type), the day it was done (None: today) and an optional note."""

    minutes: int
    activity: ActivityType | None = None
    performed_on: date | None = None
    note: str = ""


def time_required() -> bool:
    """Whether agents' replies and notes need the time spent (HELPDESK_REQUIRE_TIME)."""
    return bool(settings.HELPDESK_REQUIRE_TIME)


def time_missing_error() -> ValidationError:
    return ValidationError({"minutes": [_("Log the time you spent: it is required with every reply and note.")]})


def default_activity() -> ActivityType | None:
    return ActivityType.objects.filter(is_active=True).order_by("position", "name", "id").first()


def call_activity() -> ActivityType | None:
    """The activity a logged call's duration counts as: the active type marked for calls, else the default."""
    active = ActivityType.objects.filter(is_active=True)
    return active.filter(for_calls=True).order_by("position", "name", "id").first() or default_activity()


def _errors(entry: TimeEntry, *, activity_changed: bool, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(entry.minutes, int) or not 1 <= entry.minutes <= MAX_ENTRY_MINUTES:
        errors["minutes"] = [_("Log between 1 minute and 24 hours.")]
    if entry.activity_id is None:
        errors["activity"] = [_("Choose an activity type (an admin adds them).")]
    elif activity_changed and not entry.activity.is_active:
        errors["activity"] = [_("This activity type is switched off.")]
    if entry.performed_on is None or entry.performed_on > today + timedelta(days=1):
        errors["performed_on"] = [_("The day the work was done cannot be in the future.")]
    if len(entry.note) > 500:
        errors["note"] = [_("Keep the note under 500 characters.")]
    return errors


def _require_agent(actor: User | None) -> User:
    if actor is None or not actor.is_authenticated or not actor.is_agent:
        raise NotAllowed(_("Only agents log time."))
    return actor


def _event(*, entry: TimeEntry, kind: str, actor: User, action: str, now: datetime, old: int | None = None) -> None:
    events.event_record(
        ticket=entry.ticket,
        kind=kind,
        actor=actor,
        public=False,  # customers see their contract's totals, never an agent's entries
        old="" if old is None else old,
        new=entry.minutes if action != "deleted" else "",
        data={
            "entry": entry.pk,
            "action": action,
            "minutes": entry.minutes,
            "activity": entry.activity_id,
            "message": entry.message_id,
        },
        at=now,
    )


@transaction.atomic
def time_entry_log(
    *,
    ticket: Ticket,
    actor: User | None,
    time: TimeSpent,
    message: Message | None = None,
    now: datetime | None = None,
) -> TimeEntry:
    """Log an agent's time on a ticket (with `message`, the reply or note it went with); records a
    `time_logged` event. ValidationError for a bad duration, activity or day, and on a merged ticket
    (TicketMerged: the time goes on the ticket it was merged into)."""
    agent = _require_agent(actor)
    merged_check_locked(tickets=[ticket])
    now = now or timezone.now()
    activity = time.activity or default_activity()
    entry = TimeEntry(
        ticket=ticket,
        message=message,
        agent=agent,
        activity=activity,
        minutes=time.minutes,
        performed_on=time.performed_on or timezone.localdate(now),
        note=(time.note or "").strip(),
        created_at=now,
        updated_at=now,
    )
    if errors := _errors(entry, activity_changed=True, today=timezone.localdate(now)):
        raise ValidationError(errors)
    entry.save()
    _event(entry=entry, kind=EventKind.TIME_LOGGED, actor=agent, action="logged", now=now)
    return entry


def time_entry_can_change(*, entry: TimeEntry, user: User | None) -> bool:
    """Whether `user` may change or delete the entry: the agent who logged it, or an admin."""
    return user is not None and user.is_authenticated and user.is_agent and (entry.agent_id == user.pk or user.is_admin)


def _require_owner(entry: TimeEntry, actor: User | None) -> User:
    agent = _require_agent(actor)
    if not time_entry_can_change(entry=entry, user=agent):
        raise NotAllowed(_("Only the agent who logged this time, or an admin, may change it."))
    return agent


@transaction.atomic
def time_entry_update(
    *, entry: TimeEntry, actor: User | None, data: Mapping[str, Any], now: datetime | None = None
) -> TimeEntry:
    """Change an entry's minutes, activity, day or note (its author or an admin; 403 otherwise)."""
    agent = _require_owner(entry, actor)
    now = now or timezone.now()
    old_minutes, old_activity = entry.minutes, entry.activity_id
    for name in ENTRY_FIELDS:
        if name in data and data[name] is not None:
            setattr(entry, name, data[name].strip() if name == "note" else data[name])
    if errors := _errors(entry, activity_changed=entry.activity_id != old_activity, today=timezone.localdate(now)):
        raise ValidationError(errors)
    entry.updated_at = now
    entry.save()
    _event(entry=entry, kind=EventKind.TIME_CHANGED, actor=agent, action="changed", now=now, old=old_minutes)
    return entry


@transaction.atomic
def time_entry_delete(*, entry: TimeEntry, actor: User | None, now: datetime | None = None) -> None:
    """Delete an entry (its author or an admin; 403 otherwise); the event keeps what it was."""
    agent = _require_owner(entry, actor)
    now = now or timezone.now()
    _event(entry=entry, kind=EventKind.TIME_CHANGED, actor=agent, action="deleted", now=now, old=entry.minutes)
    entry.delete()
