"""Report speed on a seeded PostgreSQL (see bench/seed.py): every registered report over 30 and 365 days.

    DATABASE_URL=postgres://... python bench/seed.py --tickets 1000000 --messages 2 --no-search
    DATABASE_URL=postgres://... HELPDESK_VAR_DIR=/tmp/hd-bench python -m bench.reports [--runs 5]

The seed gives tickets their product, first response and solved times; the first run adds the rest
the reports read, in SQL, once (`--prepare` again to redo): an SLA outcome event per answered ticket,
a reopen on 5 %, referrals on 2 % (answered 80 %), a survey on 80 % of solved tickets and a rating on a
quarter of those, a time entry on 40 % of assigned tickets, feedback links on 2 % and opportunities on 0.5 %,
20 categories on 2 in 3 tickets and 6 root causes on half the solved ones.
(`--no-search` on the seed skips the search words, which reports do not read.) Each report is then
timed as its page computes it (`report_run`, every query it runs) and as the page itself through the
Django test client, signed in as an agent.

Measured 2026-12-05 on the shared 2-core box while other work ran on it (load average 11-15, so
figures are high and noisy), PostgreSQL 16, DEBUG off, 1,000,000 tickets created over 720 days
(about 42,000 in 30 days), 2 runs each, median; compute = the report's queries, page = the whole page:

    range  report          compute   page        range  report          compute   page
    30 d   volume          1.4 s     1.6 s       365 d  volume          2.9 s     3.0 s
    30 d   response-times  0.9 s     2.1 s       365 d  response-times  5.1 s     3.7 s
    30 d   resolution      6.3 s     5.6 s       365 d  resolution     19.3 s    12.7 s
    30 d   sla             1.8 s     2.3 s       365 d  sla            10.3 s    11.1 s
    30 d   recurring       2.5 s     3.3 s       365 d  recurring       7.8 s     5.4 s
    30 d   referrals       0.04 s    0.3 s       365 d  referrals       0.07 s    0.1 s
    30 d   workload        1.5 s     1.7 s       365 d  workload        2.2 s     2.1 s
    30 d   feedback        0.06 s    0.2 s       365 d  feedback        0.6 s     0.6 s

Over 2 s at 30 days: `resolution` (first-contact resolution and reopens: a correlated reply count
and a reopen EXISTS per ticket, which PostgreSQL evaluates once per aggregate that names them) and
`recurring` (the LAG window sorts every ticket of the range plus N days). The tickets of a range are
spread over the whole heap (seeded in random creation order), so the range scan reads ~40,000 pages.
A year (about half the table) is over 2 s for every report that reads each ticket's events or
messages (`resolution`, `sla`, `recurring`, `response-times`). With JIT on, `resolution` at 30 days
took 9.2 s: reports run with `jit = off` (`base.report_settings`).

The summary (issue #15, tickets.reports.summary): `response-times`, `resolution` and `sla` read it;
each run first brings it up to date (`report_summary_refresh`, timed). Measured 2026-12-05 on 200,000
seeded tickets (`--messages 2 --no-search`), load average 10-15, the old code and this one run back to
back on the same data, compute p50 of 2 runs (the first fill of the summary: 51 s; a refresh: ~1 s):

    range  report          before    after       range  report          before    after
    30 d   response-times  0.18 s    0.18 s      365 d  response-times  1.5 s     1.4 s
    30 d   resolution      1.27 s    0.13 s      365 d  resolution      7.1 s     0.76 s
    30 d   sla             0.43 s    0.07 s      365 d  sla             4.1 s     0.88 s
    30 d   recurring       0.80 s    0.79 s      365 d  recurring       2.5 s     2.6 s  (not summarized)

response-times now computes four percentiles (business and clock) where it computed two.

Then (same data, migration 0040, load average 5-7, p50 of 3 runs; `--only response-times,recurring`):
`recurring` reads the summary in one statement (both windows over one scan of the narrow rows, where
it made two passes over the tickets and joined back by id), and median and p90 of each column are one
`percentile_cont(ARRAY[0.5, 0.9])` (response-times and sla). The old code (commit 4b3b78d) and this one
back to back; compute (and the page) in ms:

    range  report          before (page)        after (page)
    30 d   response-times    59-68  (89-108)      45-99  (82-96)
    30 d   recurring        230-246 (206-276)     57-97  (115-173)
    365 d  response-times   314-506 (483-704)    323-523 (297-431)
    365 d  recurring        580-688 (579-647)    338-376 (561-612)

The box's load moved between runs, so response-times' whole-report figures are noise; its four
percentile pairs alone (psql, 365 days, GROUP BY team over tickets_reportrow, 3 runs): eight
`percentile_cont(f)` 180-195 ms, four `percentile_cont(ARRAY[0.5, 0.9])` 147-148 ms.
At a year `recurring` spends ~100 ms scanning the summary and ~250 ms in its two sorts (EXPLAIN
ANALYZE); both grow with the rows, so about 1.5-2 s is expected at 1,000,000 tickets (not measured
here: no 1M data set on this box at the time).

Every report at 1,000,000 tickets (3M messages; `--prepare` adds 900k SLA events, 480k surveys and their
mails, 120k ratings, 300k time entries, 20k referrals), measured 2026-12-05 on the 2-core box with
nothing else running (load average 1.3-2.6), PostgreSQL 15, DEBUG off, median of 3 runs, after this
round (volume on the summary; workload and the backlog from indexes alone; reports sort and hash in
64 MB, HELPDESK_REPORT_WORK_MEM; satisfaction with the ticket filters). Compute / page in ms:

    report          30 days       365 days           report          30 days       365 days
    volume          424 / 427     943 / 960          referrals       7 / 27        12 / 31
    response-times  120 / 138     1181 / 1191        workload        272 / 301     913 / 932
    resolution      110 / 136     837 / 883          time            24 / 48       163 / 188
    sla             71 / 93       640 / 643          feedback        9 / 28        40 / 63
    recurring       152 / 189     1532 / 1544        satisfaction    258 / 268     1422 / 1602

Added later the same day, with the categories and root causes above on the tickets (the last round:
volume by category too, the time report's channel and category filters, the trends report), load
average 2.1-2.4, compute / page in ms: volume 676 / 695 at 30 days and 1,628 / 1,623 at a year (its
category pass ~0.7 s of it), recurring 205 / 229 and 1,472 / 1,512, trends 206 / 232 and 565 / 587,
time 18 / 45 and 191 / 210.

Every report answers a year at 1M tickets in under 2 s. Before this round, on the same data (load
average 5-6 from other work): workload 1,855 ms at 30 days and 3,476 ms at a year (its replies were a
merge join over the whole author index, then an on-disk sort of 380k rows by name), volume 2,353 ms a
year, recurring 4,075 ms a year (its window sorts spilled to disk), sla 2,367 ms a year.

Spam left out (migration 0056, tickets.reports.query.spam_out), measured 2026-12-07 on 200,000 seeded
tickets with 1 % (2,000) tagged spam, load average 7-8 (noisy), DEBUG on, median of 5 runs, the old code
and this one back to back, compute ms: workload 65 / 68 at 30 days and 349 / 422 at a year, trends
48 / 45 and 274 / 273, time 11 / 16 and 69 / 98, satisfaction 217 / 140 and 599 / 852, referrals and
feedback under 25 either way. EXPLAIN ANALYZE at a year: workload's solved tickets are an index-only scan
of ticket_solved_report_idx (which now carries the id; without it a parallel seq scan, 205 ms against
35 ms) hash-anti-joined to the 2,000 spam rows of tickets_ticket_tags; replies keep their index-only
scans; a summary read (30 days) still reads reportfact_created_idx, and today's live rows anti-join the
same 2,000 rows (34 ms with jit off). A refresh re-reading the 2,000 marked tickets: 2.8 s.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Product  # noqa: E402
from helpdesk.models import Role, User  # noqa: E402
from tickets.models import FeedbackItem  # noqa: E402
from tickets.reports import REPORTS, report_run  # noqa: E402
from tickets.reports.params import ReportForm  # noqa: E402
from tickets.reports.summary import report_summary_refresh  # noqa: E402

PREPARE = [
    (
        "SLA outcome events",
        """INSERT INTO tickets_ticketevent (ticket_id, kind, field, old_value, new_value, public, data, created_at)
           SELECT id, CASE WHEN random() < 0.85 THEN 'sla_met' ELSE 'sla_breached' END, 'first_response', '', '',
                  false, '{}', first_responded_at
           FROM tickets_ticket WHERE first_responded_at IS NOT NULL""",
    ),
    (
        "reopen events",
        """INSERT INTO tickets_ticketevent (ticket_id, kind, field, old_value, new_value, public, data, created_at)
           SELECT id, 'status_changed', 'status', 'solved', 'open', true, '{}', created_at + interval '1 day'
           FROM tickets_ticket WHERE id %% 20 = 0""",
    ),
    (
        "referrals",
        """INSERT INTO tickets_referral (ticket_id, from_team_id, to_team_id, note, handoff, state, answer,
               answered_at, due_at, created_at)
           SELECT t.id, t.team_id, (%(teams)s::bigint[])[1 + (t.id %% array_length(%(teams)s::bigint[], 1))::int],
                  'bench', false, CASE WHEN t.id %% 5 = 0 THEN 'open' ELSE 'answered' END, '',
                  CASE WHEN t.id %% 5 = 0 THEN NULL ELSE t.created_at + random() * interval '2 days' END,
                  t.created_at + interval '1 day', t.created_at
           FROM tickets_ticket t WHERE t.id %% 50 = 1""",
    ),
    (
        "categories and root causes",
        """INSERT INTO tickets_category (name, name_fa, is_active, position)
               SELECT 'Bench category ' || g, 'دسته ' || g, true, g FROM generate_series(1, 20) g;
           INSERT INTO tickets_rootcause (name, name_fa, is_active, position)
               SELECT 'Bench cause ' || g, 'علت ' || g, true, g FROM generate_series(1, 6) g""",
    ),
    (
        "tickets' categories (2 in 3) and solved tickets' root causes (1 in 2)",
        """UPDATE tickets_ticket t SET
               category_id = CASE WHEN t.id %% 3 <> 0 THEN (SELECT min(id) FROM tickets_category) + t.id %% 20 END,
               root_cause_id = CASE WHEN t.solved_at IS NOT NULL AND t.id %% 2 = 0
                                    THEN (SELECT min(id) FROM tickets_rootcause) + t.id %% 6 END""",
    ),
    (
        "the summary's categories",
        """UPDATE tickets_reportfact f SET category_id = t.category_id FROM tickets_ticket t
           WHERE t.id = f.ticket_id AND t.category_id IS NOT NULL""",
    ),
    (
        "survey mails",
        """INSERT INTO tickets_notificationlog (kind, key, recipient, template, context, created_at, sent_at,
               attempts, last_error, ticket_id, message_id, dropped, resends)
           SELECT 'email', 'bench-survey-' || id, 'bench@example.test', 'survey', '{}', solved_at + interval '1 day',
                  solved_at + interval '1 day 1 minute', 1, '', id, '', false, 0
           FROM tickets_ticket WHERE solved_at IS NOT NULL AND id %% 5 <> 0""",
    ),
    (
        "satisfaction surveys",
        """INSERT INTO tickets_satisfactionsurvey (ticket_id, solved_at, queued_at, notification_id)
           SELECT t.id, t.solved_at, n.created_at, n.id
           FROM tickets_notificationlog n JOIN tickets_ticket t ON t.id = n.ticket_id
           WHERE n.key LIKE 'bench-survey-%%'""",
    ),
    (
        "ratings",
        """INSERT INTO tickets_satisfactionrating (ticket_id, contact_id, score, comment, created_at, updated_at)
           SELECT ticket_id, NULL, 1 + floor(random() * 5)::int, '', queued_at + interval '2 hours',
                  queued_at + interval '2 hours'
           FROM tickets_satisfactionsurvey WHERE ticket_id %% 4 = 1""",
    ),
    (
        "time entries",
        """INSERT INTO tickets_timeentry (ticket_id, agent_id, activity_id, minutes, performed_on, note, created_at,
               updated_at)
           SELECT t.id, t.assignee_id, (SELECT min(id) FROM tickets_activitytype), 5 + t.id %% 90,
                  (t.created_at + interval '2 hours')::date, '', t.created_at, t.created_at
           FROM tickets_ticket t WHERE t.assignee_id IS NOT NULL AND t.id %% 5 IN (1, 2)""",
    ),
]


def prepare(agent: User, *, sql: bool = True) -> None:
    """Adds what the reports read beyond the seed (`sql=False`: only the feedback and opportunities)."""
    from helpdesk.models import Team
    from tickets.models import FeedbackItem, FeedbackLink, Opportunity

    products = list(Product.objects.filter(code__startswith="bench-").order_by("code").values_list("pk", flat=True))
    teams = list(Team.objects.filter(slug__startswith="bench-team-").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for label, statement in PREPARE if sql else []:
            start = time.perf_counter()
            cursor.execute(statement, {"products": products, "teams": teams})
            print(f"  {label}: {cursor.rowcount} rows, {time.perf_counter() - start:.1f} s", flush=True)
    items = FeedbackItem.objects.bulk_create(
        [FeedbackItem(title=f"Bench feedback {i}", product_id=products[i % 10], created_by=agent) for i in range(50)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, created_at, organization_id, product_id FROM tickets_ticket WHERE id %% 50 = %s", [7]
        )
        rows = cursor.fetchall()
    FeedbackLink.objects.bulk_create(
        [FeedbackLink(item=items[pk % 50], ticket_id=pk, created_at=at) for pk, at, _o, _p in rows], batch_size=5000
    )
    states = ["new", "contacted", "won", "lost"]
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                ticket_id=pk,
                organization_id=org,
                product_id=product,
                estimated_value=100 + pk % 900,
                state=states[pk % 4],
                created_at=at,
                updated_at=at,
            )
            for pk, at, org, product in rows[::4]
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed(action, runs: int) -> tuple[float, int]:
    action()  # warm-up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prepare", action="store_true", help="fill in the report data again")
    parser.add_argument("--only", default="", help="comma-separated report slugs (default: every report)")
    args = parser.parse_args()
    agent = User.objects.filter(role__in=[Role.AGENT, Role.ADMIN], is_active=True).order_by("pk").first()
    if args.prepare or not FeedbackItem.objects.filter(title="Bench feedback 0").exists():
        print("filling in report data", flush=True)
        prepare(agent)
    start = time.perf_counter()
    print(f"summary refreshed: {report_summary_refresh()} in {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        print(f"{cursor.fetchone()[0]} tickets; median of {args.runs} runs\n")
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)
    today = timezone.localdate()
    for days in (30, 365):
        query = {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}
        for slug, report in REPORTS.items():
            if args.only and slug not in args.only.split(","):
                continue
            form = ReportForm(dict(query), report=report)
            assert form.is_valid(), form.errors
            params = form.params(user=agent)
            compute_ms, compute_queries = timed(lambda r=report, p=params: report_run(r, p), args.runs)
            page_ms, page_queries = timed(lambda s=slug, q=query: client.get(f"/agent/reports/{s}/", q), args.runs)
            print(
                f"{days:>3} days  {slug:<15} compute {compute_ms:8.0f} ms ({compute_queries} queries)"
                f"   page {page_ms:8.0f} ms ({page_queries} queries)",
                flush=True,
            )


if __name__ == "__main__":
    main()
