"""Article search the way customers ask: stems, synonyms, typos, both languages, best first.

A query becomes a list of *concepts*, one per meaningful word (helpdesk.analysis: stop words out,
words stemmed) or per phrase that a synonym group names ("sign in", "رمز عبور"). Each concept
matches its own stems or, a little less, any alternative: the synonyms of its group, and for a word
no article uses, the closest words the articles do use (pg_trgm similarity over the vocabulary,
`SearchTerm`). An article matching more concepts ranks higher, so "forgot my password" finds
"Reset your password" without needing every word; among equals the title beats the summary and
tags, which beat the body. Results in the reader's language come first, and an article whose
linked translation is in the reader's language is shown as that translation.

PostgreSQL: one indexed `search_vector @@ (c1 | c2 | ...)` query scored in SQL. SQLite (the
embedded default): the same rules scored in Python over the stored stems.
Stems hold word characters only (helpdesk.analysis), and reach SQL as parameters.

`query` turns text into concepts (and holds the indexed side), `index` writes the indexed side,
`postgres` ranks in SQL, `sqlite` scores in Python; this module is what the selectors call.
"""

from django.db.models import QuerySet

from helpdesk.analysis import analyze, meaningful_words
from knowledgebase.search.index import SEARCH_COLUMNS, articles_reindex, remember_terms, search_columns
from knowledgebase.search.postgres import _pg_headline, _pg_rank, _pg_ranked_ids, _raw, _tsquery
from knowledgebase.search.query import (
    CONFIG,
    MAX_CONCEPTS,
    MIN_PREFIX,
    ORIGINAL,
    RELATED,
    Concept,
    Hit,
    Query,
    indexed,
    parse,
    refresh_vectors,
    search_vector,
    synonym_index,
    synonyms_changed,
    uses_postgres,
)
from knowledgebase.search.sqlite import _any_filter, _marked, _py_scored, python_snippet

# --- What the selectors call ---------------------------------------------------------------------

_ALL = ("search_title", "search_summary", "search_body")
_TITLE_AND_SUMMARY = ("search_title", "search_summary")


def query_key(query_text: str) -> str:
    """What a query means, for counting: its stems, sorted and once each ("" when nothing is searchable)."""
    return " ".join(sorted(set(analyze(query_text))))[:200]


def searchable(query_text: str) -> bool:
    """Whether `query_text` holds anything to search for yet (not only stop words or two letters)."""
    meaningful = meaningful_words(query_text)
    return bool(meaningful) and (len(meaningful) > 1 or len(meaningful[0]) >= MIN_PREFIX or meaningful[0].isdigit())


def matching(queryset: QuerySet, query_text: str) -> QuerySet:
    """Articles matching every concept of `query_text` (by its own words or related ones, the last word
    as a prefix): list filters narrow, in the list's own order."""
    query = parse(query_text, prefix_last=True)
    if not query:
        return queryset
    if uses_postgres():
        return queryset.filter(search_vector=_raw(" & ".join(_tsquery(c.forms(), weights="") for c in query.concepts)))
    for concept in query.concepts:
        queryset = queryset.filter(_any_filter(Query(concepts=[concept]), _ALL))
    return queryset


def article_search(
    queryset: QuerySet, query_text: str, *, language: str | None = None, limit: int = 20, offset: int = 0
) -> list[Hit]:
    """Ranked hits among `queryset` (already scoped to the reader), each with a highlighted snippet.

    `language` (the reader's) comes first; the others follow, and translations replace originals.
    """
    query = parse(query_text)
    if not query:
        return []
    if uses_postgres():
        ids = _pg_ranked_ids(queryset, query, weights="", language=language, limit=limit, offset=offset)
        rows = _in_order(queryset.filter(pk__in=ids).annotate(headline=_pg_headline(query)), ids)
        hits = [Hit(article=a, snippet=_marked(a.headline)) for a in rows]
    else:
        rows = _py_scored(queryset, query, columns=_ALL, language=language)[offset : offset + limit]
        hits = [Hit(article=a, snippet=python_snippet(a.body_text, query.stems())) for a in rows]
    return _in_language(hits, queryset, language, article_of=lambda hit: hit.article, replace=_hit_for)


def article_suggest(queryset: QuerySet, query_text: str, *, language: str | None = None, limit: int = 5) -> list:
    """As-you-type matches in titles, summaries and tags: the last word as a prefix; best first."""
    query = parse(query_text, prefix_last=True)
    if not query:
        return []
    if uses_postgres():
        ids = _pg_ranked_ids(queryset, query, weights="AB", language=language, limit=limit)
        items = _in_order(queryset.filter(pk__in=ids), ids)
    else:
        items = _py_scored(queryset, query, columns=_TITLE_AND_SUMMARY, language=language)[:limit]
    return _in_language(items, queryset, language, article_of=lambda item: item, replace=lambda _, a: a)


def article_pick(queryset: QuerySet, query_text: str, *, limit: int = 10, offset: int = 0) -> list:
    """Titles matching what an author types in a picker (the last word as a prefix), best first, in any
    language: the title's own words above related ones, then ts_rank, then the newest."""
    query = parse(query_text, prefix_last=True)
    if not query:
        return []
    if uses_postgres():
        ids = _pg_ranked_ids(queryset, query, weights="A", language=None, limit=limit, offset=offset)
        return _in_order(queryset.filter(pk__in=ids), ids)
    return _py_scored(queryset, query, columns=("search_title",), language=None)[offset : offset + limit]


def _in_order(queryset: QuerySet, ids: list[int]) -> list:
    by_id = {row.pk: row for row in queryset} if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]


def _hit_for(hit: Hit, translation) -> Hit:
    return Hit(article=translation, snippet=_marked(translation.summary))


def _in_language(items: list, queryset: QuerySet, language: str | None, *, article_of, replace) -> list:
    """Show an article's linked translation in the reader's language instead of it (one query, if any).

    The translation must be among what the reader may see (`queryset`); each article appears once.
    """
    wanted = {
        article_of(i).translation_id
        for i in items
        if language and article_of(i).language != language and article_of(i).translation_id
    }
    translations = {}
    if wanted:
        translations = {a.pk: a for a in queryset.filter(pk__in=wanted, language=language)}
    result, seen = [], set()
    for item in items:
        article = article_of(item)
        translation = translations.get(article.translation_id) if article.language != language else None
        if translation is not None:
            item, article = replace(item, translation), translation
        if article.pk not in seen:
            seen.add(article.pk)
            result.append(item)
    return result


__all__ = [
    "SEARCH_COLUMNS",
    "articles_reindex",
    "remember_terms",
    "search_columns",
    "CONFIG",
    "MAX_CONCEPTS",
    "MIN_PREFIX",
    "ORIGINAL",
    "RELATED",
    "Concept",
    "Hit",
    "Query",
    "indexed",
    "parse",
    "refresh_vectors",
    "search_vector",
    "synonym_index",
    "synonyms_changed",
    "uses_postgres",
    "python_snippet",
    "_pg_rank",
    "_pg_ranked_ids",
    "_tsquery",
    "article_search",
    "article_suggest",
    "article_pick",
    "matching",
    "query_key",
    "searchable",
]
