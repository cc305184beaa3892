"""What happens after a write has committed must not turn it into an error.

A saved write answers its success code, whatever comes after the commit:
- `enqueue_on_commit`: the hand-off of a job to the broker is best effort. The job's row (an outbox
  row) is already committed, so when the broker cannot take the job (Redis down), a warning is logged
  and the outbox sweep sends it later; nothing is lost, and the client is not told "error" for a
  write that was saved (a client retrying without an Idempotency-Key would write it twice).
- `read_after_commit`: reading the saved object back for the answer is retried once on a fresh
  connection when the connection was lost after the commit.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

BROKER_ERRORS = (KombuError, RedisError, OSError)


def enqueue_now(task: Any, *args: Any) -> bool:
    """Queue `task(*args)` with one try (no retries: the outbox sweep is the retry); False if the broker
    could not take it, which is logged and otherwise ignored."""
    try:
        task.apply_async(args=args, retry=False)
    except BROKER_ERRORS as exc:
        logger.warning("Broker hand-off of %s%r failed, left to the outbox sweep: %s", task.name, args, exc)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, using: str | None = None) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one), best effort."""
    transaction.on_commit(functools.partial(enqueue_now, task, *args), using=using)


def read_after_commit(read: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """`read()`, once more on a fresh connection if the connection was lost (never inside a transaction:
    there the write itself is not committed yet and the error must roll it back)."""
    try:
        return read()
    except (OperationalError, InterfaceError) as exc:
        connection = connections[using]
        if connection.in_atomic_block or (connection.connection is not None and connection.is_usable()):
            raise
        logger.warning("Database connection lost after a commit, reading back on a new one: %s", exc)
        connection.close()
        return read()
