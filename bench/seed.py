"""Make a realistic data set of any size for the benchmarks (PostgreSQL).

    DATABASE_URL=postgres://... python bench/seed.py --tickets 100000
    DATABASE_URL=postgres://... python bench/seed.py --tickets 1000000 --messages 3

Organizations, contacts, teams and agents go through bulk_create; tickets, messages and events
are generated inside PostgreSQL with generate_series (minutes, not hours, for a million tickets).
Values are random (no accidental correlation between columns). Status mix: ~40 % open work (new/open/pending/on hold), the rest solved/closed. Words are drawn
from English and Persian vocabularies so search has something real to find. Safe to run on an
empty database only (it refuses when tickets exist, unless --append).
"""

import argparse
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
# Seeding a million tickets runs statements for minutes: no statement timeout for this process.
os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from customers.models import BusinessCalendar, Contact, Organization, Product, SlaPolicy, SlaTarget  # noqa: E402
from helpdesk.models import Role, Team, User  # noqa: E402
from tickets.models import Message, Ticket  # noqa: E402
from tickets.search import tickets_reindex  # noqa: E402

WORDS = [
    "invoice",
    "payment",
    "refund",
    "login",
    "password",
    "account",
    "locked",
    "backup",
    "restore",
    "server",
    "slow",
    "error",
    "timeout",
    "email",
    "bounce",
    "spam",
    "certificate",
    "renewal",
    "upgrade",
    "plan",
    "report",
    "export",
    "import",
    "printer",
    "network",
    "vpn",
    "فاکتور",
    "پرداخت",
    "بازپرداخت",
    "ورود",
    "گذرواژه",
    "حساب",
    "پشتیبان",
    "بازیابی",
    "کندی",
    "خطا",
    "ایمیل",
    "گواهی",
    "تمدید",
    "گزارش",
    "چاپگر",
    "شبکه",
]


def timed(label: str):
    class _T:
        def __enter__(self):
            self.start = time.perf_counter()

        def __exit__(self, *exc):
            print(f"  {label}: {time.perf_counter() - self.start:.1f} s", flush=True)

    return _T()


def seed_people(organizations: int, contacts_per_org: int, agents: int) -> None:
    teams = [Team(name=f"Bench team {i}", slug=f"bench-team-{i}") for i in range(8)]
    Team.objects.bulk_create(teams, ignore_conflicts=True)
    users = [User(email=f"bench-agent-{i}@bench.test", full_name=f"Agent {i}", role=Role.AGENT) for i in range(agents)]
    User.objects.bulk_create(users, ignore_conflicts=True)
    orgs = [Organization(name=f"Bench org {i}", share_tickets=i % 3 == 0) for i in range(organizations)]
    Organization.objects.bulk_create(orgs, ignore_conflicts=True, batch_size=2000)
    org_ids = list(Organization.objects.filter(name__startswith="Bench org").values_list("id", flat=True))
    contacts = [
        Contact(
            organization_id=org_id,
            email=f"c{org_id}-{j}@bench.test",
            full_name=f"Contact {org_id}-{j}",
            phone_digits=f"98912{org_id:05d}{j:02d}",
        )
        for org_id in org_ids
        for j in range(contacts_per_org)
    ]
    Contact.objects.bulk_create(contacts, ignore_conflicts=True, batch_size=5000)
    Product.objects.bulk_create(
        [Product(name=f"Bench product {i}", code=f"bench-{i}") for i in range(10)], ignore_conflicts=True
    )
    if not SlaPolicy.objects.filter(name="Bench 24/7").exists():
        calendar, _ = BusinessCalendar.objects.get_or_create(name="Bench 24/7", defaults={"always_open": True})
        policy = SlaPolicy.objects.create(name="Bench 24/7", calendar=calendar)
        for priority, first, resolution in [
            ("low", 480, 2880),
            ("normal", 240, 1440),
            ("high", 60, 480),
            ("urgent", 30, 240),
        ]:
            SlaTarget.objects.create(
                policy=policy, priority=priority, first_response_minutes=first, resolution_minutes=resolution
            )


