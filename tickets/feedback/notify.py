"""Telling the customers behind a feedback item its outcome: one public notice per linked ticket.

Each notice goes through `tickets.services.ticket_reply` with notice=True (the customer's mail, events
and webhooks happen per ticket as for any reply, but it answers nobody: no response, no SLA target met,
no status change), written from a template in the requester's language. A closed ticket takes no
message and is never reopened for this: its customer is told by mail alone (notify_feedback_outcome). A link is claimed with a conditional UPDATE before its reply, in the same transaction:
a second click, a redelivered job or two workers never tell a customer twice.
"""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from helpdesk.exceptions import DomainError
from helpdesk.mail import recipient_locale
from helpdesk.models import User
from tickets import notifications, services
from tickets.feedback.selectors import feedback_pending_links
from tickets.models import FeedbackItem, FeedbackLink, Status, Ticket

logger = logging.getLogger(__name__)

BATCH = 50  # replies per job; a job that filled its batch queues the next one


def feedback_reply_text(*, item: FeedbackItem, ticket: Ticket, status: str) -> str:
    """The reply telling `ticket`'s requester the outcome, in their language (contact, login, site)."""
    language = recipient_locale(contact=ticket.requester)["language"]
    with translation.override(language):
        return render_to_string(
            f"tickets/feedback/notify_{status}.txt", {"item": item, "ticket": ticket, "requester": ticket.requester}
        ).strip()


def feedback_notify_ticket(*, link_id: int, actor: User, status: str, now: datetime | None = None) -> bool:
    """Tell one linked ticket's customer the outcome `status`; False if already told (or refused)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            claimed = (
                FeedbackLink.objects.filter(pk=link_id)
                .exclude(notified_status=status)
                .update(notified_status=status, notified_at=now)
            )
            if not claimed:
                return False
            link = FeedbackLink.objects.select_related("item", "ticket__requester__user").get(pk=link_id)
            body = feedback_reply_text(item=link.item, ticket=link.ticket, status=status)
            if link.ticket.status == Status.CLOSED:
                if notifications.notify_feedback_outcome(
                    ticket=link.ticket, link_id=link_id, status=status, text=body, told_at=now
                ):
                    return True
                raise ValidationError("no address to mail")  # the claim rolls back: nobody was told
            message = services.ticket_reply(ticket=link.ticket, actor=actor, body=body, notice=True, now=now)
            FeedbackLink.objects.filter(pk=link_id).update(notified_message=message)
    except (ValidationError, DomainError) as exc:  # e.g. the ticket closed meanwhile: the claim rolls back
        logger.info("feedback link %s: customer not told: %s", link_id, exc)
        return False
    return True


def feedback_notify_pending(*, item_id: int, actor_id: int, status: str, limit: int = BATCH) -> tuple[int, bool]:
    """Tell up to `limit` customers not told yet; (how many were told, whether more may wait).

    Nothing happens when the item is gone, its status is no longer `status`, or the actor is no
    longer an active agent (state is re-checked: the job may run late)."""
    item = FeedbackItem.objects.filter(pk=item_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if item is None or item.status != status or actor is None or not actor.is_agent:
        return 0, False
    ids = list(feedback_pending_links(item=item).values_list("pk", flat=True)[:limit])
    told = sum(feedback_notify_ticket(link_id=link_id, actor=actor, status=status) for link_id in ids)
    return told, len(ids) == limit and told > 0
