"""Changing a ticket: its fields (subject, priority, type, team, assignee, product, category, root cause,
tags), and with them its status."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import selectors as customer_selectors
from helpdesk.exceptions import DomainError
from helpdesk.models import User
from helpdesk.text import clean_line, is_blank
from tickets import events, notifications
from tickets.models import CustomStatus, Status, Ticket
from tickets.search import ticket_index
from tickets.services.common import _lock, _require_agent, _tags
from tickets.services.seen import seen_check, tags_relative
from tickets.services.status import (
    _change_locked,
    _transition,
    custom_status_check,
    custom_status_finish,
    custom_status_team_moved,
    custom_status_wanted,
    status_change_check,
)
from tickets.sla.store import sla_refresh

UPDATABLE_FIELDS: tuple[str, ...] = ("subject", "priority", "type", "team", "assignee", "product", "contract")
UPDATABLE_FIELDS += ("sla_policy", "category", "root_cause")
# ticket_edit's `custom_status` when the caller leaves it as it is (None clears it).
UNCHANGED: Any = object()
# Changing any of these moves the SLA due times (recomputed from the ticket's whole history).
SLA_INPUT_FIELDS = frozenset({"priority", "contract", "sla_policy"})


def _apply_fields(*, ticket: Ticket, actor: User | None, changes: Mapping, now: datetime) -> list[str]:
    """Set the changed fields on the locked ticket, one event each; returns the names that changed."""
    changed = []
    for field, value in changes.items():
        if field not in UPDATABLE_FIELDS:
            raise ValidationError({field: [_("This field cannot be changed here.")]})
        if field == "assignee" and value is not None and not value.is_agent:
            raise ValidationError({"assignee": [_("Only agents can be assigned.")]})
        if field == "subject" and is_blank(value := clean_line(value)):
            raise ValidationError({"subject": [_("A subject is required.")]})
        old = getattr(ticket, field)
        if field in ("category", "root_cause") and value is not None and value != old and not value.is_active:
            raise ValidationError({field: [_("This choice is no longer in use.")]})
        if old == value:
            continue
        setattr(ticket, field, value)
        changed.append(field)
        events.event_field_changed(ticket=ticket, actor=actor, field=field, old=old, new=value, at=now)
        if field == "assignee" and value is not None:
            notifications.notify_assigned(ticket=ticket, assignee=value, actor=actor)
    return changed


def _apply_tags(*, ticket: Ticket, actor: User | None, tags: Sequence[str]) -> bool:
    new_tags = _tags(tags)
    old_names = sorted(t.name for t in ticket.tags.all())
    new_names = sorted(t.name for t in new_tags)
    if old_names == new_names:
        return False
    ticket.tags.set(new_tags)
    events.event_field_changed(
        ticket=ticket, actor=actor, field="tags", old=", ".join(old_names), new=", ".join(new_names)
    )
    return True


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    changes: Mapping,
    tags: Sequence[str] | None = None,
    now: datetime | None = None,
    system: bool = False,
) -> Ticket:
    """Change an agent-owned field (subject, priority, type, team, assignee, product, tags).

    One event per changed field; a priority, contract or policy change recomputes the SLA due times.
    `system=True` is the helpdesk itself acting (escalation steps): no agent, events without an actor.
    Pages and the API change a ticket through `ticket_edit`, which also takes the status.
    """
    if not system:
        _require_agent(actor)
    now = now or timezone.now()
    ticket = _lock(ticket)
    _update_locked(ticket=ticket, actor=actor, changes=changes, tags=tags, now=now)
    return ticket


def _update_locked(
    *, ticket: Ticket, actor: User | None, changes: Mapping, tags: Sequence[str] | None, now: datetime
) -> None:
    changed = _apply_fields(ticket=ticket, actor=actor, changes=changes, now=now)
    if tags is not None and _apply_tags(ticket=ticket, actor=actor, tags=tags):
        changed.append("tags")
    if not changed:
        return
    if "team" in changed:
        custom_status_team_moved(ticket=ticket, actor=actor, now=now)
    if ticket.status == Status.NEW and "assignee" in changed and ticket.assignee_id:
        _transition(ticket=ticket, actor=actor, status=Status.OPEN, now=now, system=True)
    ticket.updated_at = now
    ticket.save()
    if {"subject", "requester", "organization"}.intersection(changed):
        ticket_index(ticket=ticket)  # the words searched: subject, requester and organization names
    if SLA_INPUT_FIELDS.intersection(changed):
        if "contract" in changed and "sla_policy" not in changed:
            # the contract decides the policy, as it does when a ticket is created
            ticket.sla_policy = customer_selectors.sla_policy_for(
                contract=ticket.contract, organization=ticket.organization
            )
            ticket.save(update_fields=["sla_policy"])
        sla_refresh(ticket=ticket, now=now)


def _seen_apply(
    *, ticket: Ticket, seen: Mapping[str, Any], wanted: dict, custom_given: bool, tags: Sequence[str] | None
) -> Sequence[str] | None:
    """ticket_edit from a possibly stale view: refuse what both changed; the tags to set."""
    if wanted["status"] is None:
        del wanted["status"]
    if not custom_given:
        del wanted["custom_status"]
    seen_check(ticket=ticket, seen=seen, wanted=wanted)
    if tags is None or "tags" not in seen:
        return tags
    return tags_relative(current=[t.name for t in ticket.tags.all()], seen=seen["tags"], wanted=tags)


@transaction.atomic
def ticket_edit(
    *,
    ticket: Ticket,
    actor: User,
    changes: Mapping | None = None,
    tags: Sequence[str] | None = None,
    status: str | None = None,
    custom_status: CustomStatus | None = UNCHANGED,
    seen: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Change fields and the status together, all or nothing, with the same rules for every channel
    (the agent's properties form and bulk actions, the API's PATCH).

    Fields follow `ticket_update` (agents only); the status follows `ticket_change_status` (customers may
    only solve or reopen) and is checked before anything is written, so a refused move (409) changes no
    field either. A status equal to the ticket's current one is no change. `custom_status` (agents; None
    clears it) moves the status to its base status on the same table (tickets.services.status).
    `seen`: what the caller's possibly stale view showed (tickets.services.seen): a field changed both
    there and by someone else since is refused (ValidationError with its current value), and `tags` are
    then what the view shows, applied as tags added and removed relative to `seen["tags"]`.
    """
    now = now or timezone.now()
    changes = dict(changes or {})
    custom_given = custom_status is not UNCHANGED
    if (changes or tags is not None or custom_given) and not actor.is_agent:
        raise DomainError(_("Customers can only change the status of a ticket."), code="permission_denied")
    ticket = _lock(ticket)
    if seen is not None:
        asked = {**changes, "status": status, "custom_status": custom_status}
        tags = _seen_apply(ticket=ticket, seen=seen, wanted=asked, custom_given=custom_given, tags=tags)
    if custom_given:
        status = custom_status_wanted(custom=custom_status, status=status)
    wanted = status if status is not None and status != ticket.status else None
    if wanted is not None:
        status_change_check(ticket=ticket, actor=actor, status=wanted, now=now)
    if changes or tags is not None:
        _update_locked(ticket=ticket, actor=actor, changes=changes, tags=tags, now=now)
    if custom_given:
        custom_status_check(ticket=ticket, actor=actor, custom=custom_status)  # for the team it now has
    if wanted is not None and wanted != ticket.status:  # an assignment may have opened a new ticket already
        _change_locked(
            ticket=ticket, actor=actor, status=wanted, now=now, custom=custom_status if custom_given else None
        )
    if custom_given:
        custom_status_finish(ticket=ticket, actor=actor, custom=custom_status, now=now)
    return ticket