def seed_tickets(count: int, messages: int, search: bool = True) -> None:
    words = "ARRAY[" + ",".join("'" + w + "'" for w in WORDS) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM customers_contact WHERE email LIKE '%%@bench.test'")
        cmin, cmax = cursor.fetchone()
        cursor.execute("SELECT array_agg(id) FROM helpdesk_team WHERE slug LIKE 'bench-team-%%'")
        teams = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id) FROM helpdesk_user WHERE email LIKE 'bench-agent-%%'")
        agents = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM customers_slapolicy WHERE name = 'Bench 24/7'")
        policy = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id) FROM customers_product WHERE code LIKE 'bench-%%'")
        products = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        base = cursor.fetchone()[0]
        with timed(f"{count} tickets"):
            cursor.execute(
                f"""
                INSERT INTO tickets_ticket (
                    subject, status, priority, type, channel, requester_id, organization_id, team_id, assignee_id,
                    sla_policy_id, cc_emails, created_at, updated_at, search_document, sla_state, escalation_level,
                    first_response_due_at, resolution_due_at, sla_next_check_at, sla_error, reply_to_email,
                    product_id, first_responded_at, solved_at)
                SELECT subj, st, pr, 'question', ch, c.id, c.organization_id, t, a, %s, '[]', cr, up,
                       ' ' || lower(replace(subj, ' #', ' ')),
                       CASE WHEN st IN ('solved','closed') THEN 'met' WHEN sla < 0.04 THEN 'breached'
                            WHEN sla < 0.1 THEN 'warning' ELSE 'ok' END, 0,
                       CASE WHEN st IN ('new','open') THEN up + interval '4 hours' END,
                       CASE WHEN st IN ('new','open','on_hold') THEN up + interval '1 day' END,
                       CASE WHEN st IN ('new','open') THEN up + interval '3 hours' END, '', '',
                       -- what the reports read (bench/reports.py): a product, a first answer on 90 %%,
                       -- a solved time on solved and closed tickets
                       prod, CASE WHEN sla > 0.1 THEN cr + sla * interval '8 hours' END,
                       CASE WHEN st IN ('solved','closed') THEN cr + sla * interval '3 days' END
                FROM (
                    SELECT g,
                        ({words})[1 + floor(random() * {len(WORDS)})::int] || ' '
                            || ({words})[1 + floor(random() * {len(WORDS)})::int] || ' '
                            || ({words})[1 + floor(random() * {len(WORDS)})::int] || ' #' || g AS subj,
                        (ARRAY['new','open','pending','on_hold','solved','solved','solved','closed','closed','closed'])[1 + floor(random() * 10)::int] AS st,
                        (ARRAY['low','normal','normal','high','urgent'])[1 + floor(random() * 5)::int] AS pr,
                        (ARRAY['portal','email','email','phone','api'])[1 + floor(random() * 5)::int] AS ch,
                        {cmin} + floor(random() * ({cmax} - {cmin} + 1))::bigint AS contact_id,
                        (%s::bigint[])[1 + floor(random() * array_length(%s::bigint[], 1))::int] AS t,
                        CASE WHEN random() < 0.25 THEN NULL
                             ELSE (%s::bigint[])[1 + floor(random() * array_length(%s::bigint[], 1))::int] END AS a,
                        (%s::bigint[])[1 + floor(random() * array_length(%s::bigint[], 1))::int] AS prod,
                        random() AS sla,  -- open tickets: 4 %% breached, 6 %% due soon (the home page's lists)
                        now() - random() * interval '720 days' AS cr,
                        now() - random() * interval '30 days' AS up
                    FROM generate_series(1::bigint, %s::bigint) AS g
                ) s JOIN customers_contact c ON c.id = s.contact_id
                """,
                [policy, teams, teams, agents, agents, products, products, count],
            )
        with timed(f"{count * messages} messages"):
            cursor.execute(
                f"""
                INSERT INTO tickets_message (ticket_id, author_user_id, author_contact_id, internal, body_html, body_text,
                    channel, created_at, email_message_id, email_in_reply_to, email_references, needs_review, notice)
                SELECT t.id,
                       CASE WHEN m %% 2 = 0 THEN t.assignee_id END,
                       CASE WHEN m %% 2 = 1 OR t.assignee_id IS NULL THEN t.requester_id END,
                       m %% 5 = 4,
                       '<p>' || t.subject || ' ' || ({words})[1 + (t.id * m) %% {len(WORDS)}] || '</p>',
                       t.subject || ' ' || ({words})[1 + (t.id * m) %% {len(WORDS)}],
                       t.channel, t.created_at + (m || ' hours')::interval, '', '', '', false, false
                FROM tickets_ticket t CROSS JOIN generate_series(1, %s) AS m
                WHERE t.id > %s
                """,
                [messages, base],
            )
        with timed("events"):
            cursor.execute(
                """
                INSERT INTO tickets_ticketevent (ticket_id, kind, field, old_value, new_value, public, data, created_at)
                SELECT id, 'created', '', '', '', true, '{}', created_at FROM tickets_ticket WHERE id > %s
                """,
                [base],
            )
        if not search:
            print("  search words: skipped (--no-search)")
        with timed("search words") if search else nullcontext():
            # Built by tickets.search as the app builds them (words, then stems; ~25 s per 100k tickets).
            if search:
                tickets_reindex(ticket_model=Ticket, message_model=Message, connection=connection, after=base)
        with timed("vacuum analyze"):
            # As autovacuum leaves a live database: statistics, and a visibility map that lets the
            # capped counts of the lists read their indexes alone (index-only scans).
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=3, help="messages per ticket")
    parser.add_argument("--organizations", type=int, default=2_000)
    parser.add_argument("--contacts-per-org", type=int, default=10)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--no-search", action="store_true", help="skip the search words (reports need none)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/seed.py needs PostgreSQL: set DATABASE_URL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        existing = cursor.fetchone()[0]
    if existing and not args.append:
        sys.exit(f"{existing} tickets exist already; pass --append to add more")
    started = time.perf_counter()
    with timed("people"):
        seed_people(args.organizations, args.contacts_per_org, args.agents)
    seed_tickets(args.tickets, args.messages, search=not args.no_search)
    print(f"seeded {args.tickets} tickets in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
