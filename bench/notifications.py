"""What the notification centre's live parts cost per agent: the bell's poll and the ticket page's
change check, per request and per agent per minute.

    DATABASE_URL=postgres://... HELPDESK_VAR_DIR=/tmp/hd-bench python -m bench.notifications [--rows 200000] [--runs 50]

Makes (once) `--rows` notifications spread over 200 bench agents, of which one, the measured agent,
has 2,000 (100 unread), and a ticket with 200 events; then measures through the Django test client
(the whole stack: middleware, session, templates; DEBUG off), signed in as that agent:

    bell poll           GET /agent/notifications/badge/    every 20 s on every agent page: 3 a minute
    ticket heartbeat    POST /agent/tickets/{id}/presence/ every 15 s on a ticket page: 4 a minute; it
                        existed before (presence); the change check adds one EXISTS to it, measured
                        alone as "change check query"
    list page / API     GET /agent/notifications/ and /api/v1/notifications/?unread=1 (on demand)

Measured 2026-12-05 on the shared 2-core box (PostgreSQL 16, DEBUG off, load average 6-13 from
other work), 200,000 notifications, 40-50 runs, medians of two runs: bell poll 8-14 ms (3 queries:
session, user, the capped COUNT on alert_recipient_unread_idx, 0.08 ms in EXPLAIN ANALYZE); ticket
heartbeat 14-20 ms (4 queries), of which the change check 1-4 ms (1 query); list page 51-62 ms
(3 queries), API unread list 42 ms (4 queries). Per agent per minute: 3 bell polls (9 queries,
25-42 ms) on any agent page, plus the 4 presence heartbeats a ticket page already sent, each now
with one more indexed EXISTS (4 queries, 4-17 ms a minute); 100 agents on ticket pages make
11.7 requests/s, 0.14-0.20 s of request time per second.
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
from django.utils import timezone  # noqa: E402

from customers.models import Contact  # noqa: E402
from helpdesk.models import Role, Team, User  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import Notification, NotificationKind, Ticket, TicketEvent  # noqa: E402
from tickets.workspace.timeline import changed_after  # noqa: E402

AGENTS = 200
MINE = 2000
MINE_UNREAD = 100


def timed(label: str, action, runs: int) -> tuple[float, int]:
    action()  # warm-up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{label:<28} median {median:8.2f} ms   p95 {p95:8.2f} ms   queries {queries}")
    return median, queries


def _fixtures(rows: int) -> tuple[User, Ticket]:
    team, _ = Team.objects.get_or_create(slug="bench-alerts", defaults={"name": "bench: alerts"})
    agents = list(User.objects.filter(email__startswith="bench-alert-").order_by("pk"))
    if len(agents) < AGENTS:
        User.objects.bulk_create(
            [
                User(email=f"bench-alert-{n}@bench.example", full_name=f"Bench agent {n}", role=Role.AGENT)
                for n in range(len(agents), AGENTS)
            ]
        )
        agents = list(User.objects.filter(email__startswith="bench-alert-").order_by("pk"))
    me = agents[0]
    me.teams.add(team)
    ticket = Ticket.objects.filter(subject="bench: alerts").first()
    if ticket is None:
        contact = Contact.objects.order_by("pk").first() or Contact.objects.create(
            email="bench-alerts@bench.example", full_name="Bench"
        )
        ticket = services.ticket_open(actor=me, requester=contact, subject="bench: alerts", body="first", team=team)
        for i in range(199):
            services.ticket_reply(ticket=ticket, actor=me, body=f"note {i}", internal=True)
    have = Notification.objects.filter(recipient__in=agents).count()
    if have < rows:
        now = timezone.now()
        batch = []
        for n in range(have, rows):
            recipient = me if n < MINE else agents[1 + n % (AGENTS - 1)]
            read = None if (recipient != me or n < MINE_UNREAD) and n % 7 else now
            batch.append(
                Notification(
                    recipient=recipient,
                    kind=NotificationKind.MENTION,
                    ticket=ticket,
                    actor=agents[1],
                    url=f"/agent/tickets/{ticket.pk}/",
                    created_at=now,
                    read_at=read,
                )
            )
            if len(batch) == 10000:
                Notification.objects.bulk_create(batch)
                batch = []
        Notification.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_notification")
    return me, ticket


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    me, ticket = _fixtures(args.rows)
    client = Client(HTTP_HOST="localhost")
    client.force_login(me)
    for path in ("/agent/notifications/badge/", "/agent/notifications/", "/api/v1/notifications/?unread=1"):
        assert client.get(path).status_code == 200, path
    last = TicketEvent.objects.filter(ticket=ticket).order_by("-pk").values_list("pk", flat=True).first() or 0
    print(
        f"{Notification.objects.count()} notifications; the agent has "
        f"{Notification.objects.filter(recipient=me).count()} "
        f"({Notification.objects.filter(recipient=me, read_at=None).count()} unread); {args.runs} runs each\n"
    )
    badge_ms, badge_q = timed("bell poll", lambda: client.get("/agent/notifications/badge/"), args.runs)
    url = f"/agent/tickets/{ticket.pk}/presence/"
    beat_ms, beat_q = timed("ticket heartbeat", lambda: client.post(url, {"after": last}), args.runs)
    check_ms, _ = timed("change check query", lambda: changed_after(user=me, ticket=ticket, event_id=last), args.runs)
    timed("list page (50)", lambda: client.get("/agent/notifications/"), args.runs)
    timed("API list unread (50)", lambda: client.get("/api/v1/notifications/?unread=1"), args.runs)
    print(
        "\nper agent per minute:"
        f"\n  any agent page: 3 bell polls = {3 * badge_q} queries, {3 * badge_ms:.1f} ms of server time"
        f"\n  on a ticket page, in addition: 4 heartbeats (existing) = {4 * beat_q} queries, {4 * beat_ms:.1f} ms;"
        f" the change check's share: 4 queries, {4 * check_ms:.1f} ms"
        f"\n  so 100 agents on ticket pages: {100 * (3 + 4) / 60:.1f} requests/s,"
        f" {100 * (3 * badge_ms + 4 * beat_ms) / 60_000:.3f} CPU-seconds/s of request time"
    )


if __name__ == "__main__":
    main()
