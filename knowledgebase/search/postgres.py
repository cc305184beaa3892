"""Ranking on PostgreSQL: one indexed `search_vector @@ (c1 | c2 | ...)` query scored in SQL."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, Func, QuerySet

from knowledgebase.search.query import _START, _STOP, CONFIG, ORIGINAL, RELATED, Query

# --- PostgreSQL ---------------------------------------------------------------------------------


def _lexeme(s: str, *, weights: str) -> str:
    if s.endswith("*"):
        return f"'{s[:-1]}':*{weights}"
    return f"'{s}'" + (f":{weights}" if weights else "")


def _tsquery(forms, *, weights: str) -> str:
    """`(('a' & 'b') | ('c':*))` for these forms: any form, every stem of it."""
    return "(" + " | ".join("(" + " & ".join(_lexeme(s, weights=weights) for s in f) + ")" for f in forms) + ")"


def _raw(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="raw", config=CONFIG)


def _pg_ranked_ids(
    queryset: QuerySet, query: Query, *, weights: str, language: str | None, limit: int, offset: int = 0
) -> list[int]:
    """Ids of the matching articles among `queryset`, best first: the reader's language first, then
    the concepts matched (own words above related ones), then ts_rank, then the newest.

    Every match is ranked (no cut). Two things keep it fast at 50k articles (bench/kb.py): the
    stored vector is read once per row (a subquery de-toasts it; each `@@` would read it again),
    and the ranking goes in tiers: when the articles in the reader's language that match every
    concept (then all but one) fill the page, only those are ranked, since nothing matching fewer
    concepts or in another language could come before them. Otherwise every match is ranked.
    """
    concept_queries = [_tsquery(c.forms(), weights=weights) for c in query.concepts]
    if language:
        for tier in _tiers(concept_queries):
            ids = _pg_rank(
                queryset.filter(language=language),
                query,
                tier,
                weights=weights,
                language=language,
                limit=limit,
                offset=offset,
            )
            if len(ids) == limit:
                return ids
    return _pg_rank(
        queryset, query, " | ".join(concept_queries), weights=weights, language=language, limit=limit, offset=offset
    )


def _tiers(concept_queries: list[str]) -> list[str]:
    """tsqueries for "every concept" and "all but one" (when there are three or more)."""
    if len(concept_queries) < 2:
        return []
    tiers = [" & ".join(concept_queries)]
    if len(concept_queries) >= 3:
        tiers.append(
            " | ".join(
                "(" + " & ".join(q for j, q in enumerate(concept_queries) if j != skip) + ")"
                for skip in range(len(concept_queries))
            )
        )
    return tiers


def _pg_rank(queryset, query: Query, match: str, *, weights: str, language: str | None, limit: int, offset: int):
    candidates = (
        queryset.filter(search_vector=_raw(match))
        .order_by()
        # A copy built from the stored vector: read (de-toasted) once, then matched in memory.
        .annotate(
            v=Func(F("search_vector"), template="(%(expressions)s || ''::tsvector)", output_field=SearchVectorField())
        )
        .values("id", "language", "updated_at", "v")
    )
    inner, inner_params = candidates.query.sql_with_params()
    score_sql, score_params = [], []
    for concept in query.concepts:
        whens = ["WHEN v @@ %s::tsquery THEN %s"]
        score_params += [_tsquery(concept.own, weights=weights), ORIGINAL]
        if concept.related:
            whens.append("WHEN v @@ %s::tsquery THEN %s")
            score_params += [_tsquery(concept.related, weights=weights), RELATED]
        score_sql.append(f"(CASE {' '.join(whens)} ELSE 0 END)")
    language_sql = "(CASE WHEN language = %s THEN 1 ELSE 0 END) DESC, " if language else ""
    sql = (
        f"SELECT id FROM ({inner} OFFSET 0) AS candidates "  # noqa: S608 (parameters only; SQL from the ORM)
        f"ORDER BY {language_sql}({' + '.join(score_sql)}) DESC, ts_rank(v, %s::tsquery) DESC, "
        "updated_at DESC, id LIMIT %s OFFSET %s"
    )
    # ts_rank always against every form of every concept, so a tier ranks its rows as the whole would.
    anything = " | ".join(_tsquery(c.forms(), weights=weights) for c in query.concepts)
    params = [*inner_params, *([language] if language else []), *score_params, anything, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _pg_headline(query: Query) -> SearchHeadline:
    return SearchHeadline(
        "body_text",
        _raw(" | ".join(f"'{s}':*" for s in sorted(query.stems()))),
        config=CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
