"""Outbound webhooks: audit-trail events POSTed as signed JSON to the endpoints that subscribe.

Every TicketEvent is a webhook event named `ticket.<kind>` (`ticket.created`, `ticket.status_changed`,
`ticket.replied`, `ticket.sla_breached`, ...). A delivery is an outbox row (NotificationLog, kind
webhook, unique per endpoint and event) written in the transaction that records the event, then sent
by a worker: a rolled-back change sends nothing, a killed worker or a lost broker message loses
nothing (the notification sweep re-sends), and a retry sends the same delivery id.

Each POST carries `X-Helpdesk-Event`, `X-Helpdesk-Delivery` (the same on every retry) and
`X-Helpdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body with the endpoint's secret>`.
Any 2xx answer is success; anything else (or no answer within the timeout) is retried with backoff.
Redirects are not followed. Unless HELPDESK_WEBHOOK_ALLOW_PRIVATE is on, a URL whose host resolves
to a private, loopback or link-local address (or an IPv6 form carrying one: NAT64, 6to4, Teredo,
IPv4-mapped) is refused, and the connection goes to the address
that was checked (no second lookup to rebind).
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import crypto
from helpdesk.exceptions import DomainError
from helpdesk.models import User
from tickets import selectors
from tickets.models import EventKind, NotificationLog, TicketEvent, WebhookEndpoint

PING = "ping"
USER_AGENT = "Helpdesk-Webhooks/1.0"
MAX_ERROR_CHARS = 2000


def event_names() -> list[str]:
    """Every event an endpoint may subscribe to."""
    return [f"ticket.{kind}" for kind in EventKind.values]


def event_choices() -> list[tuple[str, str]]:
    return [(f"ticket.{kind}", label) for kind, label in EventKind.choices]


_validate_scheme = URLValidator(
    schemes=["http", "https"], message=gettext_lazy("Only http and https URLs can receive webhooks.")
)

# IPv6 ranges that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052), IPv4-translated
# (SIIT, RFC 2765), IPv4-compatible (deprecated). 6to4 and Teredo are read by the ipaddress module.
_IPV4_IN_LAST_32_BITS = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("::/96"),
)
# Local-use NAT64 (RFC 8215): translated by the operator's own gateway, so never a public receiver.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def address_is_public(address: str) -> bool:
    """Whether a webhook may be sent to this IP address: a global address that does not carry a
    private IPv4 one inside it (NAT64, 6to4, Teredo, IPv4-mapped/-compatible/-translated forms)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not ip.is_global:
        return False
    if ip.version == 4:
        return True
    if ip in _LOCAL_NAT64:
        return False
    embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    embedded += [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) for net in _IPV4_IN_LAST_32_BITS if ip in net]
    return all(inner.is_global for inner in embedded if inner is not None)


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


class WebhookFailed(Exception):
    """A delivery that did not get a 2xx answer; the row stays unsent and is retried."""


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


def webhook_update(*, endpoint: WebhookEndpoint, changes: dict) -> WebhookEndpoint:
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
    from tickets.notifications import notifications_queue_many

    key = f"webhook:{endpoint.pk}:ping:{secrets.token_hex(8)}"
    item = {"key": key, "recipient": endpoint.url, "template": PING, "ticket": None, "context": {}, "webhook": endpoint}
    notifications_queue_many(items=[item], now=timezone.now())
    return NotificationLog.objects.get(key=key)


def webhook_deliveries_purge(*, now: datetime) -> int:
    """Delete webhook deliveries created more than HELPDESK_WEBHOOK_KEEP_DAYS ago, sent or given up;
    one still being retried stays. Returns how many went. In batches, so the table is never locked long."""
    from tickets.notifications import WEBHOOK_MAX_ATTEMPTS

    cutoff = now - timedelta(days=settings.HELPDESK_WEBHOOK_KEEP_DAYS)
    old = NotificationLog.objects.filter(webhook__isnull=False, created_at__lt=cutoff).filter(
        Q(sent_at__isnull=False) | Q(attempts__gte=WEBHOOK_MAX_ATTEMPTS)
    )
    total = 0
    while True:
        batch = list(old.values_list("pk", flat=True)[:1000])
        if not batch:
            return total
        total += NotificationLog.objects.filter(pk__in=batch).delete()[0]


# --- queueing ------------------------------------------------------------------------------------


def webhooks_queue(*, events: Iterable[TicketEvent]) -> int:
    """One delivery per (active endpoint that wants it, event); called where events are recorded.

    One query when no endpoint is active. Keys are unique, so recording the same event twice
    queues nothing twice. Returns how many deliveries are new.
    """
    from tickets.notifications import notifications_queue_many

    endpoints = list(WebhookEndpoint.objects.filter(is_active=True).only("pk", "url", "events"))
    if not endpoints:
        return 0
    items = [
        {
            "key": f"webhook:{endpoint.pk}:{event.pk}",
            "recipient": endpoint.url,
            "template": f"ticket.{event.kind}",
            "ticket": event.ticket,
            "context": {"event": event.pk},
            "webhook": endpoint,
        }
        for event in events
        for endpoint in endpoints
        if endpoint.wants(f"ticket.{event.kind}")
    ]
    return notifications_queue_many(items=items, now=timezone.now()) if items else 0


