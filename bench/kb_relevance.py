"""Knowledge-base relevance: hit@1, hit@3 and MRR per language over bench/kb_relevance_data.py.

    DJANGO_DEBUG=1 .venv/bin/python -m bench.kb_relevance             # SQLite (embedded default)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk DJANGO_DEBUG=1 .venv/bin/python -m bench.kb_relevance

It creates its own throw-away test database, writes the articles through the services (published,
public, translations linked, the shipped starter synonyms from the migrations), asks every query as
an anonymous reader in the query's language, and prints the figures and every query whose answer is
not in the top three (`--misses`). Goal: hit@3 at least 0.9 in each language.
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")


@dataclass
class Result:
    query: str
    language: str
    expected: list[str]
    got: list[str]

    @property
    def rank(self) -> int | None:
        return next((i + 1 for i, slug in enumerate(self.got) if slug in self.expected), None)


def ensure_starter_synonyms() -> None:
    """The starter synonyms the migration ships (a test database may have been flushed since)."""
    import importlib

    from knowledgebase import search
    from knowledgebase.models import SynonymGroup

    if SynonymGroup.objects.exists():
        return
    migration = importlib.import_module("knowledgebase.migrations.0002_search_analysis_synonyms")
    SynonymGroup.objects.bulk_create(
        SynonymGroup(terms="\n".join(t.strip() for t in terms.split(",")), note=note)
        for terms, note in migration.STARTER_SYNONYMS
    )
    search.synonyms_changed()


def load_articles(author) -> None:
    """The relevance set's articles, published and public, with translations linked."""
    from bench.kb_relevance_data import ARTICLES
    from knowledgebase import services
    from knowledgebase.models import Article

    for slug, language, _original, title, summary, tags, body in ARTICLES:
        article = services.article_create(
            author=author,
            title=title,
            summary=summary,
            body=body,
            language=language,
            slug=slug,
            tags=[t.strip() for t in tags.replace("،", ",").split(",") if t.strip()],
        )
        services.article_submit_for_review(article=article, actor=author)
        services.article_publish(article=article, actor=author)
    for slug, _language, original, *_rest in ARTICLES:
        if original:
            services.article_update(
                article=Article.objects.get(slug=slug), actor=author, translation=Article.objects.get(slug=original)
            )


def evaluate(*, limit: int = 10) -> list[Result]:
    """Every query of the set, asked by an anonymous reader whose interface is in the query's language."""
    from django.contrib.auth.models import AnonymousUser

    from bench.kb_relevance_data import QUERIES
    from knowledgebase import selectors

    results = []
    for query, language, expected in QUERIES:
        hits = selectors.article_search_for(user=AnonymousUser(), query=query, prefer_language=language, limit=limit)
        results.append(Result(query, language, expected, [h.article.slug for h in hits]))
    return results


def scores(results: list[Result]) -> dict[str, dict[str, float]]:
    """hit@1, hit@3 and MRR per language."""
    by_language: dict[str, dict[str, float]] = {}
    for language in sorted({r.language for r in results}):
        ranks = [r.rank for r in results if r.language == language]
        by_language[language] = {
            "queries": len(ranks),
            "hit@1": sum(1 for r in ranks if r == 1) / len(ranks),
            "hit@3": sum(1 for r in ranks if r and r <= 3) / len(ranks),
            "mrr": statistics.fmean(1 / r if r else 0 for r in ranks),
        }
    return by_language


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list the queries whose answer is not in the top 3")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from helpdesk.models import User

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        author = User.objects.create_user(email="bench-author@example.com", password=None, role="agent")
        started = time.perf_counter()
        ensure_starter_synonyms()
        load_articles(author)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        results = evaluate()
        asked = time.perf_counter() - started
        print(f"{connection.vendor}: articles loaded in {loaded:.1f} s; {len(results)} queries in {asked:.2f} s\n")
        for language, figures in scores(results).items():
            print(
                f"{language}: {figures['queries']:>3} queries  hit@1 {figures['hit@1']:.3f}  "
                f"hit@3 {figures['hit@3']:.3f}  MRR {figures['mrr']:.3f}"
            )
        if args.misses:
            print("\nnot in the top 3:")
            for r in results:
                if not r.rank or r.rank > 3:
                    print(f"  [{r.language}] {r.query!r}: expected {r.expected}, got {r.got[:3]} (rank {r.rank})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
