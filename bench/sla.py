"""The SLA sweep at scale (PostgreSQL, after bench/seed.py):

    DATABASE_URL=postgres://... python -m bench.sla [--due 2000]

Makes `--due` open tickets due for a check (the rest of the open tickets due later), runs one
sweep, and prints its wall time, its database time (sum of every query's duration), the number of
queries, and EXPLAIN ANALYZE of the queries that find due work, which must use the partial indexes.
The sweep really runs: warnings/breaches are computed from each ticket's messages and history.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.production import django_setup  # noqa: E402

django_setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from tickets.sla.escalation import sla_sweep  # noqa: E402


class DbTimer:
    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--due", type=int, default=2000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/sla.py needs PostgreSQL: set DATABASE_URL")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN ('new','open','pending','on_hold')) FROM tickets_ticket"
        )
        total, open_count = cursor.fetchone()
        print(f"tickets: {total}, open: {open_count}")
        # Every open ticket has a next check in the future; `--due` of them are due now.
        cursor.execute(
            "UPDATE tickets_ticket SET sla_next_check_at = CASE WHEN status IN ('new','open','pending','on_hold') "
            "THEN %s::timestamptz + interval '1 day' END, next_escalation_at = NULL "
            "WHERE sla_next_check_at IS NOT NULL OR next_escalation_at IS NOT NULL "
            "OR status IN ('new','open','pending','on_hold')",
            [now],
        )
        cursor.execute(
            "UPDATE tickets_ticket SET sla_next_check_at = %s::timestamptz - interval '1 minute' WHERE id IN ("
            "SELECT id FROM tickets_ticket WHERE status IN ('new','open') ORDER BY random() LIMIT %s)",
            [now, args.due],
        )
        # The resets above rewrite many rows: vacuum so this and later benchmarks (search, lists)
        # do not run on millions of dead tuples.
        cursor.execute("VACUUM ANALYZE tickets_ticket")
        for label, sql in [
            (
                "due checks",
                "SELECT id, sla_next_check_at FROM tickets_ticket WHERE sla_next_check_at <= %s ORDER BY sla_next_check_at LIMIT 2000",
            ),
            (
                "due escalations",
                "SELECT id, next_escalation_at FROM tickets_ticket WHERE next_escalation_at <= %s ORDER BY next_escalation_at LIMIT 2000",
            ),
            (
                "due referrals",
                "SELECT id FROM tickets_referral WHERE state = 'open' AND due_at IS NOT NULL AND escalated_at IS NULL AND due_at <= %s LIMIT 2000",
            ),
        ]:
            cursor.execute("EXPLAIN ANALYZE " + sql, [now])
            print(f"\nEXPLAIN {label}:\n  " + "\n  ".join(row[0] for row in cursor.fetchall()))
    timer = DbTimer()
    start = time.perf_counter()
    with connection.execute_wrapper(timer):
        result = sla_sweep(now=now)
    wall = time.perf_counter() - start
    print(f"\nsweep: {result}")
    print(
        f"wall {wall:.2f} s, database {timer.seconds:.2f} s over {timer.queries} queries "
        f"({timer.queries / max(result['checked'], 1):.1f} per ticket)"
    )


if __name__ == "__main__":
    main()
