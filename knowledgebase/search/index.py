"""The indexed side, written: an article's search columns, the vocabulary they add, and a rebuild of
every article after the analysis changes (a migration passes its historical models).
"""

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS

from helpdesk.text import cut_to_bytes
from knowledgebase.models import SearchTerm
from knowledgebase.search.query import indexed, search_vector

SEARCH_COLUMNS = ("search_title", "search_summary", "search_body")
MAX_TERM_CHARS = 100  # SearchTerm.term's length; longer stems are never looked up
# What the summary with tags and the body are indexed under, at most: PostgreSQL refuses a tsvector
# over 1 MB, and distinct short words take up to three times their text there (the title is short).
MAX_SUMMARY_BYTES = 40_000
MAX_BODY_BYTES = 240_000


def search_columns(*, title: str, summary: str, tag_names: Iterable[str], body_text: str) -> dict[str, str]:
    """What an article's search columns hold: its title, its summary and tags, its plain text, analysed."""
    return {
        "search_title": indexed(title)[:200],
        "search_summary": cut_to_bytes(indexed(" ".join([summary, *tag_names])), MAX_SUMMARY_BYTES),
        "search_body": cut_to_bytes(indexed(body_text), MAX_BODY_BYTES),
    }


def remember_terms(columns: Iterable[str], *, term_model=SearchTerm, using: str = DEFAULT_DB_ALIAS) -> None:
    """Add the stems of these search columns to the vocabulary that spelling corrections, joined and
    split words are looked up in (one INSERT per thousand new stems; known stems are skipped)."""
    terms = sorted({t for column in columns for t in column.split() if len(t) <= MAX_TERM_CHARS})
    term_model.objects.using(using).bulk_create(
        [term_model(term=t) for t in terms], ignore_conflicts=True, batch_size=1000
    )


def articles_reindex(*, article_model, term_model, connection, batch: int = 500) -> int:
    """Recompute the search columns, the vector (PostgreSQL) and the vocabulary of every article from
    its title, summary, tags and stored plain text, in batches by id. The models are arguments so a
    migration can pass its historical ones. Returns the number of articles reindexed."""
    manager = article_model.objects.using(connection.alias)
    done, last = 0, 0
    while True:
        rows = list(
            manager.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "title", "summary", "body_text")
            .prefetch_related("tags")[:batch]
        )
        if not rows:
            return done
        for article in rows:
            tag_names = [tag.name for tag in article.tags.all()]
            columns = search_columns(
                title=article.title, summary=article.summary, tag_names=tag_names, body_text=article.body_text
            )
            for name, value in columns.items():
                setattr(article, name, value)
        manager.bulk_update(rows, SEARCH_COLUMNS)
        if connection.vendor == "postgresql":
            manager.filter(pk__in=[article.pk for article in rows]).update(search_vector=search_vector())
        remember_terms(
            (getattr(article, name) for article in rows for name in SEARCH_COLUMNS),
            term_model=term_model,
            using=connection.alias,
        )
        last, done = rows[-1].pk, done + len(rows)
