"""Product feedback speed on a seeded PostgreSQL (see bench/seed.py): demand, the item page, the list.

    DATABASE_URL=postgres://... HELPDESK_VAR_DIR=/tmp/hd-bench python -m bench.feedback [--links 20000] [--runs 20]

Links the `--links` newest tickets to one bench item (rows written directly, as bench/seed.py does,
then removed again), and measures `feedback_demand` (two aggregate queries), the item page and the
feedback list through the Django test client, signed in as the first active agent.

Measured 2026-12-05 on the shared 2-core box (PostgreSQL 16, DEBUG off), 20,000 seeded tickets of
2,000 contacts in 200 organizations all linked to one item, 15 runs: feedback_demand median 70 ms
(2 queries), the item page 99 ms (9 queries), the feedback list 57 ms (7 queries).
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

from helpdesk.models import Role, User  # noqa: E402
from tickets.feedback import selectors  # noqa: E402
from tickets.models import FeedbackItem, FeedbackLink, Ticket  # noqa: E402


def timed(label: str, action, runs: int) -> None:
    action()  # warm-up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{label:<36} median {statistics.median(times):8.2f} ms   p95 {p95:8.2f} ms   queries {queries}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    agent = User.objects.filter(role__in=[Role.AGENT, Role.ADMIN], is_active=True).order_by("pk").first()
    item = FeedbackItem.objects.create(title="bench: demand", created_by=agent)
    try:
        ids = list(Ticket.objects.order_by("-pk").values_list("pk", flat=True)[: args.links])
        FeedbackLink.objects.bulk_create([FeedbackLink(item=item, ticket_id=pk) for pk in ids], batch_size=5000)
        print(f"{len(ids)} tickets linked; {args.runs} runs each\n")
        demand = selectors.feedback_demand(item=item)
        print(
            f"demand: {demand.customers} customers, {demand.organizations} organizations, {len(demand.contracts)} contracts\n"
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(agent)
        timed("feedback_demand", lambda: selectors.feedback_demand(item=item), args.runs)
        timed("item page (/agent/feedback/<id>/)", lambda: client.get(f"/agent/feedback/{item.pk}/"), args.runs)
        timed("list page (/agent/feedback/)", lambda: client.get("/agent/feedback/"), args.runs)
    finally:
        item.delete()


if __name__ == "__main__":
    main()
