"""Changing a ticket's fields (subject, priority, type, team, assignee, product, tags)."""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import selectors as customer_selectors
from helpdesk.models import User
from tickets import events, notifications
from tickets.models import Status, Ticket
from tickets.search import ticket_index
from tickets.services.common import _lock, _require_agent, _tags
from tickets.services.status import _set_status
from tickets.sla.store import sla_refresh

UPDATABLE_FIELDS = ("subject", "priority", "type", "team", "assignee", "product", "contract", "sla_policy")
# Changing any of these moves the SLA due times (recomputed from the ticket's whole history).
SLA_INPUT_FIELDS = frozenset({"priority", "contract", "sla_policy"})


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    changes: dict,
    tags: Sequence[str] | None = None,
    now: datetime | None = None,
    system: bool = False,
) -> Ticket:
    """Change an agent-owned field (subject, priority, type, team, assignee, product, tags).

    One event per changed field; a priority, contract or policy change recomputes the SLA due times.
    `system=True` is the helpdesk itself acting (escalation steps): no agent, events without an actor.
    """
    if not system:
        _require_agent(actor)
    now = now or timezone.now()
    ticket = _lock(ticket)
    changed = []
    for field, value in changes.items():
        if field not in UPDATABLE_FIELDS:
            raise ValidationError({field: [_("This field cannot be changed here.")]})
        if field == "assignee" and value is not None and not value.is_agent:
            raise ValidationError({"assignee": [_("Only agents can be assigned.")]})
        if field == "subject" and not (value or "").strip():
            raise ValidationError({"subject": [_("A subject is required.")]})
        old = getattr(ticket, field)
        if old == value:
            continue
        setattr(ticket, field, value)
        changed.append(field)
        events.event_field_changed(ticket=ticket, actor=actor, field=field, old=old, new=value, at=now)
        if field == "assignee" and value is not None:
            notifications.notify_assigned(ticket=ticket, assignee=value, actor=actor)
    if tags is not None:
        new_tags = _tags(tags)
        old_names = sorted(t.name for t in ticket.tags.all())
        new_names = sorted(t.name for t in new_tags)
        if old_names != new_names:
            ticket.tags.set(new_tags)
            events.event_field_changed(
                ticket=ticket, actor=actor, field="tags", old=", ".join(old_names), new=", ".join(new_names)
            )
            changed.append("tags")
    if changed:
        if ticket.status == Status.NEW and "assignee" in changed and ticket.assignee_id:
            _set_status(ticket=ticket, actor=actor, status=Status.OPEN, now=now)
        ticket.updated_at = now
        ticket.save()
        if "subject" in changed:
            ticket_index(ticket=ticket)
        if SLA_INPUT_FIELDS.intersection(changed):
            if "contract" in changed and "sla_policy" not in changed:
                # the contract decides the policy, as it does when a ticket is created
                ticket.sla_policy = customer_selectors.sla_policy_for(
                    contract=ticket.contract, organization=ticket.organization
                )
                ticket.save(update_fields=["sla_policy"])
            sla_refresh(ticket=ticket, now=now)
    return ticket
