"""Every write to product feedback: items, their links to tickets, status changes, telling customers.

Pages, the API, the bulk action and the admin call these; the rules (who may, which ticket, once
only) live here. Telling customers the outcome is queued here and done by tickets.feedback.notify.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Product
from helpdesk.aftercommit import enqueue_on_commit
from helpdesk.exceptions import Conflict
from helpdesk.models import User
from helpdesk.outbox import webhooks as outbox_webhooks
from helpdesk.permissions import require_admin, require_agent
from tickets import events, selectors
from tickets.feedback import selectors as feedback_selectors
from tickets.models import EventKind, FeedbackItem, FeedbackLink, FeedbackStatusChange, Ticket
from tickets.transitions import merged_check_locked

# What feedback_item_update may change besides the status.
ITEM_FIELDS = ("title", "description", "product", "kind", "tracker_url", "tracker_key", "owner")
STATUS_EVENT = "feedback_item.status_changed"


def _check(item: FeedbackItem) -> None:
    errors: dict[str, list[str]] = {}
    item.title = (item.title or "").strip()
    if not item.title:
        errors["title"] = [_("Give the item a title.")]
    if item.owner is not None and not item.owner.is_agent:
        errors["owner"] = [_("The owner must be an agent.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def feedback_item_create(
    *,
    actor: User,
    title: str,
    description: str = "",
    product: Product | None = None,
    kind: str = FeedbackItem.Kind.FEATURE_REQUEST,
    status: str = FeedbackItem.Status.NEW,
    tracker_url: str = "",
    tracker_key: str = "",
    owner: User | None = None,
    tickets: Sequence[Ticket] = (),
    now: datetime | None = None,
) -> FeedbackItem:
    """A new feedback item, linked at once to `tickets` (each one the actor may see)."""
    require_agent(actor)
    now = now or timezone.now()
    item = FeedbackItem(
        title=title,
        description=(description or "").strip(),
        product=product,
        kind=kind,
        status=status,
        tracker_url=tracker_url,
        tracker_key=(tracker_key or "").strip(),
        owner=owner,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _check(item)
    item.save()
    if tickets:
        feedback_link(item=item, tickets=tickets, actor=actor, now=now)
    return item


@transaction.atomic
def feedback_item_from_ticket(*, ticket: Ticket, actor: User, title: str, **fields: Any) -> FeedbackItem:
    """A new item made from a ticket and linked to it; its product is the ticket's unless given."""
    fields.setdefault("product", ticket.product)
    return feedback_item_create(actor=actor, title=title, tickets=[ticket], **fields)


@transaction.atomic
def feedback_item_update(
    *, item: FeedbackItem, actor: User, changes: Mapping[str, Any], now: datetime | None = None
) -> FeedbackItem:
    """Change fields and/or the status. A new status is recorded in the item's history and sent as the
    `feedback_item.status_changed` webhook; telling customers is a separate, explicit step."""
    require_agent(actor)
    now = now or timezone.now()
    item = FeedbackItem.objects.select_for_update().get(pk=item.pk)
    for field in ITEM_FIELDS:
        if field in changes:
            setattr(item, field, changes[field] if changes[field] is not None or field in ("product", "owner") else "")
    _check(item)
    item.updated_at = now
    item.save()
    new_status = changes.get("status")
    if new_status and new_status != item.status:
        _status_change(item=item, actor=actor, new_status=new_status, now=now)
        item.refresh_from_db(fields=["status"])
    return item


def _status_change(*, item: FeedbackItem, actor: User, new_status: str, now: datetime) -> None:
    """The history row, the new status (one UPDATE) and the webhook, in the caller's transaction."""
    if new_status not in FeedbackItem.Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    change = FeedbackStatusChange.objects.create(
        item=item, actor=actor, old_status=item.status, new_status=new_status, created_at=now
    )
    FeedbackItem.objects.filter(pk=item.pk).update(status=new_status)
    outbox_webhooks.webhook_deliveries_queue(
        occurrences=[
            outbox_webhooks.Occurrence(
                event=STATUS_EVENT, ref=f"feedback-status:{change.pk}", context={"change": change.pk}
            )
        ]
    )


def feedback_item_delete(*, item: FeedbackItem, actor: User) -> None:
    """Only administrators delete an item (its links go with it; the tickets stay)."""
    require_admin(actor)
    item.delete()


@transaction.atomic
def feedback_link(
    *, item: FeedbackItem, tickets: Sequence[Ticket], actor: User, now: datetime | None = None
) -> list[FeedbackLink]:
    """Link tickets to an item (a ticket already linked is left as it is); each new link is an event
    on its ticket. Every ticket must be one the actor may see, else nothing is linked (404), and none
    merged (TicketMerged: its demand counts on the ticket it was merged into)."""
    require_agent(actor)
    now = now or timezone.now()
    tickets = selectors.tickets_all_visible(user=actor, tickets=tickets)
    merged_check_locked(tickets=tickets)
    known = set(FeedbackLink.objects.filter(item=item, ticket__in=tickets).values_list("ticket_id", flat=True))
    new = [ticket for ticket in tickets if ticket.pk not in known]
    links = FeedbackLink.objects.bulk_create(
        [FeedbackLink(item=item, ticket=ticket, linked_by=actor, created_at=now) for ticket in new],
        ignore_conflicts=True,  # a concurrent link of the same ticket: the first one stands
    )
    for ticket in new:
        events.event_record(
            ticket=ticket,
            kind=EventKind.FEEDBACK_LINKED,
            actor=actor,
            field="feedback",
            new=item.title,
            data={"feedback_item": item.pk},
            at=now,
        )
    if new:
        FeedbackItem.objects.filter(pk=item.pk).update(updated_at=now)
    return links


@transaction.atomic
def feedback_unlink(*, item: FeedbackItem, ticket: Ticket, actor: User, now: datetime | None = None) -> bool:
    """Remove a ticket from an item's demand; False when it was not linked."""
    require_agent(actor)
    now = now or timezone.now()
    selectors.tickets_all_visible(user=actor, tickets=[ticket])
    deleted, _rows = FeedbackLink.objects.filter(item=item, ticket=ticket).delete()
    if deleted:
        events.event_record(
            ticket=ticket,
            kind=EventKind.FEEDBACK_UNLINKED,
            actor=actor,
            field="feedback",
            old=item.title,
            data={"feedback_item": item.pk},
            at=now,
        )
        FeedbackItem.objects.filter(pk=item.pk).update(updated_at=now)
    return bool(deleted)


def feedback_item_notify(*, item: FeedbackItem, actor: User) -> int:
    """Tell every linked customer the outcome (shipped or declined): one public reply per ticket, in
    its requester's language, by a Celery job after commit. Tickets already told this outcome are
    skipped (so a second click tells nobody twice), and so are closed ones (they take no reply).
    Returns how many tickets are queued to be told."""
    require_agent(actor)
    if not item.is_final:
        raise Conflict(_("Customers can be told once the item is shipped or declined."), code="not_final")
    pending = feedback_selectors.feedback_pending_links(item=item).count()
    if pending:
        from tickets.feedback import tasks

        enqueue_on_commit(tasks.feedback_notify, item.pk, actor.pk, item.status)
    return pending
