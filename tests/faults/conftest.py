"""Real faults for the tests under tests/faults: a Redis server of the test's own that it can kill,
and a TCP proxy in front of PostgreSQL that it can make stop answering or cut.

No mocks: the code under test talks to these over real sockets. The Celery app and the cache are
pointed at the test's Redis through settings (the app reads CELERY_* from Django's settings), and the
app's broker connection pool is dropped so the next hand-off connects anew.
"""

import select
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from helpdesk.celery import app as celery_app
from tests.conftest import free_port


class RedisServer:
    """A `redis-server` process on a free loopback port, no persistence; `kill()` makes Redis "down"."""

    def __init__(self, tmp_path) -> None:
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _reset_broker_pool() -> None:
    """Forget the app's broker connection pools, so the next hand-off uses the configured URL (kombu
    keeps one pool per URL for the process: closing one would break the next test on that URL)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_for_app(settings, redis_server):
    """The broker and the cache on the test's own Redis server (as production has them on REDIS_URL)."""
    settings.CELERY_BROKER_URL = redis_server.url(0)
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = dict(django_settings.HELPDESK_REDIS_BROKER_OPTIONS)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "helpdesk.cache.RedisCache",
            "LOCATION": redis_server.url(1),
            "OPTIONS": dict(django_settings.HELPDESK_REDIS_CACHE_OPTIONS),
        },
    }
    _reset_broker_pool()
    yield redis_server
    _reset_broker_pool()


class TcpProxy:
    """A TCP forwarder on loopback in front of another address.

    `stall()`: the host stops answering (connections are accepted and bytes taken in, nothing is sent on,
    in either direction, as a host that vanished behind a firewall). `cut()`: every open connection is
    closed, as by a network failure; new ones are forwarded again.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stalled = threading.Event()
        self.closing = threading.Event()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self.closing.is_set():
            try:
                client, _addr = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        while self.stalled.is_set() and not self.closing.is_set():
            time.sleep(0.05)  # a stalled host never answers the connection's first bytes either
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        with self.lock:
            self.pairs.append((client, upstream))
        peers = {client: upstream, upstream: client}
        try:
            while not self.closing.is_set():
                if self.stalled.is_set():
                    time.sleep(0.05)
                    continue
                readable, _w, _x = select.select(list(peers), [], [], 0.1)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()

    def stall(self) -> None:
        self.stalled.set()

    def resume(self) -> None:
        self.stalled.clear()

    def cut(self) -> None:
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for client, upstream in pairs:
            for sock in (client, upstream):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.closing.set()
        self.cut()
        self.listener.close()


@pytest.fixture
def database_proxy(transactional_db):
    """Django's connection to the test database goes through a TcpProxy for the test's length."""
    if connection.vendor != "postgresql":
        pytest.skip("the database proxy needs PostgreSQL")
    params = connection.settings_dict
    saved = (params["HOST"], params["PORT"])
    proxy = TcpProxy(params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432))
    connection.close()
    params["HOST"], params["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        proxy.resume()
        connection.close()
        params["HOST"], params["PORT"] = saved
        proxy.close()


def run_bounded(call, *, seconds: float, unstick):
    """Run `call()` in a thread for at most `seconds`; if it is still running then (a hang: the fault
    reproduced), `unstick()` lets it finish. Returns (hung, elapsed seconds, result or exception)."""
    outcome: dict = {}

    def target() -> None:
        started = time.monotonic()
        try:
            outcome["result"] = call()
        except Exception as exc:
            outcome["result"] = exc
        finally:
            outcome["elapsed"] = time.monotonic() - started
            connections.close_all()  # this thread's own database connection

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    hung = thread.is_alive()
    if hung:
        unstick()
        thread.join(120)
    return hung, outcome.get("elapsed"), outcome.get("result")
