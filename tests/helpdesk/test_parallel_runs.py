"""A parallel run (`make test`: pytest-xdist) gives each test process its own database, Redis database,
Celery queue and var/ folder, so that one process's `cache.clear()` (FLUSHDB on Redis) or Celery worker
never touches another's."""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import _worker_database_url
from tests.parallel import (
    check_redis_database,
    isolate_worker,
    pytest_xdist_node_collection_finished,
    redis_url_for_worker,
)


def test_each_parallel_worker_uses_the_next_redis_database_of_the_configured_url():
    assert redis_url_for_worker("redis://127.0.0.1:6379/1", 0) == "redis://127.0.0.1:6379/1"
    assert redis_url_for_worker("redis://127.0.0.1:6379/1", 2) == "redis://127.0.0.1:6379/3"
    assert redis_url_for_worker("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/1"
    assert (
        redis_url_for_worker("rediss://:secret@cache.internal:6380/13?ssl_cert_reqs=none", 1)
        == "rediss://:secret@cache.internal:6380/14?ssl_cert_reqs=none"
    )


def test_a_redis_url_without_a_database_number_in_its_path_is_refused_with_a_reason():
    with pytest.raises(pytest.UsageError, match="redis://"):
        redis_url_for_worker("unix:///run/redis.sock?db=1", 1)


def test_each_parallel_worker_gets_its_own_queue_and_var_folder():
    environ = {"REDIS_URL": "redis://127.0.0.1:6379/1", "CELERY_QUEUE": "helpdesk-test-42"}
    isolate_worker(environ, worker="gw1", default_var_dir=Path("/srv/helpdesk/var"))
    assert environ == {
        "REDIS_URL": "redis://127.0.0.1:6379/2",
        "CELERY_QUEUE": "helpdesk-test-42-gw1",
        "HELPDESK_VAR_DIR": "/srv/helpdesk/var/test-gw1",
    }


def test_without_redis_the_file_broker_and_cache_move_with_the_var_folder():
    environ = {"HELPDESK_VAR_DIR": "/tmp/hd"}
    isolate_worker(environ, worker="gw0", default_var_dir=Path("/unused"))
    assert environ == {"CELERY_QUEUE": "helpdesk-gw0", "HELPDESK_VAR_DIR": "/tmp/hd/test-gw0"}


def test_more_workers_than_redis_has_databases_are_refused_before_they_start():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    check_redis_database(settings.REDIS_URL)
    with pytest.raises(pytest.UsageError, match="run fewer processes"):
        check_redis_database(redis_url_for_worker(settings.REDIS_URL, 10_000))


def test_handing_out_tests_by_name_is_refused_when_schemathesis_cases_share_one_id():
    def node(mode):
        return SimpleNamespace(config=SimpleNamespace(getoption=lambda name: mode))

    repeated = ["tests/a.py::test_api_matches_its_schema"] * 3
    with pytest.raises(pytest.UsageError, match="--dist load or --dist worksteal"):
        pytest_xdist_node_collection_finished(node("loadgroup"), repeated)
    pytest_xdist_node_collection_finished(node("load"), repeated)
    pytest_xdist_node_collection_finished(node("loadfile"), ["tests/a.py::test_one", "tests/a.py::test_two"])


@pytest.mark.django_db
def test_this_test_process_and_the_celery_workers_it_starts_use_its_own_resources():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        pytest.skip("runs in a parallel run (make test, or pytest -n 2)")
    assert settings.CELERY_TASK_DEFAULT_QUEUE.endswith(f"-{worker}")
    assert settings.VAR_DIR.name == f"test-{worker}"
    if settings.REDIS_URL:  # the worker's own Redis database, for the cache and the broker alike
        assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    else:
        assert Path(settings.CACHES["default"]["LOCATION"]).parent == settings.VAR_DIR
        assert Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_relative_to(settings.VAR_DIR)
    # pytest-django suffixes the test database with the worker id; the Celery workers get that name
    assert connection.settings_dict["NAME"].endswith(f"_{worker}")
    assert _worker_database_url().endswith(f"_{worker}")
