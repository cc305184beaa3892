"""The `feedback_item.status_changed` webhook: its name and its payload (plugged into the outbox by
tickets.apps; queued by tickets.feedback.services in the transaction of the change)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from helpdesk.outbox.delivery import iso_utc
from helpdesk.outbox.models import NotificationLog
from tickets.feedback.selectors import feedback_item_annotated
from tickets.models import FeedbackItem, FeedbackStatusChange
from tickets.output import person_ref

PREFIX = "feedback_item."


def event_choices() -> list[tuple[str, str]]:
    return [("feedback_item.status_changed", str(_("Feedback item status changed")))]


def feedback_payload(row: NotificationLog) -> dict[str, Any]:
    """`event_id`, `occurred_at`, `actor`, `change` (status old → new) and `feedback_item` (as the API
    shows it when the delivery is sent, with its demand counts; null if deleted since)."""
    change = FeedbackStatusChange.objects.select_related("actor").filter(pk=row.context.get("change")).first()
    if change is None:
        return {"occurred_at": iso_utc(row.created_at), "feedback_item": None}
    from tickets.feedback.api import FeedbackItemOutput  # the API's view; imported late (the API's webhook
    # serializer reads the event names when it is imported, after tickets.apps registered these)

    item = feedback_item_annotated(FeedbackItem.objects.filter(pk=change.item_id)).first()
    return {
        "event_id": change.pk,
        "occurred_at": iso_utc(change.created_at),
        "actor": person_ref(change.actor),
        "change": {"field": "status", "old": change.old_status, "new": change.new_status},
        "feedback_item": FeedbackItemOutput(item).data if item else None,
    }
