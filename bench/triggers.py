"""What 200 active triggers add to a new ticket: median and p95 of running them for its `created` event.

    DATABASE_URL=postgres://... python -m bench.triggers [--triggers 200] [--runs 60] [--matching 0]

Needs a migrated database with at least one contact (e.g. after `manage.py load_demo`); everything it
makes is rolled back at the end. Each run opens a ticket (not timed), then times
`tickets.triggers.runner.triggers_run` for its `created` event, as tickets.triggers.hook calls it after
the commit: the version query, locking and reading the ticket (its tags and first message), matching
every trigger (keyword, channel, organization, product, priority, tags, status and language conditions
in both languages). Goal: under 5 ms with 200 triggers. `--matching K` makes K of them match every
ticket: then the time also holds what their actions write (events, tags, webhooks).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.production import django_setup  # noqa: E402

django_setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.routing import SUBJECTS, WORDS_EN, WORDS_FA, Rollback, summary  # noqa: E402
from customers.models import Contact, Organization, Product  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import EventKind, TicketEvent, Trigger  # noqa: E402
from tickets.triggers import runner  # noqa: E402

GOAL_MS = 5.0


def make_triggers(n: int, matching: int = 0) -> None:
    orgs = list(Organization.objects.values_list("pk", flat=True)[:5]) or None
    products = list(Product.objects.values_list("pk", flat=True)[:5]) or None
    rows = []
    for i in range(n):
        conditions: list[dict] = [
            {"field": "subject_keywords", "values": [f"{WORDS_EN[i % 10]}{i}", f"{WORDS_FA[i % 10]}{i}"]}
        ]
        if i % 2 == 0:
            conditions.insert(0, {"field": "status", "values": ["new", "open"]})
        if i % 3 == 0:
            conditions.append({"field": "channel", "values": ["email", "portal"]})
        if i % 4 == 0 and orgs:
            conditions.append({"field": "organization", "values": orgs})
        if i % 5 == 0 and products:
            conditions.append({"field": "product", "values": products})
        if i % 6 == 0:
            conditions.append({"field": "tags", "values": [f"t{i}"]})
        if i % 7 == 0:
            conditions.append({"field": "body_keywords", "values": [f"urgent{i}", f"فوری{i}"]})
        if i < matching:
            conditions = [{"field": "language", "values": ["fa", "en"]}]
        rows.append(
            Trigger(name=f"bench {i}", position=i, events=["created"], conditions=conditions, add_tags=[f"b{i}"])
        )
    Trigger.objects.bulk_create(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triggers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--matching", type=int, default=0, help="how many of the triggers match every ticket")
    args = parser.parse_args()
    contact = Contact.objects.select_related("organization").first()
    if contact is None:
        sys.exit("No contact: run manage.py load_demo first.")
    body = "Hello, since yesterday nothing works as it should. " * 20
    wall: list[float] = []
    cpu: list[float] = []

    counted: list[int] = []

    def one(i: int, count: bool = False) -> None:
        ticket = services.ticket_open(
            actor=None, requester=contact, subject=SUBJECTS[i % len(SUBJECTS)], body=body, channel="email"
        )
        event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)
        if count:
            with CaptureQueriesContext(connection) as queries:
                runner.triggers_run(event_id=event.pk, ticket_id=ticket.pk, name="created", depth=0)
            counted.append(len(queries))
            return
        started, started_cpu = time.perf_counter(), time.process_time()
        runner.triggers_run(event_id=event.pk, ticket_id=ticket.pk, name="created", depth=0)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)

    try:
        with transaction.atomic():
            Trigger.objects.all().delete()
            make_triggers(args.triggers, matching=args.matching)
            one(0)  # warm: compiles the triggers once
            wall.clear()
            cpu.clear()
            for i in range(args.runs):
                one(i)
            one(args.runs, count=True)
            raise Rollback
    except Rollback:
        pass
    print(f"{args.triggers} active triggers on `created` ({args.matching} matching every ticket), {args.runs} runs")
    summary(f"triggers for a new ticket, wall ({counted[0]} queries)", wall)
    summary("triggers for a new ticket, CPU time", cpu)
    added = statistics.median(wall)
    verdict = "met" if added < GOAL_MS else "MISSED"
    print(f"{'triggers added (median, wall)':<44} {added:7.2f} ms   goal < {GOAL_MS} ms: {verdict}")


if __name__ == "__main__":
    main()
