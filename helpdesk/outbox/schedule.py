"""When the outbox tries again: one attempt count and one backoff for every row, mail and webhook,
whoever retries it (the sweep; the Celery task never retries on its own), and how long a worker's
claim on a row lasts.

A failed attempt waits 1, 2, 4 ... minutes, at most 6 hours: MAX_ATTEMPTS attempts span about
38 hours, so a mail server or a receiver that is down for a day and a half loses nothing. A row
that has used them all is *failed*: it stays unsent, the admins are told (helpdesk.outbox.alerts)
and it can be retried from the admin.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

MAX_ATTEMPTS = 15
MAX_BACKOFF = timedelta(hours=6)
# A worker holds a row at most this long, renewals included (Celery's hard time limit is shorter).
CLAIM_HOLD_MAX = timedelta(minutes=10)
# The sweep leaves rows younger than this to the job queued when they were written.
SWEEP_GRACE = timedelta(seconds=30)
# An unsent row whose time to be sent passed this long ago is overdue (/healthz).
OVERDUE_AFTER = timedelta(minutes=5)


def claim_lease() -> timedelta:
    """How long a claim lasts unless its worker renews it (every third of it, while it sends): the
    mail of a worker that died goes out again with the first sweep after the lease ran out."""
    return timedelta(seconds=settings.HELPDESK_OUTBOX_CLAIM_LEASE)


def unclaimed(now: datetime) -> Q:
    """Rows no worker holds at `now`: never claimed, let go, or a lease that ran out (its worker died)."""
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease())


def retry_backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def total_retry_span() -> timedelta:
    """From the first failure to the last attempt: how long an outage the outbox rides out."""
    return sum((retry_backoff(attempt) for attempt in range(1, MAX_ATTEMPTS)), timedelta(0))
