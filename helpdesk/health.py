"""The checks behind `/healthz`, each bounded by HELPDESK_HEALTH_TIMEOUT, the broker's beside the others, so the
answer comes within that time (plus a little) whatever hangs.

- database (in the request's thread): a connection of its own (never the request's, which may be stuck on a host that stopped
  answering), connected and queried asynchronously against a deadline, with a server-side
  statement timeout as well.
- broker: a kombu connection with connect and socket timeouts.
- cache: Redis asked itself (the site's cache works on without it, see helpdesk.cache).
- workers (read by the view): the beat's heartbeat, run by a worker every minute, older than
  WORKER_STALE makes the site "degraded" (pages work; mail, SLA warnings and escalation wait).
"""

import logging
import select
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from kombu import Connection

logger = logging.getLogger(__name__)

# Five missed heartbeats (the beat sends one a minute): no worker, or no scheduler, is running.
WORKER_STALE = timedelta(minutes=5)


def _wait(conn, deadline: float) -> None:
    """Drive an asynchronous psycopg2 connection until its operation is done, or raise TimeoutError."""
    import psycopg2.extensions

    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer in time")
        if state == psycopg2.extensions.POLL_READ:
            select.select([conn.fileno()], [], [], left)
        elif state == psycopg2.extensions.POLL_WRITE:
            select.select([], [conn.fileno()], [], left)


def _postgresql_ping(timeout: float) -> None:
    import psycopg2

    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["connect_timeout"] = max(1, int(timeout))
    params["options"] = f"{params.get('options', '')} -c statement_timeout={int(timeout * 1000)}".strip()
    deadline = time.monotonic() + timeout
    conn = psycopg2.connect(async_=True, **params)
    try:
        _wait(conn, deadline)
        cursor = conn.cursor()
        cursor.execute("SELECT 1")
        _wait(conn, deadline)
        cursor.fetchone()
    finally:
        conn.close()


def check_database(timeout: float) -> str:
    try:
        if connections["default"].vendor == "postgresql":
            _postgresql_ping(timeout)
        else:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        logger.warning("healthz: database check failed: %s", exc)
        return "unavailable"
    return "ok"


def check_broker(timeout: float) -> str:
    url = settings.CELERY_BROKER_URL
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    try:
        if url.startswith("filesystem://"):
            folder = Path(options["data_folder_in"])
            if not folder.is_dir():
                raise OSError(f"{folder} is missing")
            return "ok"
        options = {**options, "socket_connect_timeout": timeout, "socket_timeout": timeout}
        with Connection(url, connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # any transport error means "down"
        logger.warning("healthz: broker check failed: %s", exc)
        return "unavailable"
    return "ok"


def check_cache() -> str:
    cache = caches["default"]
    try:
        if hasattr(cache, "health_check"):
            cache.health_check()
        else:
            cache.set("healthz", 1, timeout=10)
    except Exception as exc:  # any error means "down"
        logger.warning("healthz: cache check failed: %s", exc)
        return "unavailable"
    return "ok"


def run_checks() -> tuple[dict[str, str], dict[str, str]]:
    """(`checks`: what the site needs, `degraded`: what it works on without, only those not ok). The
    broker is asked in a thread of its own meanwhile (it uses no Django connection)."""
    timeout = settings.HELPDESK_HEALTH_TIMEOUT
    with ThreadPoolExecutor(max_workers=1) as pool:
        broker = pool.submit(check_broker, timeout)
        checks = {"database": check_database(timeout)}
        cache = check_cache()
        checks["broker"] = broker.result()
    degraded = {"cache": cache} if cache != "ok" else {}
    return checks, degraded
