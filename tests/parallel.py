"""How the suite runs in parallel (pytest-xdist, `make test`).

Each worker process gets its own Redis database, Celery queue and var/ folder.

Every test starts with `cache.clear()`, which on Redis is FLUSHDB: two workers on one Redis database
would wipe each other's throttle counters and broker queues. So worker gwN uses database n + N of the
configured REDIS_URL (redis://127.0.0.1:6379/1 gives gw0 database 1, gw1 database 2, ...), the queue
`<CELERY_QUEUE>-gwN`, and `<var>/test-gwN/` for the SQLite test database, the file cache and the file
broker. The Celery workers a test starts inherit these variables, so they share the test's database,
broker and queue. (pytest-django already gives each worker its own test database: test_<name>_gwN.)

Tests are handed out one by one (`--dist load` or `worksteal`). The modes that group tests by name
(loadscope, loadfile, loadgroup) would silently run only one of schemathesis's cases, which all share
one test id, so they are refused.

Loaded with `-p` (pyproject.toml) rather than from a conftest, because Django reads its settings from
the environment before pytest imports any conftest.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import MutableMapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


def redis_url_for_worker(url: str, index: int) -> str:
    """The same Redis server, database number + `index` (redis://h:p/1 → redis://h:p/3 for index 2)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise pytest.UsageError(f"REDIS_URL {url!r}: parallel tests need a redis:// or rediss:// URL")
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{database + index}"))


def isolate_worker(environ: MutableMapping[str, str], *, worker: str, default_var_dir: Path) -> None:
    """Point this test process's settings (and the processes it starts) at its own resources."""
    index = int(worker.removeprefix("gw"))
    if environ.get("REDIS_URL"):
        environ["REDIS_URL"] = redis_url_for_worker(environ["REDIS_URL"], index)
    environ["CELERY_QUEUE"] = f"{environ.get('CELERY_QUEUE') or 'helpdesk'}-{worker}"
    var_dir = Path(environ.get("HELPDESK_VAR_DIR") or default_var_dir)
    environ["HELPDESK_VAR_DIR"] = str(var_dir / f"test-{worker}")


def check_redis_database(url: str) -> None:
    """Refuse to start, saying why, when a worker's Redis database does not exist (16 by default)."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.ResponseError as error:  # DB index is out of range
        raise pytest.UsageError(
            f"REDIS_URL {url}: {error}. Each parallel test process uses the next Redis database: run fewer "
            "processes (make test PYTEST_WORKERS=...) or start from a lower database number."
        ) from error
    except redis.ConnectionError:
        pass  # a Redis that is down is the tests' to report


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    # tryfirst: before pytest-django's implementation of this hook imports the settings.
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # set by xdist in each worker process: gw0, gw1, ...
    if worker:
        isolate_worker(os.environ, worker=worker, default_var_dir=early_config.rootpath / "var")


def pytest_configure(config: pytest.Config) -> None:
    # In the process that starts the workers (a worker that cannot start ends the run without failing it).
    workers = config.getoption("numprocesses", default=None)
    if workers and not os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
        check_redis_database(redis_url_for_worker(os.environ["REDIS_URL"], workers - 1))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:
    mode = node.config.getoption("dist")
    if mode in ("loadscope", "loadfile", "loadgroup") and len(set(ids)) < len(ids):
        repeated = next(nodeid for nodeid, count in Counter(ids).items() if count > 1)
        raise pytest.UsageError(
            f"--dist {mode} would run only one of the tests that share an id ({repeated}, ...): "
            "use --dist load or --dist worksteal"
        )
