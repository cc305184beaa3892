"""Outbound webhooks against a real HTTP receiver on loopback: API, signing, retries, boundaries."""

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk import crypto
from helpdesk.models import NotificationLog, User, WebhookEndpoint
from helpdesk.outbox import delivery, webhooks
from helpdesk.outbox.sending import WEBHOOK_MAX_ATTEMPTS, notification_send, notifications_due, webhook_backoff
from tests.conftest import wait_for
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server that records every request and answers with the next queued status."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.headers_out: dict[str, str] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 204)
                for name, value in receiver.headers_out.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/helpdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json(self, index: int = -1) -> dict:
        return json.loads(self.requests[index]["body"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def hook(receiver, admin_user):
    endpoint, secret = webhooks.webhook_create(actor=admin_user, name="CRM", url=receiver.url)
    endpoint.plain_secret = secret
    return endpoint


def _send_all() -> list[int]:
    """Send every queued webhook delivery the way the worker does; the ids, in order."""
    ids = list(
        NotificationLog.objects.filter(kind="webhook", sent_at__isnull=True).order_by("id").values_list("pk", flat=True)
    )
    for notification_id in ids:
        notification_send(notification_id=notification_id)
    return ids


def _verify(request: dict, secret: str) -> None:
    parts = dict(item.split("=", 1) for item in request["headers"]["X-Helpdesk-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + request["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)


# --- the API and its boundaries ------------------------------------------------------------------


def test_an_admin_registers_a_webhook_and_sees_its_secret_once(as_user, admin_user, receiver):
    api = as_user(admin_user)
    response = api.post(
        "/api/v1/webhooks/",
        {"name": "CRM", "url": receiver.url, "events": ["ticket.created", "ticket.status_changed"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and body["events"] == ["ticket.created", "ticket.status_changed"]
    stored = WebhookEndpoint.objects.get(pk=body["id"])
    assert secret not in stored.secret and crypto.decrypt(stored.secret) == secret
    detail = api.get(f"/api/v1/webhooks/{body['id']}/").json()
    assert "secret" not in detail and detail["is_active"] is True
    assert [row["id"] for row in api.get("/api/v1/webhooks/").json()["results"]] == [body["id"]]
    rotated = api.post(f"/api/v1/webhooks/{body['id']}/rotate-secret/").json()["secret"]
    assert rotated != secret and crypto.decrypt(WebhookEndpoint.objects.get(pk=body["id"]).secret) == rotated


@pytest.mark.parametrize("persona", ["agent", "customer", "anonymous"])
def test_only_admins_reach_webhooks(request, as_user, api, persona, hook):
    client = api if persona == "anonymous" else as_user(request.getfixturevalue(persona))
    calls = [
        client.get("/api/v1/webhooks/"),
        client.post("/api/v1/webhooks/", {"name": "x", "url": "https://example.com/h"}, format="json"),
        client.get(f"/api/v1/webhooks/{hook.pk}/"),
        client.patch(f"/api/v1/webhooks/{hook.pk}/", {"url": "https://evil.example/"}, format="json"),
        client.delete(f"/api/v1/webhooks/{hook.pk}/"),
        client.post(f"/api/v1/webhooks/{hook.pk}/rotate-secret/"),
        client.post(f"/api/v1/webhooks/{hook.pk}/ping/"),
        client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/"),
    ]
    # Webhooks do not exist for anyone but administrators (404); anonymous callers are asked to sign in.
    code = "not_authenticated" if persona == "anonymous" else "not_found"
    assert all(
        call.status_code == (401 if persona == "anonymous" else 404) and call.json()["code"] == code for call in calls
    ), [(call.status_code, call.json()) for call in calls]
    hook.refresh_from_db()
    assert hook.url.startswith("http://127.0.0.1") and WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "url": "ftp://example.com/h"}, "url"),
        ({"name": "x", "url": "javascript:alert(1)"}, "url"),
        ({"name": "x", "url": "not a url"}, "url"),
        ({"name": "x", "url": "https://example.com/h", "events": ["ticket.bogus"]}, "events.0"),
        ({"name": "x", "url": "https://example.com/h", "events": "ticket.created"}, "events"),
        ({"url": "https://example.com/h"}, "name"),
    ],
)
def test_bad_webhook_input_is_a_400_per_field(as_user, admin_user, payload, field):
    response = as_user(admin_user).post("/api/v1/webhooks/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_unknown_webhooks_are_404_and_deleting_takes_the_deliveries(as_user, admin_user, hook, customer):
    api = as_user(admin_user)
    assert api.get("/api/v1/webhooks/999999/").status_code == 404
    make_ticket(requester=contact_of(customer))
    assert NotificationLog.objects.filter(webhook=hook).exists()
    assert api.delete(f"/api/v1/webhooks/{hook.pk}/").status_code == 204
    assert not NotificationLog.objects.filter(kind="webhook").exists()


# --- what is sent ----------------------------------------------------------------------------------


def test_a_new_ticket_is_posted_signed_with_the_agent_view_of_it(as_user, agent, customer, hook, receiver, settings):
    settings.SITE_URL = "https://help.example.com"
    response = as_user(agent).post(
        "/api/v1/tickets/",
        {"subject": "Printer on fire", "body": "Smoke everywhere", "requester": contact_of(customer).pk},
        format="json",
    )
    ticket_id = response.json()["id"]
    sent = _send_all()
    events = [request["headers"]["X-Helpdesk-Event"] for request in receiver.requests]
    assert "ticket.created" in events and len(receiver.requests) == len(sent)
    created = receiver.requests[events.index("ticket.created")]
    _verify(created, hook.plain_secret)
    body = json.loads(created["body"])
    assert created["path"] == "/hooks/helpdesk"
    assert created["headers"]["Content-Type"].startswith("application/json")
    assert created["headers"]["X-Helpdesk-Delivery"] == str(body["delivery"])
    assert body["event"] == "ticket.created" and body["webhook"] == hook.pk
    assert body["actor"]["email"] == agent.email
    assert body["ticket"]["id"] == ticket_id and body["ticket"]["subject"] == "Printer on fire"
    assert body["ticket"]["url"] == f"https://help.example.com/api/v1/tickets/{ticket_id}/"
    assert body["occurred_at"].endswith("Z")
    hook.refresh_from_db()
    assert hook.last_status == 204 and hook.consecutive_failures == 0 and hook.last_error == ""


def test_a_note_carries_its_message_and_status_changes_their_change(agent, customer, hook, receiver):
    ticket = make_ticket(requester=contact_of(customer))
    _send_all()
    receiver.requests.clear()
    services.ticket_reply(ticket=ticket, actor=agent, body="Checked the logs: disk full.", internal=True)
    services.ticket_change_status(ticket=Ticket.objects.get(pk=ticket.pk), actor=agent, status="solved")
    _send_all()
    by_event = {request["headers"]["X-Helpdesk-Event"]: json.loads(request["body"]) for request in receiver.requests}
    note = by_event["ticket.note_added"]
    assert note["message"]["internal"] is True and note["message"]["body_text"] == "Checked the logs: disk full."
    assert note["message"]["author"]["email"] == agent.email and note["message"]["author_type"] == "agent"
    assert by_event["ticket.status_changed"]["change"]["new"] == "solved"


def test_an_endpoint_gets_only_the_events_it_subscribed_to(admin_user, agent, customer, receiver):
    endpoint, _secret = webhooks.webhook_create(
        actor=admin_user, name="Status only", url=receiver.url, events=["ticket.status_changed"]
    )
    ticket = make_ticket(requester=contact_of(customer))
    services.ticket_reply(ticket=ticket, actor=agent, body="On it.")
    services.ticket_change_status(ticket=Ticket.objects.get(pk=ticket.pk), actor=agent, status="solved")
    _send_all()
    assert {request["headers"]["X-Helpdesk-Event"] for request in receiver.requests} == {"ticket.status_changed"}


def test_inactive_endpoints_get_nothing_and_a_rolled_back_change_sends_nothing(hook, customer, receiver):
    webhooks.webhook_update(endpoint=hook, changes={"is_active": False})
    make_ticket(requester=contact_of(customer))
    assert not NotificationLog.objects.filter(kind="webhook").exists()
    webhooks.webhook_update(endpoint=hook, changes={"is_active": True})
    with pytest.raises(RuntimeError), transaction.atomic():
        make_ticket(requester=contact_of(customer), subject="Never happened")
        raise RuntimeError("rolled back")
    assert not NotificationLog.objects.filter(kind="webhook").exists()


def test_a_delivery_queued_before_its_webhook_was_switched_off_is_dropped(hook, customer, receiver):
    make_ticket(requester=contact_of(customer))
    webhooks.webhook_update(endpoint=hook, changes={"is_active": False})
    ids = _send_all()
    assert ids and receiver.requests == []
    rows = NotificationLog.objects.filter(pk__in=ids)
    assert all(row.sent_at is not None and "switched off" in row.last_error for row in rows)


# --- failures, retries, exactly once ------------------------------------------------------------------


def test_a_failed_delivery_backs_off_then_is_sent_again_with_the_same_id(hook, customer, receiver, as_user, admin_user):
    make_ticket(requester=contact_of(customer))
    row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
    receiver.statuses = [500]
    before = timezone.now()
    with pytest.raises(delivery.WebhookFailed, match="HTTP 500"):
        notification_send(notification_id=row.pk)
    row.refresh_from_db()
    hook.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1 and "HTTP 500" in row.last_error
    assert before + timedelta(seconds=50) < row.next_attempt_at < before + timedelta(minutes=2)
    assert hook.consecutive_failures == 1 and hook.last_status == 500
    assert row.pk not in notifications_due(now=timezone.now())  # still backing off
    assert row.pk in notifications_due(now=timezone.now() + timedelta(minutes=2))
    assert not notification_send(notification_id=row.pk)  # a job before the backoff is over does nothing
    assert len(receiver.requests) == 1
    assert notification_send(notification_id=row.pk, now=row.next_attempt_at)
    first, second = receiver.requests[0], receiver.requests[1]
    assert first["headers"]["X-Helpdesk-Delivery"] == second["headers"]["X-Helpdesk-Delivery"] == str(row.pk)
    assert first["body"] == second["body"]
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0 and hook.last_status == 204
    assert not notification_send(notification_id=row.pk)  # exactly once: already sent
    assert len(receiver.requests) == 2
    states = {
        d["id"]: d["state"]
        for d in as_user(admin_user).get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()["results"]
    }
    assert states[row.pk] == "delivered"


def test_after_the_last_attempt_a_delivery_is_failed_and_no_longer_due(hook, customer, as_user, admin_user):
    make_ticket(requester=contact_of(customer))
    row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
    NotificationLog.objects.filter(pk=row.pk).update(attempts=WEBHOOK_MAX_ATTEMPTS, last_error="HTTP 503")
    assert row.pk not in notifications_due(now=timezone.now() + timedelta(days=3))
    states = {
        d["id"]: d["state"]
        for d in as_user(admin_user).get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()["results"]
    }
    assert states[row.pk] == "failed"


def test_the_backoff_grows_to_six_hours_and_spans_about_two_days():
    waits = [webhook_backoff(attempt) for attempt in range(1, WEBHOOK_MAX_ATTEMPTS)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == timedelta(hours=6)
    assert timedelta(days=1) < sum(waits, timedelta()) < timedelta(days=3)


def test_redirects_are_not_followed(hook, customer, receiver):
    receiver.statuses = [302]
    receiver.headers_out = {"Location": "http://169.254.169.254/latest/meta-data/"}
    make_ticket(requester=contact_of(customer))
    row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
    with pytest.raises(delivery.WebhookFailed, match="HTTP 302"):
        notification_send(notification_id=row.pk)
    assert len(receiver.requests) == 1


def test_private_addresses_are_refused_unless_allowed(hook, customer, receiver, settings):
    settings.HELPDESK_WEBHOOK_ALLOW_PRIVATE = False
    make_ticket(requester=contact_of(customer))
    row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
    with pytest.raises(delivery.WebhookFailed, match="private address"):
        notification_send(notification_id=row.pk)
    assert receiver.requests == []
    hook.refresh_from_db()
    assert "private address" in hook.last_error


def test_a_receiver_that_does_not_answer_in_time_is_a_failure(hook, customer, settings):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts the connection, never answers
    try:
        webhooks.webhook_update(endpoint=hook, changes={"url": f"http://127.0.0.1:{silent.getsockname()[1]}/"})
        settings.HELPDESK_WEBHOOK_TIMEOUT = 0.5
        make_ticket(requester=contact_of(customer))
        row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
        with pytest.raises(delivery.WebhookFailed, match="(?i)timed out|timeout"):
            notification_send(notification_id=row.pk)
    finally:
        silent.close()


def test_a_ping_is_queued_and_delivered(as_user, admin_user, hook, receiver):
    api = as_user(admin_user)
    response = api.post(f"/api/v1/webhooks/{hook.pk}/ping/")
    assert response.status_code == 202
    delivery = response.json()["delivery"]
    pending = api.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()["results"]
    assert [(d["id"], d["event"], d["state"]) for d in pending] == [(delivery, "ping", "pending")]
    _send_all()
    assert receiver.json()["event"] == "ping" and receiver.json()["delivery"] == delivery
    _verify(receiver.requests[-1], hook.plain_secret)


def test_the_delivery_list_runs_a_fixed_number_of_queries(
    as_user, admin_user, hook, customer, django_assert_max_num_queries
):
    for i in range(3):
        make_ticket(requester=contact_of(customer), subject=f"T{i}")
    api = as_user(User.objects.get(pk=admin_user.pk))
    with django_assert_max_num_queries(3):
        assert len(api.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()["results"]) >= 3


# --- a real worker ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_after_commit(celery_worker, admin_user, customer, receiver):
    endpoint, secret = webhooks.webhook_create(actor=admin_user, name="CRM", url=receiver.url)
    with transaction.atomic():
        ticket = make_ticket(requester=contact_of(customer), subject="Via the worker")
    assert wait_for(lambda: any(r["headers"]["X-Helpdesk-Event"] == "ticket.created" for r in receiver.requests))
    created = next(r for r in receiver.requests if r["headers"]["X-Helpdesk-Event"] == "ticket.created")
    _verify(created, secret)
    assert json.loads(created["body"])["ticket"]["id"] == ticket.pk
    assert wait_for(
        lambda: NotificationLog.objects.filter(
            webhook=endpoint, template="ticket.created", sent_at__isnull=False
        ).exists()
    )


def test_the_admin_adds_a_webhook_and_shows_its_secret_once(client, admin_user, receiver):
    client.force_login(admin_user)
    response = client.post(
        "/admin/helpdesk/webhookendpoint/add/",
        {"name": "ERP", "url": receiver.url, "events": ["ticket.created", "ticket.sla_breached"], "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(name="ERP")
    secret = crypto.decrypt(endpoint.secret)
    assert secret.encode() in response.content  # the message after saving, this once
    assert endpoint.events == ["ticket.created", "ticket.sla_breached"] and endpoint.created_by == admin_user
    page = client.get(f"/admin/helpdesk/webhookendpoint/{endpoint.pk}/change/")
    assert page.status_code == 200 and secret.encode() not in page.content
    bad = client.post("/admin/helpdesk/webhookendpoint/add/", {"name": "Bad", "url": "ftp://example.com/x"})
    assert bad.status_code == 200 and not WebhookEndpoint.objects.filter(name="Bad").exists()


def test_a_patch_changes_only_what_it_sends_and_switching_on_clears_the_failures(as_user, admin_user, hook):
    api = as_user(admin_user)
    url = f"/api/v1/webhooks/{hook.pk}/"
    assert api.patch(url, {"is_active": False}, format="json").json()["is_active"] is False
    WebhookEndpoint.objects.filter(pk=hook.pk).update(consecutive_failures=7)
    body = api.patch(url, {"name": "CRM (paused)", "events": ["ticket.replied"]}, format="json").json()
    assert body["is_active"] is False and body["events"] == ["ticket.replied"] and body["consecutive_failures"] == 7
    assert api.patch(url, {"is_active": True}, format="json").json()["consecutive_failures"] == 0
    assert api.patch(url, {"url": "gopher://example.com/"}, format="json").status_code == 400


def test_the_connection_goes_to_the_address_that_was_checked(hook, customer, receiver, monkeypatch):
    """A name is resolved once: a second answer (DNS rebinding to an inside address) is never asked for."""
    port = receiver.server.server_port
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def resolver(host, *args, **kwargs):
        if host == "hooks.example.test":
            lookups.append(host)
            if len(lookups) > 1:
                raise OSError("a second lookup: the rebound answer would be used")
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    webhooks.webhook_update(endpoint=hook, changes={"url": f"http://hooks.example.test:{port}/in?source=helpdesk"})
    make_ticket(requester=contact_of(customer))
    row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
    assert notification_send(notification_id=row.pk)
    assert lookups == ["hooks.example.test"]
    request = receiver.requests[-1]
    assert request["headers"]["Host"] == f"hooks.example.test:{port}" and request["path"] == "/in?source=helpdesk"


def _self_signed(tmp_path, host: str):
    """A certificate for `host` that nobody trusts, and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_https_receivers_must_present_a_trusted_certificate(hook, customer, receiver, tmp_path):
    import ssl

    cert_path, key_path = _self_signed(tmp_path, "localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
    webhooks.webhook_update(endpoint=hook, changes={"url": f"https://localhost:{receiver.server.server_port}/h"})
    make_ticket(requester=contact_of(customer))
    row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
    with pytest.raises(delivery.WebhookFailed, match="CERTIFICATE_VERIFY_FAILED"):
        notification_send(notification_id=row.pk)
    assert receiver.requests == []


def test_old_deliveries_are_purged_but_not_those_still_being_retried(hook, customer, settings):
    settings.HELPDESK_WEBHOOK_KEEP_DAYS = 30
    for subject in ("sent", "given up", "retrying", "recent"):
        make_ticket(requester=contact_of(customer), subject=subject)
    subjects = dict(Ticket.objects.values_list("pk", "subject"))
    rows = {
        subjects[row.ticket_id]: row for row in NotificationLog.objects.filter(webhook=hook, template="ticket.created")
    }
    long_ago = timezone.now() - timedelta(days=31)
    NotificationLog.objects.filter(pk=rows["sent"].pk).update(created_at=long_ago, sent_at=long_ago)
    NotificationLog.objects.filter(pk=rows["given up"].pk).update(created_at=long_ago, attempts=WEBHOOK_MAX_ATTEMPTS)
    NotificationLog.objects.filter(pk=rows["retrying"].pk).update(created_at=long_ago, attempts=3)
    old_mail = NotificationLog.objects.create(
        key="old-mail", recipient="c@example.com", template="agent_reply", created_at=long_ago, sent_at=long_ago
    )
    assert delivery.webhook_deliveries_purge(now=timezone.now()) == 2
    left = set(NotificationLog.objects.filter(webhook=hook, template="ticket.created").values_list("pk", flat=True))
    assert left == {rows["retrying"].pk, rows["recent"].pk}
    assert NotificationLog.objects.filter(pk=old_mail.pk).exists()  # its Message-ID still threads late replies


# IPv6 forms that carry a private IPv4 address inside them (the pentest reached 127.0.0.1 through NAT64).
EMBEDDED_PRIVATE = [
    "64:ff9b::7f00:1",  # NAT64 (RFC 6052) of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::a9fe:a9fe",  # local-use NAT64 (RFC 8215): never a public receiver
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:0:a9fe:a9fe",  # IPv4-translated (SIIT) of 169.254.169.254, the cloud metadata address
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused(address, hook, customer, settings):
    settings.HELPDESK_WEBHOOK_ALLOW_PRIVATE = False
    webhooks.webhook_update(endpoint=hook, changes={"url": f"http://[{address}]/hooks"})
    make_ticket(requester=contact_of(customer))
    row = NotificationLog.objects.filter(webhook=hook, template="ticket.created").get()
    with pytest.raises(delivery.WebhookFailed, match="private address"):
        notification_send(notification_id=row.pk)


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_and_ipv6_forms_of_public_ipv4_addresses_are_allowed(address):
    assert delivery.address_is_public(address)


@pytest.mark.parametrize("address", [*EMBEDDED_PRIVATE, "127.0.0.1", "10.1.2.3", "fe80::1", "::1", "fc00::1"])
def test_an_api_webhook_pointing_at_a_private_address_literal_is_refused(address, as_user, admin_user, settings):
    settings.HELPDESK_WEBHOOK_ALLOW_PRIVATE = False
    host = f"[{address}]" if ":" in address else address
    response = as_user(admin_user).post(
        "/api/v1/webhooks/", {"name": "Inside", "url": f"http://{host}/hooks", "events": []}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.filter(name="Inside").exists()
