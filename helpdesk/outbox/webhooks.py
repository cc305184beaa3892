"""Webhook endpoints (every write on them) and queueing their deliveries.

An app that records events registers their names (helpdesk.outbox.registry) and calls
`webhook_deliveries_queue` where it records them, in the same transaction: one delivery per active
endpoint that wants the event, unique per endpoint and occurrence, so a rolled-back change sends
nothing and recording an occurrence twice sends it once.
"""

import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import crypto
from helpdesk.exceptions import DomainError
from helpdesk.models import User
from helpdesk.outbox import registry
from helpdesk.outbox.delivery import PING, address_is_public
from helpdesk.outbox.models import NotificationLog, WebhookEndpoint
from helpdesk.outbox.queue import notifications_queue_many

event_names = registry.webhook_event_names
event_choices = registry.webhook_event_choices

_validate_scheme = URLValidator(
    schemes=["http", "https"], message=gettext_lazy("Only http and https URLs can receive webhooks.")
)


def validate_url(value: str) -> None:
    """Where a webhook may point: http or https with a host; a host written as an IP address must be
    public (names are resolved, and their addresses checked, when sending)."""
    _validate_scheme(value)
    host = urlsplit(value).hostname or ""
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return  # a name, not an address
    if not settings.HELPDESK_WEBHOOK_ALLOW_PRIVATE and not address_is_public(host):
        raise ValidationError(
            _("%(address)s is a private address; webhooks only go to public addresses.") % {"address": host},
            code="private_address",
        )


# --- endpoints (writes) ------------------------------------------------------------------------


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _check_events(events: Iterable[str]) -> list[str]:
    known = set(event_names())
    events = list(dict.fromkeys(events))
    unknown = [name for name in events if name not in known]
    if unknown:
        raise DomainError(_("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}, code="unknown_event")
    return events


def webhook_create(
    *, actor: User, name: str, url: str, events: Iterable[str] = (), is_active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret in clear (shown once: only its encryption is stored)."""
    secret = _new_secret()
    endpoint = WebhookEndpoint.objects.create(
        name=name,
        url=url,
        events=_check_events(events),
        is_active=is_active,
        secret=crypto.encrypt(secret),
        created_by=actor,
    )
    return endpoint, secret


def webhook_update(*, endpoint: WebhookEndpoint, changes: dict[str, Any]) -> WebhookEndpoint:
    """Change name, url, events or is_active; switching an endpoint on again clears its failure count."""
    if "events" in changes:
        changes = {**changes, "events": _check_events(changes["events"])}
    switched_on = changes.get("is_active") is True and not endpoint.is_active
    fields = [field for field in ("name", "url", "events", "is_active") if field in changes]
    for field in fields:
        setattr(endpoint, field, changes[field])
    if switched_on:
        endpoint.consecutive_failures = 0
        fields.append("consecutive_failures")
    if fields:
        endpoint.save(update_fields=fields)
    return endpoint


def webhook_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new signing secret, in clear, for the caller to hand over; the old one stops at once."""
    secret = _new_secret()
    endpoint.secret = crypto.encrypt(secret)
    endpoint.save(update_fields=["secret"])
    return secret


def webhook_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()  # its deliveries go with it, sent or not


def webhook_ping(*, endpoint: WebhookEndpoint) -> NotificationLog:
    """Queue a `ping` delivery (to check the address and the signature on the other side)."""
    key = f"webhook:{endpoint.pk}:ping:{secrets.token_hex(8)}"
    item = {"key": key, "recipient": endpoint.url, "template": PING, "context": {}, "webhook": endpoint}
    notifications_queue_many(items=[item], now=timezone.now())
    return NotificationLog.objects.get(key=key)


# --- queueing deliveries -------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """Something that happened, as endpoints receive it: `event` is its name (`ticket.created`),
    `ref` makes its delivery keys unique (the audit-trail row's id), `context` is stored in the row
    for the payload builder."""

    event: str
    ref: int | str
    context: dict[str, Any]
    ticket_id: int | None = None


def webhook_deliveries_queue(*, occurrences: Iterable[Occurrence]) -> int:
    """One delivery per (active endpoint that wants it, occurrence), keyed `webhook:<endpoint>:<ref>`.

    One query when no endpoint is active. Keys are unique, so queueing the same occurrence twice
    queues nothing twice. Returns how many deliveries are new.
    """
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True).only("pk", "url", "events"))
    if not endpoints:
        return 0
    items = [
        {
            "key": f"webhook:{endpoint.pk}:{occurrence.ref}",
            "recipient": endpoint.url,
            "template": occurrence.event,
            "ticket_id": occurrence.ticket_id,
            "context": occurrence.context,
            "webhook": endpoint,
        }
        for occurrence in occurrences
        for endpoint in endpoints
        if endpoint.wants(occurrence.event)
    ]
    return notifications_queue_many(items=items, now=timezone.now()) if items else 0
