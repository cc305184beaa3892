"""Webhook deliveries: the signed POST of one outbox row, to the address that was checked, and the
nightly purge of old deliveries.

Each POST carries `X-Helpdesk-Event`, `X-Helpdesk-Delivery` (the same on every retry) and
`X-Helpdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body with the endpoint's secret>`.
Any 2xx answer is success; anything else (or no answer within the timeout) is retried with backoff.
Redirects are not followed. Unless HELPDESK_WEBHOOK_ALLOW_PRIVATE is on, a URL whose host resolves
to a private, loopback or link-local address (or an IPv6 form carrying one: NAT64, 6to4, Teredo,
IPv4-mapped) is refused, and the connection goes to the address that was checked (no second lookup
to rebind). The body's event-specific part comes from the builder the event's app registered
(helpdesk.outbox.registry); the outbox writes `delivery`, `event`, `webhook` and the ping.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import crypto
from helpdesk.outbox import registry
from helpdesk.outbox.models import NotificationLog, WebhookEndpoint
from helpdesk.outbox.schedule import MAX_ATTEMPTS

PING = "ping"
USER_AGENT = "Helpdesk-Webhooks/1.0"
MAX_ERROR_CHARS = 2000
WEBHOOK_MAX_ATTEMPTS = MAX_ATTEMPTS  # the outbox's one schedule (helpdesk.outbox.schedule): about two days

# IPv6 ranges that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052), IPv4-translated
# (SIIT, RFC 2765), IPv4-compatible (deprecated). 6to4 and Teredo are read by the ipaddress module.
_IPV4_IN_LAST_32_BITS = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("::/96"),
)
# Local-use NAT64 (RFC 8215): translated by the operator's own gateway, so never a public receiver.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


class WebhookFailed(Exception):
    """A delivery that did not get a 2xx answer; the row stays unsent and is retried."""


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


def iso_utc(value: datetime | None) -> str | None:
    """UTC, ISO 8601 with "Z": a payload does not depend on anyone's time zone."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def delivery_payload(row: NotificationLog) -> dict[str, Any]:
    """The JSON body of a delivery, built when it is sent (its data is the state at that moment)."""
    base = {"delivery": row.pk, "event": row.template, "webhook": row.webhook_id}
    builder = registry.payload_builder(row.template)
    if row.template == PING or builder is None:
        return {**base, "occurred_at": iso_utc(row.created_at)}
    return {**base, **builder(row)}


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<timestamp>,v1=<hex>`: HMAC-SHA256 over "<timestamp>." + body, keyed with the secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


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
    connection: http.client.HTTPConnection
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


def webhook_deliveries_purge(*, now: datetime) -> int:
    """Delete webhook deliveries created more than HELPDESK_WEBHOOK_KEEP_DAYS ago, sent or given up;
    one still being retried stays. Returns how many went. In batches, so the table is never locked long."""
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
