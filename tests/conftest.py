"""Personas and real services for the whole suite.

Personas: admin, agent, agent of another team, customer (Acme, sharing on), colleague of the
customer, customer of another organization, anonymous.

Fixtures shared by several test modules live in a conftest.py (this one, or the app folder's), never
in a module that tests import with `*`. A test process of a parallel run (pytest-xdist) has its own
database, Redis database, Celery queue and var/ folder: see tests.parallel.py.
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle counters and cached pages never leak between tests."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request by a Persian user leaves fa active in the
    thread (LocaleMiddleware never deactivates it), which turned later tests' messages Persian."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Personas are created with a password; a slow hasher would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return factories.TeamFactory(name="First line", slug="first-line")


@pytest.fixture
def other_team(db):
    return factories.TeamFactory(name="Billing", slug="billing")


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(role="admin", is_superuser=True, email="admin@test.example")


@pytest.fixture
def agent(db, team):
    user = factories.UserFactory(role="agent", email="agent@test.example")
    user.teams.add(team)
    return user


@pytest.fixture
def other_agent(db, other_team):
    user = factories.UserFactory(role="agent", email="billing-agent@test.example")
    user.teams.add(other_team)
    return user


@pytest.fixture
def organization(db):
    return factories.OrganizationFactory(name="Acme", share_tickets=True)


@pytest.fixture
def private_organization(db):
    return factories.OrganizationFactory(name="Initech", share_tickets=False)


@pytest.fixture
def other_organization(db):
    return factories.OrganizationFactory(name="Globex")


@pytest.fixture
def customer(db, organization):
    return factories.ContactFactory(organization=organization, email="carla@acme.test", with_login=True).user


@pytest.fixture
def colleague(db, organization):
    """Another contact of the customer's organization (which shares tickets)."""
    return factories.ContactFactory(organization=organization, email="bob@acme.test", with_login=True).user


@pytest.fixture
def private_customer(db, private_organization):
    return factories.ContactFactory(organization=private_organization, email="pat@initech.test", with_login=True).user


@pytest.fixture
def private_colleague(db, private_organization):
    """A contact of an organization that does NOT share tickets among its contacts."""
    return factories.ContactFactory(organization=private_organization, email="quinn@initech.test", with_login=True).user


@pytest.fixture
def other_customer(db, other_organization):
    return factories.ContactFactory(organization=other_organization, email="otto@globex.test", with_login=True).user


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def persona(request):
    """Resolve a persona fixture by name (for parametrized tests)."""

    def get(name: str):
        return request.getfixturevalue(name)

    return get


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(user)` to act as a persona."""
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def as_user():
    return api_as


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for the servers a test starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- A real Celery worker -------------------------------------------------------------------


def _worker_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log_path: Path, **env_overrides: str) -> subprocess.Popen:
    """Start a real `celery worker` process on the test database; waits until it is ready.

    `env_overrides` change its environment (another REDIS_URL, EMAIL_URL, ...).
    """
    env = dict(os.environ)
    env["DATABASE_URL"] = _worker_database_url()
    env["DJANGO_DEBUG"] = "1"
    env["CELERY_QUEUE"] = settings.CELERY_TASK_DEFAULT_QUEUE
    env.update(env_overrides)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("Celery worker did not start:\n" + log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    return process


def stop_worker(process: subprocess.Popen, *, kill: bool = False) -> None:
    """Stop a worker politely (SIGTERM), or abruptly (SIGKILL: a crash, mid-task)."""
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real `celery worker` process on the configured broker (Redis in CI), on the test database."""
    process = start_worker(tmp_path / "worker.log")
    yield process
    stop_worker(process)


def send_outbox_mail(*, template_prefix: str = "") -> int:
    """Send every unsent outbox mail (whose template starts with `template_prefix`) in this process,
    as the worker does; how many went out. Account mail, like all mail, is an outbox row first."""
    unsent = NotificationLog.objects.filter(
        sent_at__isnull=True, kind=NotificationLog.Kind.EMAIL, template__startswith=template_prefix
    )
    return sum(notification_send(notification_id=pk) for pk in unsent.order_by("pk").values_list("pk", flat=True))


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# --- A real SMTP server on loopback --------------------------------------------------------------


class _Sink:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((envelope, parsed))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd); `.messages` holds (envelope, parsed mail)."""
    from aiosmtpd.controller import Controller

    sink = _Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Django's SMTP backend pointed at the loopback server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


class FaultySmtp(_Sink):
    """A sink that misbehaves on purpose (the fault tests): `refuse` DATA with 451 while it is above
    zero (counting down), answer DATA only after `delay` seconds, call `on_data(envelope)` once a mail
    was stored (before the answer) and `on_quit()` when the client says QUIT. `attempts` counts every
    DATA it was offered, refused or not."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse = 0
        self.delay = 0.0
        self.on_data = None
        self.on_quit = None
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.attempts += 1
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
            if server.transport is None or server.transport.is_closing():
                return "421 The client went away"  # a client killed while waiting: nothing was taken
        answer = await super().handle_DATA(server, session, envelope)
        if self.on_data is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_data, envelope)
        return answer

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        if self.on_quit is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_quit)
        return "221 Bye"

    def by_message_id(self, message_id: str) -> list:
        with self.lock:
            return [mail for _envelope, mail in self.messages if mail["Message-ID"] == f"<{message_id}>"]


@pytest.fixture
def faulty_smtp():
    """A real SMTP server on 127.0.0.1 that can refuse, stall or act in the middle of a conversation."""
    from aiosmtpd.controller import Controller

    sink = FaultySmtp()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    sink.url = f"smtp://127.0.0.1:{port}"
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def faulty_smtp_settings(settings, faulty_smtp):
    """Django's SMTP backend (this process) pointed at the faulty server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", faulty_smtp.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 30
    return faulty_smtp