# --- the payload -----------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    """UTC, ISO 8601 with "Z": a payload does not depend on anyone's time zone."""
    from tickets.api.serializers import iso_datetime

    return iso_datetime(value, UTC)


def _ticket(ticket_id: int) -> dict | None:
    """The ticket as an agent sees it in the API, as it is when the delivery is sent."""
    from tickets.api.serializers import TicketOutput

    ticket = selectors.ticket_for_system(ticket_id=ticket_id)
    if ticket is None:
        return None
    data = TicketOutput(ticket).data
    data["url"] = settings.SITE_URL.rstrip("/") + data["url"]
    return dict(data)


def _message(message_id) -> dict | None:
    from tickets.api.serializers import person_ref
    from tickets.models import Message

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
        "created_at": _iso(message.created_at),
    }


def delivery_payload(row: NotificationLog) -> dict:
    """The JSON body of a delivery, built when it is sent (the `ticket` is its state at that moment)."""
    base = {"delivery": row.pk, "event": row.template, "webhook": row.webhook_id}
    if row.template == PING:
        return {**base, "occurred_at": _iso(row.created_at)}
    from tickets.api.serializers import person_ref

    event = TicketEvent.objects.select_related("actor").filter(pk=row.context.get("event")).first()
    if event is None:  # its ticket was deleted
        return {**base, "occurred_at": _iso(row.created_at), "ticket": None}
    payload = {
        **base,
        "event_id": event.pk,
        "occurred_at": _iso(event.created_at),
        "actor": person_ref(event.actor),
        "change": {"field": event.field, "old": event.old_value, "new": event.new_value} if event.field else None,
        "data": event.data,
        "ticket": _ticket(event.ticket_id),
    }
    if "message" in event.data:
        payload["message"] = _message(event.data["message"])
    return payload


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<timestamp>,v1=<hex>`: HMAC-SHA256 over "<timestamp>." + body, keyed with the secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# --- sending -----------------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to a moment later."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As _PinnedHTTPConnection; the certificate is still checked against the host name."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _destination(url: str) -> str:
    """The address to connect to for `url`: its host resolved once, and refused when private
    (unless HELPDESK_WEBHOOK_ALLOW_PRIVATE). The connection then goes to this very address, so a
    name that resolves differently the second time (DNS rebinding) cannot reach an inside address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookFailed(_("Only http and https URLs with a host can receive webhooks."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)]
    except OSError as exc:
        raise WebhookFailed(_("The host name does not resolve: %(error)s") % {"error": exc}) from exc
    if not settings.HELPDESK_WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            if not address_is_public(address):
                raise WebhookFailed(
                    _("%(host)s resolves to a private address (%(address)s); webhooks only go to public addresses.")
                    % {"host": parts.hostname, "address": address}
                )
    return addresses[0]


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST to the checked address; the HTTP status of the answer (redirects are answers, not followed)."""
    parts = urlsplit(url)
    address = _destination(url)
    timeout = settings.HELPDESK_WEBHOOK_TIMEOUT
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context(), address=address
        )
    else:
        connection = _PinnedHTTPConnection(parts.hostname, parts.port, timeout=timeout, address=address)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer's body is not used; read a little so the server is not cut off
        return response.status
    finally:
        connection.close()


def webhook_deliver(row: NotificationLog) -> str:
    """POST one delivery; returns "" when delivered, or why it was dropped (endpoint gone or off).

    Raises WebhookFailed when the other side did not take it (the row is retried).
    """
    endpoint = row.webhook
    if endpoint is None or not endpoint.is_active:
        return _("The webhook was deleted or switched off before this delivery was sent.")
    body = json.dumps(delivery_payload(row), ensure_ascii=False, separators=(",", ":")).encode()
    try:
        secret = crypto.decrypt(endpoint.secret)
    except crypto.SecretUnavailable as exc:
        _record(endpoint, status=None, error=str(exc))
        raise WebhookFailed(str(exc)) from exc
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Helpdesk-Event": row.template,
        "X-Helpdesk-Delivery": str(row.pk),
        "X-Helpdesk-Signature": signature(secret, int(time.time()), body),
    }
    status = None
    try:
        status = _post(endpoint.url, body, headers)
    except WebhookFailed as exc:
        error = str(exc)
    except (http.client.HTTPException, OSError, ValueError) as exc:  # OSError: refused, timeout, TLS
        error = f"{type(exc).__name__}: {exc}"
    else:
        error = "" if 200 <= status < 300 else _("HTTP %(status)s from the endpoint.") % {"status": status}
    _record(endpoint, status=status, error=error)
    if error:
        raise WebhookFailed(error[:MAX_ERROR_CHARS])
    return ""


def _record(endpoint: WebhookEndpoint, *, status: int | None, error: str) -> None:
    """The endpoint's health as the API and admin show it: last answer, failures in a row."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        last_delivery_at=timezone.now(),
        last_status=status,
        last_error=error[:MAX_ERROR_CHARS],
        consecutive_failures=F("consecutive_failures") + 1 if error else 0,
    )
