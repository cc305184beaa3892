"""Ticket events as webhooks: which events there are, queueing their deliveries, and their payload.

Every TicketEvent is a webhook event named `ticket.<kind>` (`ticket.created`, `ticket.status_changed`,
`ticket.replied`, `ticket.sla_breached`, ...). A delivery is an outbox row (helpdesk.outbox: kind
webhook, unique per endpoint and event) written in the transaction that records the event, then
sent, signed and retried by the outbox's worker. This module plugs tickets into the outbox
(tickets.apps registers `event_choices` and `ticket_payload`); endpoints themselves are the
outbox's (helpdesk.outbox.webhooks).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from helpdesk.outbox import webhooks as outbox_webhooks
from helpdesk.outbox.delivery import iso_utc
from helpdesk.outbox.models import NotificationLog
from tickets import selectors
from tickets.models import EventKind, Message, TicketEvent
from tickets.output import Page, person_ref, ticket_agent_data

PREFIX = "ticket."


def event_choices() -> list[tuple[str, str]]:
    """Every ticket event an endpoint may subscribe to, with its label."""
    return [(f"{PREFIX}{kind}", label) for kind, label in EventKind.choices]


def webhooks_queue(*, events: Iterable[TicketEvent]) -> int:
    """One delivery per (active endpoint that wants it, event); called where events are recorded.

    One query when no endpoint is active. Keys (`webhook:<endpoint>:<event>`) are unique, so
    recording the same event twice queues nothing twice. Returns how many deliveries are new.
    """
    occurrences = [
        outbox_webhooks.Occurrence(
            event=f"{PREFIX}{event.kind}", ref=event.pk, context={"event": event.pk}, ticket_id=event.ticket_id
        )
        for event in events
    ]
    return outbox_webhooks.webhook_deliveries_queue(occurrences=occurrences)


# --- the payload -----------------------------------------------------------------------------------


def _ticket(ticket_id: int) -> dict | None:
    """The ticket as an agent sees it in the API, as it is when the delivery is sent."""
    ticket = selectors.ticket_for_system(ticket_id=ticket_id)
    if ticket is None:
        return None
    prefix = settings.SITE_URL.rstrip("/") + reverse("api-ticket-detail", args=[0])[: -len("0/")]
    return ticket_agent_data(ticket, page=Page(prefix, timezone.get_current_timezone()))


def _message(message_id: Any) -> dict | None:
    message = Message.objects.select_related("author_user", "author_contact").filter(pk=message_id).first()
    if message is None:
        return None
    author = message.author_user or message.author_contact
    return {
        "id": message.pk,
        "internal": message.internal,
        "channel": message.channel,
        "author": person_ref(author),
        "author_type": "agent" if message.author_user_id else "contact",
        "body_text": message.body_text,
        "created_at": iso_utc(message.created_at),
    }


def ticket_payload(row: NotificationLog) -> dict[str, Any]:
    """The event's part of a delivery's body (the outbox adds `delivery`, `event`, `webhook`):
    `event_id`, `occurred_at` (UTC), `actor`, `change`, `data`, `ticket` (its state when sent) and,
    for replies and notes, `message`."""
    event = TicketEvent.objects.select_related("actor").filter(pk=row.context.get("event")).first()
    if "rule" in row.context:  # a trigger's or timed rule's "call webhook" (tickets.triggers.actions)
        return {
            "event_id": event.pk if event else None,
            "occurred_at": iso_utc(event.created_at if event else row.created_at),
            "rule": row.context["rule"],
            "ticket": _ticket(row.ticket_id) if row.ticket_id else None,
        }
    if event is None:  # its ticket was deleted (the event with it)
        return {"occurred_at": iso_utc(row.created_at), "ticket": None}
    payload = {
        "event_id": event.pk,
        "occurred_at": iso_utc(event.created_at),
        "actor": person_ref(event.actor),
        "change": {"field": event.field, "old": event.old_value, "new": event.new_value} if event.field else None,
        "data": event.data,
        "ticket": _ticket(event.ticket_id),
    }
    if "message" in event.data:
        payload["message"] = _message(event.data["message"])
    return payload
