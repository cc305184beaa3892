"""Agent ticket list speed on a seeded PostgreSQL (see bench/seed.py): median, p95, queries, plans.

    DATABASE_URL=postgres://... HELPDESK_VAR_DIR=/tmp/hd-bench python -m bench.agent_list [--runs 30]

(`-m`: bench/email.py would shadow the standard library's `email` if run as a script.)
Measures the whole page (middleware, session, selectors, template) through the Django test client,
signed in as bench-agent-0 (put into a bench team first), first page of 50 rows, for the built-in
views "all open" and "unassigned in my teams" and a filtered + sorted one (status open + team,
sorted by SLA due); then EXPLAIN ANALYZE of each page's row query.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.production import django_setup  # noqa: E402

django_setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from helpdesk.models import Team, User  # noqa: E402

GOAL_MS = 60.0


def measure(label: str, client: Client, url: str, runs: int) -> dict:
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times, queries, captured_sql = [], 0, []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries = len(captured)
        captured_sql = [q["sql"] for q in captured.captured_queries]
    times.sort()
    row = {
        "label": label,
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "queries": queries,
        "sql": captured_sql,
    }
    verdict = "ok" if row["median_ms"] < GOAL_MS else "SLOW"
    print(
        f"{label:<44} median {row['median_ms']:7.2f} ms   p95 {row['p95_ms']:7.2f} ms   "
        f"queries {queries:>2}   {verdict}",
        flush=True,
    )
    return row


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(line for (line,) in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on the seeded PostgreSQL database (DATABASE_URL=postgres://...).")

    agent = User.objects.get(email="bench-agent-0@bench.test")
    team = Team.objects.filter(slug="bench-team-0").first() or Team.objects.order_by("pk").first()
    agent.teams.add(team)
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)

    print(f"agent {agent.email}, team {team.name} (id {team.pk}); {args.runs} runs each, goal < {GOAL_MS:.0f} ms\n")
    cases = [
        ("all open", "/agent/tickets/?view=open"),
        ("unassigned in my teams", "/agent/tickets/?view=unassigned"),
        ("open + team, sorted by SLA due", f"/agent/tickets/?view=all&status=open&team={team.pk}&sort=due"),
    ]
    rows = [measure(label, client, url, args.runs) for label, url in cases]
    if args.no_explain:
        return
    for row in rows:
        main_sql = next(sql for sql in row["sql"] if "LIMIT 51" in sql)
        print(f"\n--- EXPLAIN ANALYZE: {row['label']} ---\n{main_sql}\n")
        print(explain(main_sql))


if __name__ == "__main__":
    main()
