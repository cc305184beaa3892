"""The sender's writes that must land: retried on a fresh database connection when the old one was
lost, and the claim's lease, renewed from a helper thread while a slow mail is being sent."""

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections
from django.utils import timezone

from helpdesk.outbox.models import NotificationLog
from helpdesk.outbox.schedule import CLAIM_HOLD_MAX, claim_lease

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Seconds between tries of a write whose connection was lost: about 15 s in all.
RETRY_DELAYS = (0.1, 0.5, 1.0, 2.0, 4.0, 8.0)


def durable(write: Callable[[], T]) -> T:
    """Run one autocommitted write; when the connection is lost (terminated, reset, timed out), open
    a new one and run it again. Inside a transaction the error is raised (the transaction is gone)."""
    for delay in RETRY_DELAYS:
        try:
            return write()
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block:
                raise
            logger.warning("outbox write failed (%s); retrying on a new connection in %.1f s", exc, delay)
            connection.close()
            time.sleep(delay)
    return write()


class ClaimLease:
    """While the block runs, keep renewing this worker's claim on the row (every third of the lease),
    as long as the claim is still the one it set; `current` is the claim's latest time."""

    def __init__(self, *, row_id: int, claimed_at: datetime) -> None:
        self.row_id = row_id
        self.current = claimed_at
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"outbox-lease-{row_id}", daemon=True)

    def __enter__(self) -> "ClaimLease":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        started = time.monotonic()
        every = claim_lease().total_seconds() / 3
        used_database = False
        try:
            while not self._stop.wait(every):
                if time.monotonic() - started > CLAIM_HOLD_MAX.total_seconds():
                    return  # held too long: let the sweep take it over
                used_database = True
                if not self._renew():
                    return
        finally:
            if used_database:
                connections.close_all()  # this thread's own connection

    def _renew(self) -> bool:
        """Move the claim on; False when it is no longer ours (finished, failed or taken over)."""
        renewed = timezone.now()
        try:
            changed = NotificationLog.objects.filter(
                pk=self.row_id, claimed_at=self.current, sent_at__isnull=True
            ).update(claimed_at=renewed)
        except DatabaseError as exc:
            logger.warning("could not renew the claim on outbox row %s: %s", self.row_id, exc)
            connection.close()
            return True  # try again at the next tick; the claim runs out by itself if we never can
        if changed:
            self.current = renewed
        return bool(changed)
