"""API speed on a seeded PostgreSQL (see bench/seed.py): median and p95 per call, with query counts.

    DATABASE_URL=postgres://... python bench/api.py [--runs 50]

Measures, through the whole Django stack in-process (middleware, token auth, DRF, serializers):
the ticket list (50 rows, filtered by status and team, ordered by last update), one ticket and
its 30 messages, ticket creation, and search; the list's rendering alone, as the API does it
(hand-built dicts, tickets.output) and through DRF's fields (the choice documented there); and in
the same run a floor: a trivial authenticated endpoint (GET /api/v1/auth/me/) plus the raw SQL
that fetches the same rows as the list.
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.test import APIClient, APIRequestFactory  # noqa: E402

from customers.models import Contact  # noqa: E402
from helpdesk.models import Role, Team, User  # noqa: E402
from helpdesk.services import api_token_create  # noqa: E402
from tickets import selectors, services  # noqa: E402
from tickets.api.serializers import TicketOutput  # noqa: E402
from tickets.models import Ticket  # noqa: E402


class RenderedByDrf(TicketOutput):
    """TicketOutput as DRF's own machinery renders its declared fields: what tickets.output's hand-built
    dicts save (the same output: tests/tickets/test_api_output.py)."""

    to_representation = serializers.Serializer.to_representation


def measure(cases: list[tuple[str, object]], runs: int) -> list[dict]:
    """Median and p95 of each call, in rounds: every round runs each call once, so a slow spell of
    the machine falls on all of them alike and the ratios to the floor stay fair."""
    for _label, call in cases:
        call()  # warm-up
    times: dict[str, list[float]] = {label: [] for label, _call in cases}
    queries: dict[str, int] = {}
    for _ in range(runs):
        for label, call in cases:
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                call()
                times[label].append((time.perf_counter() - start) * 1000)
            queries[label] = len(captured)
    rows = []
    for label, _call in cases:
        series = sorted(times[label])
        row = {
            "label": label,
            "median_ms": statistics.median(series),
            "p95_ms": series[min(len(series) - 1, int(len(series) * 0.95))],
            "queries": queries[label],
        }
        print(f"{label:<48} median {row['median_ms']:8.2f} ms   p95 {row['p95_ms']:8.2f} ms   queries {queries[label]}")
        rows.append(row)
    return rows


def ok(response, status=200):
    if response.status_code != status:
        raise SystemExit(f"unexpected {response.status_code}: {response.content[:300]!r}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/api.py needs PostgreSQL: set DATABASE_URL")
    total = Ticket.objects.count()
    print(f"tickets in database: {total}")
    agent = User.objects.filter(role=Role.AGENT, email__startswith="bench-agent").first()
    if agent is None:
        sys.exit("seed first: python bench/seed.py")
    _token, key = api_token_create(user=agent, name="bench")
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    team = Team.objects.filter(slug__startswith="bench-team").first()
    contact = Contact.objects.filter(email__endswith="@bench.test").first()
    big = Ticket.objects.filter(subject="bench: thirty messages").first()
    if big is None:
        big = services.ticket_open(
            actor=agent, requester=contact, subject="bench: thirty messages", body="first", channel="api"
        )
        for i in range(29):
            services.ticket_reply(ticket=big, actor=agent, body=f"message {i}", internal=i % 3 == 0)

    list_url = f"/api/v1/tickets/?status=open&team={team.pk}&ordering=-updated_at&page_size=50"
    numbered = Ticket.objects.order_by("pk")[Ticket.objects.count() // 2]
    phone = "0" + contact.phone_digits[2:5] + " " + contact.phone_digits[5:8] + " " + contact.phone_digits[8:]

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT t.*, c.full_name, c.email, tm.name, u.full_name
                   FROM tickets_ticket t JOIN customers_contact c ON c.id = t.requester_id
                   LEFT JOIN helpdesk_team tm ON tm.id = t.team_id LEFT JOIN helpdesk_user u ON u.id = t.assignee_id
                   WHERE t.status = 'open' AND t.team_id = %s ORDER BY t.updated_at DESC, t.id DESC LIMIT 51""",
                [team.pk],
            )
            cursor.fetchall()

    # The list's 50 rows as its view hands them to the serializer, to time the rendering alone.
    rows = selectors.ticket_rows(
        selectors.ticket_list_for(user=agent, filters={"status": "open", "team": team.pk}, ordering="updated").values(
            *selectors.LIST_FIELDS
        )[:50],
        with_internal=True,
    )
    factory = APIRequestFactory(SERVER_NAME="localhost")

    def render_rows(output=TicketOutput):
        data = output(rows, many=True, context={"request": Request(factory.get(list_url))}).data
        assert len(data) == len(rows) == 50

    def create():
        body = {"subject": "Bench create", "body": "Created by the benchmark", "requester": contact.pk}
        ok(client.post("/api/v1/tickets/", body, format="json"), 201)

    cases = [
        ("floor: GET /api/v1/auth/me/", lambda: ok(client.get("/api/v1/auth/me/"))),
        ("floor: raw SQL for the same 50 list rows", raw_sql),
        ("list: 50 open tickets of a team by update", lambda: ok(client.get(list_url))),
        ("list: rendering its 50 rows alone (TicketOutput)", render_rows),
        ("list: rendering them through DRF's fields", lambda: render_rows(RenderedByDrf)),
        ("detail: GET /api/v1/tickets/{id}/", lambda: ok(client.get(f"/api/v1/tickets/{big.pk}/"))),
        (
            "detail: 30 messages of the ticket",
            lambda: ok(client.get(f"/api/v1/tickets/{big.pk}/messages/?page_size=50")),
        ),
        ("create: POST /api/v1/tickets/", create),
        ("search: ?q=invoice refund", lambda: ok(client.get("/api/v1/tickets/?q=invoice%20refund"))),
        (
            "search: ?q=فاکتور (Persian)",
            lambda: ok(client.get("/api/v1/tickets/?q=%D9%81%D8%A7%DA%A9%D8%AA%D9%88%D8%B1")),
        ),
        ("search: ?q=<requester email>", lambda: ok(client.get("/api/v1/tickets/", {"q": contact.email}))),
        ("search: ?q=<start of an email>", lambda: ok(client.get("/api/v1/tickets/", {"q": contact.email[:6]}))),
        ("search: ?q=#<number>", lambda: ok(client.get("/api/v1/tickets/", {"q": f"#{numbered.pk}"}))),
        ("search: ?q=<phone, national form>", lambda: ok(client.get("/api/v1/tickets/", {"q": phone}))),
        ("search: ?q=invoice 2026-114", lambda: ok(client.get("/api/v1/tickets/", {"q": "invoice 2026-114"}))),
        # Words that match by their stems or a synonym (tickets.search), not as typed:
        ("search: ?q=invoices refunds (stems)", lambda: ok(client.get("/api/v1/tickets/", {"q": "invoices refunds"}))),
        ("search: ?q=فاکتورها (Persian plural)", lambda: ok(client.get("/api/v1/tickets/", {"q": "فاکتورها"}))),
        ("search: ?q=passcode (synonym of password)", lambda: ok(client.get("/api/v1/tickets/", {"q": "passcode"}))),
    ]
    rows = measure(cases, args.runs)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM tickets_ticket WHERE status = 'open' AND team_id = %s "
            "ORDER BY updated_at DESC, id DESC LIMIT 51",
            [team.pk],
        )
        print("\nEXPLAIN list:\n  " + "\n  ".join(r[0] for r in cursor.fetchall()))
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM tickets_ticket WHERE search_vector @@ to_tsquery('simple', %s) "
            "ORDER BY updated_at DESC LIMIT 51",
            ["'invoice':* & 'refund':*"],
        )
        print("\nEXPLAIN search:\n  " + "\n  ".join(r[0] for r in cursor.fetchall()))
    floor = rows[0]["median_ms"] + rows[1]["median_ms"]
    print(f"\nfloor (auth/me + raw SQL) median: {floor:.2f} ms")
    for row in (row for row in rows if row["label"].startswith(("list: 50", "detail:"))):
        print(f"{row['label']:<48} {row['median_ms'] / floor:5.2f}× floor")
    Ticket.objects.filter(subject="Bench create").delete()


if __name__ == "__main__":
    main()
