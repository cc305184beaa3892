"""Every write to sales opportunities: marking a ticket, changing owner or state (with history).

Pages, the API and the admin call these. Sales (the team named by HELPDESK_SALES_TEAM) is told by
mail through the outbox; the ticket records an event agents see and customers never do.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Product
from helpdesk.exceptions import InvalidTransition, NotVisible
from helpdesk.models import User
from helpdesk.outbox import webhooks as outbox_webhooks
from helpdesk.permissions import require_admin, require_agent
from tickets import events, selectors
from tickets.models import OPPORTUNITY_TRANSITIONS, EventKind, Opportunity, OpportunityChange, Ticket
from tickets.opportunities import notifications
from tickets.transitions import merged_check_locked

# What opportunity_update may change besides the state.
OPPORTUNITY_FIELDS = ("kind", "note", "estimated_value", "product", "owner")
CREATED_EVENT = "opportunity.created"


def _check(opportunity: Opportunity) -> None:
    errors: dict[str, list[str]] = {}
    if opportunity.owner is not None and not opportunity.owner.is_agent:
        errors["owner"] = [_("The owner must be an agent.")]
    if opportunity.estimated_value is not None and opportunity.estimated_value < 0:
        errors["estimated_value"] = [_("The value cannot be negative.")]
    if opportunity.kind not in Opportunity.Kind.values:
        errors["kind"] = [_("Unknown kind.")]
    if errors:
        raise ValidationError(errors)


def _ticket_check(*, ticket: Ticket, actor: User) -> None:
    """The ticket an opportunity is made of: one the actor may see (else 404), not merged (TicketMerged:
    the ticket it was merged into is the one to mark)."""
    if not selectors.ticket_base_for(user=actor).filter(pk=ticket.pk).exists():
        raise NotVisible(_("No such ticket."))
    merged_check_locked(tickets=[ticket])


@transaction.atomic
def opportunity_create(
    *,
    ticket: Ticket,
    actor: User,
    kind: str = Opportunity.Kind.UPGRADE,
    note: str = "",
    estimated_value: Decimal | None = None,
    product: Product | None = None,
    owner: User | None = None,
    now: datetime | None = None,
) -> Opportunity:
    """Mark a ticket (one the actor may see, not merged) as a sales opportunity: sales is told by mail,
    the ticket records an event, endpoints get `opportunity.created`. The product defaults to the ticket's."""
    require_agent(actor)
    now = now or timezone.now()
    _ticket_check(ticket=ticket, actor=actor)
    opportunity = Opportunity(
        ticket=ticket,
        organization_id=ticket.organization_id,
        product=product if product is not None else ticket.product,
        kind=kind,
        note=(note or "").strip(),
        estimated_value=estimated_value,
        owner=owner,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _check(opportunity)
    opportunity.save()
    OpportunityChange.objects.create(
        opportunity=opportunity,
        actor=actor,
        old_state="",
        new_state=opportunity.state,
        note=opportunity.note,
        created_at=now,
    )
    events.event_record(
        ticket=ticket,
        kind=EventKind.OPPORTUNITY_CREATED,
        actor=actor,
        field="opportunity",
        new=opportunity.get_kind_display(),
        data={"opportunity": opportunity.pk, "kind": opportunity.kind},  # said in the reader's language
        at=now,
    )
    notifications.notify_sales(opportunity=opportunity)
    outbox_webhooks.webhook_deliveries_queue(
        occurrences=[
            outbox_webhooks.Occurrence(
                event=CREATED_EVENT,
                ref=f"opportunity:{opportunity.pk}",
                context={"opportunity": opportunity.pk},
                ticket_id=ticket.pk,
            )
        ]
    )
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    opportunity: Opportunity,
    actor: User,
    changes: Mapping[str, Any],
    note: str = "",
    now: datetime | None = None,
) -> Opportunity:
    """Change fields and/or the state. A state change follows OPPORTUNITY_TRANSITIONS (else 409), is a
    row of the opportunity's history (with `note`) and an event on its ticket."""
    require_agent(actor)
    now = now or timezone.now()
    opportunity = Opportunity.objects.select_for_update().select_related("ticket").get(pk=opportunity.pk)
    for field in OPPORTUNITY_FIELDS:
        if field in changes:
            value = changes[field]
            setattr(opportunity, field, "" if value is None and field in ("kind", "note") else value)
    _check(opportunity)
    new_state = changes.get("state")
    if new_state and new_state != opportunity.state:
        if new_state not in OPPORTUNITY_TRANSITIONS.get(opportunity.state, frozenset()):
            raise InvalidTransition(
                _("An opportunity cannot go from %(old)s to %(new)s.")
                % {"old": opportunity.get_state_display(), "new": Opportunity.State(new_state).label}
            )
        old_state = opportunity.state
        OpportunityChange.objects.create(
            opportunity=opportunity,
            actor=actor,
            old_state=old_state,
            new_state=new_state,
            note=(note or "").strip(),
            created_at=now,
        )
        opportunity.state = new_state
        events.event_record(
            ticket=opportunity.ticket,
            kind=EventKind.OPPORTUNITY_CHANGED,
            actor=actor,
            field="opportunity",
            old=Opportunity.State(old_state).label,
            new=opportunity.get_state_display(),
            data={"opportunity": opportunity.pk, "old_state": old_state, "new_state": new_state},
            at=now,
        )
    opportunity.updated_at = now
    opportunity.save()
    return opportunity


def opportunity_delete(*, opportunity: Opportunity, actor: User) -> None:
    """Only administrators delete an opportunity (its history goes with it)."""
    require_admin(actor)
    opportunity.delete()
