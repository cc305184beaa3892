"""Runs INSIDE the django-helpdesk virtualenv (bench/peer_venv.py), with the project of
bench/peer_project.py (DJANGO_SETTINGS_MODULE=peer_settings): fills django-helpdesk's tables as
bench/seed.py fills ours. People through its ORM (password hashes, its user settings), tickets and
follow-ups inside PostgreSQL with generate_series. Prints JSON: the agent's login and the two tickets.

    python bench/peer_seed.py --tickets 100000 --follow-ups 3
"""

import argparse
import json
import sys
import time

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from helpdesk.models import Queue  # noqa: E402

WORDS = "invoice payment refund login password account locked backup restore server slow error timeout email "
WORDS += "bounce spam certificate renewal upgrade plan report export import printer network vpn فاکتور پرداخت "
WORDS += "بازپرداخت ورود گذرواژه حساب پشتیبان بازیابی کندی خطا ایمیل گواهی تمدید گزارش چاپگر شبکه"
PASSWORD = "peer-bench-password"  # noqa: S105 - a benchmark login on a throwaway database


def people(agents: int) -> None:
    for i in range(8):
        Queue.objects.get_or_create(slug=f"bench-queue-{i}", defaults={"title": f"Bench queue {i}"})
    for i in range(agents):
        if not User.objects.filter(username=f"bench-agent-{i}").exists():
            User.objects.create_user(
                f"bench-agent-{i}",
                f"bench-agent-{i}@bench.test",
                PASSWORD if i == 0 else None,
                is_staff=True,
                first_name=f"Agent {i}",
            )


TICKETS = """
INSERT INTO helpdesk_ticket (title, created, modified, submitter_email, status, on_hold, description, resolution,
    priority, assigned_to_id, queue_id, secret_key)
SELECT subj, cr, up, 'c' || (1 + floor(random() * 20000)::int) || '@bench.test', st, false, subj || ' (description)',
       '', pr, a, q, gen_random_uuid()::text
FROM (
    SELECT w[1 + floor(random() * array_length(w, 1))::int] || ' ' || w[1 + floor(random() * array_length(w, 1))::int]
               || ' ' || w[1 + floor(random() * array_length(w, 1))::int] || ' #' || g AS subj,
           -- OPEN 1, REOPENED 2, RESOLVED 3, CLOSED 4: 40 %% open work, as bench/seed.py makes ours
           (ARRAY[1,1,1,2,3,3,3,4,4,4])[1 + floor(random() * 10)::int] AS st,
           1 + floor(random() * 5)::int AS pr,
           CASE WHEN random() < 0.25 THEN NULL ELSE agents[1 + floor(random() * array_length(agents, 1))::int] END AS a,
           queues[1 + floor(random() * array_length(queues, 1))::int] AS q,
           now() - random() * interval '720 days' AS cr, now() - random() * interval '30 days' AS up
    FROM generate_series(1, %(count)s) AS g,
         (SELECT string_to_array(%(words)s, ' ') AS w) words,
         (SELECT array_agg(id) AS agents FROM auth_user WHERE username LIKE 'bench-agent-%%') a,
         (SELECT array_agg(id) AS queues FROM helpdesk_queue WHERE slug LIKE 'bench-queue-%%') q
) s
"""

FOLLOW_UPS = """
INSERT INTO helpdesk_followup (ticket_id, date, title, comment, public, user_id, message_id)
SELECT t.id, t.created + (m || ' hours')::interval, 'Comment', t.title || ' (follow-up ' || m || ')',
       m %% 5 <> 4, CASE WHEN m %% 2 = 0 THEN t.assigned_to_id END, ''
FROM helpdesk_ticket t CROSS JOIN generate_series(%(first)s, %(last)s) AS m
WHERE t.id = ANY(%(ids)s) OR %(ids)s IS NULL
"""


def tickets(count: int, follow_ups: int) -> None:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(TICKETS, {"count": count, "words": WORDS})
        cursor.execute(FOLLOW_UPS, {"first": 1, "last": follow_ups, "ids": None})
        print(
            f"  {count} tickets, {count * follow_ups} follow-ups: {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )


def fixtures(follow_ups: int) -> dict:
    """Two open tickets of the agent: one as seeded, one given 30 follow-ups in all."""
    agent = User.objects.get(username="bench-agent-0")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title FROM helpdesk_ticket WHERE assigned_to_id = %s AND status = 1 ORDER BY id LIMIT 2",
            [agent.pk],
        )
        (small, small_title), (big, big_title) = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM helpdesk_followup WHERE ticket_id = %s", [big])
        if cursor.fetchone()[0] < 30:
            cursor.execute(FOLLOW_UPS, {"first": follow_ups + 1, "last": 30, "ids": [big]})
        cursor.execute("SELECT count(*) FROM helpdesk_ticket")
        total = cursor.fetchone()[0]
    return {
        "username": agent.username,
        "password": PASSWORD,
        "small": small,
        "small_title": small_title,
        "big": big,
        "big_title": big_title,
        "tickets": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--follow-ups", type=int, default=3)
    parser.add_argument("--agents", type=int, default=60)
    args = parser.parse_args()
    with transaction.atomic():
        people(args.agents)
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM helpdesk_ticket)")
            seeded = cursor.fetchone()[0]
        if not seeded:  # once: a second run measures what is there
            tickets(args.tickets, args.follow_ups)
        data = fixtures(args.follow_ups)
    if not seeded:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # statistics and visibility map, as autovacuum leaves them
    json.dump(data, sys.stdout)


if __name__ == "__main__":
    main()
