"""Satisfaction on a seeded PostgreSQL (see bench/seed.py): the survey sweep's query and a whole
sweep, the ratings list page of the API, and the roll-up in each grouping.

    DATABASE_URL=postgres://... HELPDESK_VAR_DIR=/tmp/hd-bench python -m bench.satisfaction [--due 2000]

First (once, idempotent) it gives the seeded solved/closed tickets a `solved_at` spread over the past
year and ratings to 40 % of them (random scores, skewed to good), as bench/seed.py leaves both out.
Then: EXPLAIN ANALYZE of `surveys_due` (one batch), a whole sweep over `--due` tickets made due
(timed, then rolled back so the run repeats), the roll-up per group over every rating (median of
5), and `/api/v1/ratings/` pages of 50 and 200 (median of 10, queries).
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.production import django_setup  # noqa: E402

django_setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from helpdesk.models import User  # noqa: E402
from tickets.satisfaction import stats, surveys  # noqa: E402


def prepare() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET solved_at = now() - (random() * interval '365 days') "
            "WHERE status IN ('solved', 'closed') AND solved_at IS NULL"
        )
        cursor.execute(
            """INSERT INTO tickets_satisfactionrating (ticket_id, contact_id, score, comment, created_at, updated_at)
               SELECT id, requester_id, (ARRAY[1,2,3,4,4,5,5,5])[1 + floor(random() * 8)::int], '',
                      solved_at + interval '1 day', solved_at + interval '1 day'
               FROM tickets_ticket t WHERE status IN ('solved', 'closed') AND random() < 0.4
               AND NOT EXISTS (SELECT 1 FROM tickets_satisfactionrating r WHERE r.ticket_id = t.id)"""
        )
        cursor.execute("ANALYZE tickets_ticket; ANALYZE tickets_satisfactionrating")
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE solved_at IS NOT NULL")
        solved = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_satisfactionrating")
        print(f"solved tickets: {solved}, ratings: {cursor.fetchone()[0]}")


def sweep(due: int) -> None:
    now = timezone.now()
    plan = surveys.surveys_due(now=now)[: surveys.BATCH].explain(analyze=True)
    print("EXPLAIN ANALYZE surveys_due (one batch):\n  " + plan.replace("\n", "\n  "))
    with transaction.atomic():
        with connection.cursor() as cursor:  # make `due` unrated tickets due now
            cursor.execute(
                """UPDATE tickets_ticket SET solved_at = %s WHERE id IN (
                   SELECT id FROM tickets_ticket t WHERE status IN ('solved', 'closed')
                   AND NOT EXISTS (SELECT 1 FROM tickets_satisfactionrating r WHERE r.ticket_id = t.id) LIMIT %s)""",
                [now - timedelta(hours=25), due],
            )
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            queued = surveys.survey_sweep(now=now)
            took = time.perf_counter() - started
        print(f"sweep: {queued} surveys queued in {took * 1000:.0f} ms, {len(captured)} queries")
        transaction.set_rollback(True)


def rollup() -> None:
    for group in stats.GROUPS:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            summary = stats.satisfaction_summary(group=group)
            times.append((time.perf_counter() - started) * 1000)
        print(f"roll-up by {group:<13} {len(summary.rows):>5} rows   median {statistics.median(times):7.1f} ms")


def ratings_api() -> None:
    client = APIClient()
    client.force_authenticate(User.objects.filter(role="agent", is_active=True).first())
    for size in (50, 200):
        url = f"/api/v1/ratings/?page_size={size}"
        times, queries = [], 0
        for _ in range(10):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                assert client.get(url, HTTP_HOST="localhost").status_code == 200
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        print(f"GET {url:<36} median {statistics.median(times):7.1f} ms   queries {queries}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--due", type=int, default=2000, help="tickets made due for the timed sweep")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/satisfaction.py needs PostgreSQL: set DATABASE_URL")
    prepare()
    sweep(args.due)
    rollup()
    ratings_api()


if __name__ == "__main__":
    main()
