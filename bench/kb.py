"""Knowledge-base search benchmark: 50k articles, suggest and search latency on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk DJANGO_DEBUG=1 .venv/bin/python bench/kb.py

It creates its own throw-away test database (test_<name>), fills it, measures, prints median, p95,
query count and the EXPLAIN ANALYZE of the search query, then drops the database (`--keep` keeps it).
Target: median under 20 ms for suggest and search. The editor's article picker (titles only, any
language, as an agent) is measured the same way.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

_EN = (
    "install installer update upgrade printer scanner network proxy firewall router wifi vpn password reset "
    "login account invoice billing payment refund card subscription plan license email notification spam "
    "sync error timeout connection server client desktop mobile android iphone windows macos linux backup "
    "restore export import report dashboard calendar contact team member role permission admin setting "
    "language timezone upload attachment file folder share link api token webhook integration slack "
    "crash freeze slow memory disk cache browser cookie certificate ssl domain dns mailbox outlook gmail "
    "keyboard shortcut search filter tag label project task deadline reminder template signature"
)
_FA = (
    "نصب بروزرسانی چاپگر شبکه پروکسی دیوار آتش رمز عبور ورود حساب فاکتور صورتحساب پرداخت بازپرداخت کارت "
    "اشتراک مجوز ایمیل اعلان هرزنامه همگام سازی خطا اتصال سرور برنامه دسکتاپ موبایل پشتیبان گزارش تقویم "
    "تیم نقش دسترسی تنظیمات زبان فایل پوشه پیوند کند حافظه مرورگر گواهی دامنه صندوق جستجو برچسب پروژه"
)
_FILLER = "the a to of and in for with on your is it you this that when how what can not from"
EN_WORDS, FA_WORDS, FILLER = _EN.split(), _FA.split(), _FILLER.split()


_SYLLABLES = "ka lo mi ne ta ro su vi de ba po le ri ga fu zo ke ni sa tu"
SYLLABLES = _SYLLABLES.split()


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """Pseudo-words standing for the long tail of a real KB's vocabulary."""
    words = set()
    while len(words) < size:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


def _text(rng, topic: list[str], tail: list[str], tail_cum: list[float], n: int, filler: list[str]) -> str:
    """Words of a topic (a few domain words), a Zipf-distributed long tail and some filler."""
    tail_words = iter(rng.choices(tail, cum_weights=tail_cum, k=n))
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.15:
            out.append(rng.choice(topic))
        elif roll < 0.55 or not filler:
            out.append(next(tail_words))
        else:
            out.append(rng.choice(filler))
    return " ".join(out)


def generate(count: int, *, seed: int = 7) -> None:
    from knowledgebase import search
    from knowledgebase.models import Article, Category, SearchTerm, Status, Visibility

    rng = random.Random(seed)
    categories = [Category.objects.create(name=f"Category {i}", slug=f"bench-{i}", order=i) for i in range(20)]
    now = timezone.now()
    batch = []
    started = time.perf_counter()
    tail = _vocabulary(rng, 5000)
    tail_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tail))))
    for i in range(count):
        persian = rng.random() < 0.2
        domain = FA_WORDS if persian else EN_WORDS
        topic = rng.sample(domain, 4)  # each article is about a few things
        filler = [] if persian else FILLER
        title = " ".join(rng.sample(topic, 3) + [rng.choice(tail)])
        summary = _text(rng, topic, tail, tail_weights, rng.randint(8, 16), filler)
        body = _text(rng, topic, tail, tail_weights, rng.randint(80, 220), filler)
        batch.append(
            Article(
                title=title,
                slug=f"bench-{i}",
                summary=summary,
                body=body,
                body_html=f"<p>{body}</p>",
                body_text=body,
                search_title=search.indexed(title),
                search_summary=search.indexed(summary),
                search_body=search.indexed(body),
                category=rng.choice(categories),
                language="fa" if persian else "en",
                visibility=rng.choices(
                    [Visibility.PUBLIC, Visibility.CUSTOMERS, Visibility.INTERNAL], weights=[70, 20, 10]
                )[0],
                status=rng.choices([Status.PUBLISHED, Status.DRAFT, Status.ARCHIVED], weights=[85, 10, 5])[0],
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch = []
    if batch:
        Article.objects.bulk_create(batch)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    vocabulary = {
        word
        for column in Article.objects.values_list("search_title", "search_body")
        for text in column
        for word in text.split()
    }
    SearchTerm.objects.bulk_create([SearchTerm(term=t) for t in vocabulary], ignore_conflicts=True, batch_size=5000)
    search.refresh_vectors(Article.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE knowledgebase_article")
    print(f"generated {count} articles in {generated:.1f}s, vectors + analyze in {time.perf_counter() - started:.1f}s")


def measure(label: str, call, queries: list[str], runs: int) -> None:
    timings, counts = [], []
    for _ in range(runs):
        for query in queries:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                call(query)
                timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(ctx))
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{label:<28} n={len(timings):<5} median={statistics.median(timings):6.2f} ms  p95={p95:6.2f} ms  "
        f"max={timings[-1]:6.2f} ms  queries/call={max(counts)}"
    )


def explain(sql_source) -> None:
    with CaptureQueriesContext(connection) as ctx:
        sql_source()
    sql = next(q["sql"] for q in ctx.captured_queries if "ts_rank" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark targets PostgreSQL: set DATABASE_URL=postgres://...")

    from django.contrib.auth.models import AnonymousUser

    from helpdesk.models import Role, User
    from knowledgebase import pickers, selectors

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        generate(args.articles)
        reader = AnonymousUser()
        search_queries = [
            "install printer",
            "invoice",
            "password reset",
            "sync error",
            "رمز عبور",
            "پرداخت",
            "how do I reset my password",
            "pasword",
            "printer not working after update",
        ]
        suggest_queries = ["inst", "printer sca", "inv", "password re", "پردا", "همگام س", "how do i res"]

        def do_search(q):
            return list(selectors.article_search_for(user=reader, query=q, limit=20))

        def do_suggest(q):
            return list(selectors.article_suggestions_for(user=reader, query=q, limit=5))

        author = User(email="bench@example.com", role=Role.AGENT)

        def do_pick(q):
            return pickers.article_pick_for(user=author, query=q, page_size=8)[0]

        for q in search_queries[:1] + suggest_queries[:1]:  # warm the cache
            do_search(q)
            do_suggest(q)
            do_pick(q)
        print(f"\n{args.articles} articles, {args.runs} runs × {len(search_queries)} queries each\n")
        measure("search (ranked + snippets)", do_search, search_queries, args.runs)
        measure("suggest (prefix)", do_suggest, suggest_queries, args.runs)
        measure("editor's article picker (titles)", do_pick, suggest_queries, args.runs)
        print("\nEXPLAIN ANALYZE of the search query ('install printer'):")
        explain(lambda: do_search("install printer"))
        print("\nEXPLAIN ANALYZE of the suggest query ('printer sca'):")
        explain(lambda: do_suggest("printer sca"))
        print("\nEXPLAIN ANALYZE of the picker query ('printer sca'):")
        explain(lambda: do_pick("printer sca"))
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
