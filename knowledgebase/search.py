"""Article search: ranked full text on PostgreSQL, a plain `contains` fallback on SQLite.

Both sides go through helpdesk.text: the stored columns hold normalize_text() of the article and
queries are split by search_terms(), so ي/ی, ك/ک, ZWNJ and diacritics never decide a match.
Terms only ever reach SQL as parameters; search_terms() keeps word characters only, so a term can
hold no tsquery operator either.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.text import normalize_text, search_terms

CONFIG = "simple"
_START, _STOP = "\x02", "\x03"  # headline markers, replaced by <mark> after escaping
MIN_PREFIX = 2  # a one-letter prefix matches half the corpus; suggestions start at two
# Ranking reads every matching row; a query matching tens of thousands of articles is ranked among
# its first CANDIDATES matches so latency stays bounded (bench/kb.py). Narrower queries are exact.
CANDIDATES = 2000


@dataclass
class Hit:
    article: object
    snippet: SafeString


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_vector() -> SearchVector:
    """Title over summary over body, on the normalised columns."""
    return (
        SearchVector("search_title", weight="A", config=CONFIG)
        + SearchVector("search_summary", weight="B", config=CONFIG)
        + SearchVector("search_body", weight="C", config=CONFIG)
    )


def refresh_vectors(queryset: QuerySet) -> int:
    """Recompute the stored vector of these articles (PostgreSQL only; one UPDATE)."""
    if not uses_postgres():
        return 0
    return queryset.update(search_vector=search_vector())


def _tsquery(terms: list[str], *, prefix_last: bool, weights: str = "") -> SearchQuery:
    """`'a' & 'b':*` from terms that hold word characters only (search_terms), passed as a parameter.

    `weights` ("AB") restricts matches to the title and summary, as suggestions do.
    """
    parts = [f"'{t}'" + (":" + weights if weights else "") for t in terms]
    if prefix_last:
        parts[-1] = f"'{terms[-1]}':*{weights}"
    return SearchQuery(" & ".join(parts), search_type="raw", config=CONFIG)


def _candidates(queryset: QuerySet, tsquery: SearchQuery) -> QuerySet:
    return queryset.filter(pk__in=queryset.filter(search_vector=tsquery).order_by().values("pk")[:CANDIDATES])


def contains_filter(terms: list[str], columns=("search_title", "search_summary", "search_body")) -> Q:
    condition = Q()
    for term in terms:
        either = Q()
        for column in columns:
            either |= Q(**{f"{column}__contains": term})
        condition &= either
    return condition


def _contains_score(terms: list[str]):
    score = Value(0, output_field=IntegerField())
    for term in terms:
        for column, weight in (("search_title", 4), ("search_summary", 2), ("search_body", 1)):
            score = score + Case(
                When(**{f"{column}__contains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return score


def _marked(text: str) -> SafeString:
    """Escape everything, then turn the headline markers into <mark>: the snippet can hold no markup."""
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def python_snippet(text: str, terms: list[str], *, words: int = 30) -> SafeString:
    """A window of `text` around the first matching word, matches marked (the SQLite fallback)."""
    tokens = text.split()
    if not tokens:
        return mark_safe("")  # noqa: S308
    folded = [normalize_text(t) for t in tokens]
    first = next((i for i, w in enumerate(folded) if any(term in w for term in terms)), 0)
    start = max(0, first - words // 3)
    window = []
    for token, fold in zip(tokens[start : start + words], folded[start : start + words], strict=True):
        window.append(f"{_START}{token}{_STOP}" if any(term in fold for term in terms) else token)
    snippet = " ".join(window)
    if start > 0:
        snippet = "… " + snippet
    if start + words < len(tokens):
        snippet += " …"
    return _marked(snippet)


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """Only the articles matching every word of `query` (the last as a prefix); unranked."""
    terms = search_terms(query)
    if not terms:
        return queryset
    if uses_postgres():
        return queryset.filter(search_vector=_tsquery(terms, prefix_last=True))
    return queryset.filter(contains_filter(terms))


def article_search(queryset: QuerySet, query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """Ranked hits among `queryset` (already scoped to the reader), each with a highlighted snippet."""
    terms = search_terms(query)
    if not terms:
        return []
    if uses_postgres():
        tsquery = _tsquery(terms, prefix_last=False)
        rows = (
            _candidates(queryset, tsquery)
            .annotate(
                rank=SearchRank(F("search_vector"), tsquery),
                headline=SearchHeadline(
                    "body_text",
                    tsquery,
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-updated_at", "id")[offset : offset + limit]
        )
        return [Hit(article=a, snippet=_marked(a.headline)) for a in rows]
    rows = (
        queryset.filter(contains_filter(terms))
        .annotate(score=_contains_score(terms))
        .order_by("-score", "-updated_at", "id")[offset : offset + limit]
    )
    return [Hit(article=a, snippet=python_snippet(a.body_text, terms)) for a in rows]


def article_suggest(queryset: QuerySet, query: str, *, limit: int = 5) -> QuerySet | list:
    """As-you-type matches in titles and summaries: every word, the last one as a prefix; best first."""
    terms = search_terms(query)
    if not terms or (len(terms) == 1 and len(terms[0]) < MIN_PREFIX):
        return []
    if uses_postgres():
        tsquery = _tsquery(terms, prefix_last=True, weights="AB")
        return (
            _candidates(queryset, tsquery)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "-updated_at", "id")[:limit]
        )
    return (
        queryset.filter(contains_filter(terms, columns=("search_title", "search_summary")))
        .annotate(score=_contains_score(terms))
        .order_by("-score", "-updated_at", "id")[:limit]
    )
