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
"""

import difflib
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector, SearchVectorField
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Func, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.analysis import (
    STOP_STEMS,
    STOP_WORDS,
    analyze,
    analyzed_text,
    join_compounds,
    meaningful_words,
    stem,
    words,
)
from helpdesk.text import normalize_text

from .models import SearchTerm, SynonymGroup

CONFIG = "simple"
_START, _STOP = "\x02", "\x03"  # headline markers, replaced by <mark> after escaping
MIN_PREFIX = 3  # suggestions start at the third letter: fewer letters match half the corpus
MAX_CONCEPTS = 12  # a pasted description is searched by its first dozen meaningful words
MAX_CORRECTED = 3  # words per query looked up for spelling corrections
MIN_SIMILARITY = 0.4  # trigram similarity a spelling correction needs (PostgreSQL)
# A concept's score when its own words match / only a related form does. Matching one concept more
# always outweighs matching with own words rather than related ones (12 concepts × 1 < 100).
ORIGINAL, RELATED = 101, 100


@dataclass
class Hit:
    article: object
    snippet: SafeString


@dataclass(frozen=True)
class Concept:
    """One thing the searcher asked for: its own forms, and related ones that may stand for it.

    A form is a tuple of stems that must all match; a stem ending in "*" matches as a prefix (the
    word being typed). Own forms score ORIGINAL, related ones (synonyms, spelling corrections) RELATED.
    """

    own: tuple[tuple[str, ...], ...]
    related: tuple[tuple[str, ...], ...] = ()

    def forms(self) -> tuple[tuple[str, ...], ...]:
        return self.own + self.related


@dataclass
class Query:
    concepts: list[Concept] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.concepts)

    def stems(self) -> set[str]:
        return {s.rstrip("*") for c in self.concepts for form in c.forms() for s in form}


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- The indexed side ----------------------------------------------------------------------------


def indexed(text: str) -> str:
    """What a search column stores: the analysed words, space-padded (`" stem"` is a word prefix)."""
    stems = analyzed_text(text)
    return f" {stems} " if stems else ""


def search_vector() -> SearchVector:
    """Title over summary and tags over body, on the analysed columns."""
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


# --- The query side ------------------------------------------------------------------------------


def synonym_index() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Each analysed synonym (a tuple of stems) → the other members of its group; cached until an edit."""
    index = cache.get(_synonyms_cache_key())
    if index is None:
        index = {}
        for group in SynonymGroup.objects.only("terms"):
            forms = list(dict.fromkeys(tuple(analyze(term)) for term in group.term_list()))
            forms = [f for f in forms if f]
            for form in forms:
                others = [o for o in forms if o != form]
                index[form] = tuple(dict.fromkeys(index.get(form, ()) + tuple(others)))
        cache.set(_synonyms_cache_key(), index, 600)  # edits delete it at once; the timeout is a safety net
    return index


def synonyms_changed() -> None:
    """Forget the cached synonym index (called by the services after every edit): effective at once."""
    cache.delete(_synonyms_cache_key())


def _synonyms_cache_key() -> str:
    # Per database: a test or benchmark database never reads the index of another one.
    return f"kb:synonyms:v1:{connection.settings_dict['NAME']}"


def parse(query: str, *, prefix_last: bool = False) -> Query:
    """The concepts of `query`: phrases a synonym group names first (longest), then single words.

    With `prefix_last` the last word may be unfinished: it also matches as a prefix of what it
    starts, from its MIN_PREFIX-th letter.
    """
    all_words = join_compounds(words(query))
    pairs = [(w, stem(w)) for w in all_words if w not in STOP_WORDS]
    pairs = [(w, s) for w, s in pairs if s not in STOP_STEMS]
    if not pairs:
        return Query()
    meaningful = [w for w, _ in pairs]
    stems = [s for _, s in pairs]
    synonyms = synonym_index()
    longest = max((len(k) for k in synonyms), default=1)
    concepts: list[Concept] = []
    spans: list[tuple[int, int]] = []  # which meaningful words each concept stands for
    i = 0
    while i < len(stems) and len(concepts) < MAX_CONCEPTS:
        for size in range(min(longest, len(stems) - i), 0, -1):
            span = tuple(stems[i : i + size])
            if span in synonyms or size == 1:
                concepts.append(Concept(own=(span,), related=synonyms.get(span, ())))
                spans.append((i, i + size))
                i += size
                break
    typing = prefix_last and all_words[-1] == meaningful[-1] and i == len(stems)
    if typing:
        word = meaningful[-1]
        if len(word) < MIN_PREFIX and not word.isdigit():
            concepts.pop()
            spans.pop()
        else:
            last = concepts[-1]
            concepts[-1] = Concept(own=(*last.own, (*last.own[0][:-1], word + "*")), related=last.related)
    return Query(concepts=_with_vocabulary(concepts, spans, meaningful, synonyms))


def _with_vocabulary(concepts, spans, meaningful, synonyms) -> list[Concept]:
    """Look the query's words up in the articles' vocabulary (one query), then:

    - two words written apart that the articles write as one ("صورت حساب", "back end") become one
      concept that matches either way;
    - a word no article uses gets the closest words they do use as related forms ("pasword").
    """

    def single(concept: Concept) -> str | None:
        word = concept.own[0][0] if len(concept.own) == 1 and len(concept.own[0]) == 1 else None
        return word if word and not word.isdigit() else None

    joins = {}
    for k in range(len(concepts) - 1):
        if single(concepts[k]) and single(concepts[k + 1]):
            joined = stem(meaningful[spans[k][0]] + meaningful[spans[k + 1][0]])
            joins[k] = joined
    to_correct = [w for w in map(single, concepts) if w and len(w) >= 4][:MAX_CORRECTED]
    if not joins and not to_correct:
        return concepts
    known = set(SearchTerm.objects.filter(term__in=[*to_correct, *joins.values()]).values_list("term", flat=True))
    merged: list[Concept] = []
    skip = False
    for k, concept in enumerate(concepts):
        if skip:
            skip = False
            continue
        if k in joins and joins[k] in known:
            joined = joins[k]
            pair = (concept.own[0][0], concepts[k + 1].own[0][0])
            merged.append(Concept(own=(pair, (joined,)), related=synonyms.get((joined,), ())))
            skip = True
            continue
        merged.append(concept)
    result = []
    for concept in merged:
        word = single(concept)
        if word and word in to_correct and word not in known:
            extra = tuple((t,) for t in _closest_terms(word))
            if extra:
                concept = Concept(own=concept.own, related=tuple(dict.fromkeys(concept.related + extra)))
        result.append(concept)
    return result


def _closest_terms(term: str, *, limit: int = 3) -> list[str]:
    if uses_postgres():
        with connection.cursor() as cursor:
            # kb_term_trgm answers `%` (pg_trgm.similarity_threshold, 0.3); a correction must be closer
            # than that ("pasword" ~ "password" is 0.7, "invoce" ~ "invoic" 0.4): short words share too little to be guessed.
            cursor.execute(
                f"SELECT term FROM {SearchTerm._meta.db_table} WHERE term %% %s "  # noqa: S608 (table from _meta)
                "AND similarity(term, %s) >= %s ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [term, term, MIN_SIMILARITY, term, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    vocabulary = SearchTerm.objects.filter(term__startswith=term[0]).values_list("term", flat=True)[:20000]
    return difflib.get_close_matches(term, list(vocabulary), n=limit, cutoff=0.75)


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


# --- SQLite ---------------------------------------------------------------------------------------


def _needle(s: str) -> str:
    return f" {s[:-1]}" if s.endswith("*") else f" {s} "


def _has(column: str, form: tuple[str, ...]) -> bool:
    return all(_needle(s) in column for s in form)


def _any_filter(query: Query, columns) -> Q:
    condition = Q()
    for concept in query.concepts:
        for form in concept.forms():
            every = Q()
            for s in form:
                either = Q()
                for column in columns:
                    either |= Q(**{f"{column}__contains": _needle(s)})
                every &= either
            condition |= every
    return condition


def _py_scored(queryset: QuerySet, query: Query, *, columns, language: str | None) -> list:
    """The same rules as _pg_ranked, in Python over the stored stems (the embedded SQLite default).

    Every column is loaded (`defer(None)`): the callers' querysets leave the stems out, and reading
    them one row at a time would be a query per match.
    """
    weights = {"search_title": 1.0, "search_summary": 0.4, "search_body": 0.2}
    scored = []
    for article in queryset.defer(None).filter(_any_filter(query, columns)):
        texts = {column: getattr(article, column) for column in columns}
        score, rank = 0, 0.0
        for concept in query.concepts:
            if any(_has(t, f) for f in concept.own for t in texts.values()):
                score += ORIGINAL
            elif any(_has(t, f) for f in concept.related for t in texts.values()):
                score += RELATED
            rank += sum(weights[c] for c, t in texts.items() if any(_has(t, f) for f in concept.forms()))
        same = 1 if language and article.language == language else 0
        scored.append(((-same, -score, -rank, -article.updated_at.timestamp(), article.pk), article))
    scored.sort(key=lambda pair: pair[0])
    return [article for _, article in scored]


def python_snippet(text: str, stems: set[str], *, words_: int = 30) -> SafeString:
    """A window of `text` around the first matching word, matches marked (the SQLite fallback)."""
    tokens = text.split()
    if not tokens:
        return mark_safe("")  # noqa: S308

    def matches(token: str) -> bool:
        folded = normalize_text(token)
        return any(w.startswith(s) or stem(w) == s for w in words(folded) for s in stems)

    marks = [matches(t) for t in tokens]
    first = marks.index(True) if True in marks else 0
    start = max(0, first - words_ // 3)
    window = [
        f"{_START}{token}{_STOP}" if mark else token
        for token, mark in zip(tokens[start : start + words_], marks[start : start + words_], strict=True)
    ]
    snippet = " ".join(window)
    if start > 0:
        snippet = "… " + snippet
    if start + words_ < len(tokens):
        snippet += " …"
    return _marked(snippet)


def _marked(text: str) -> SafeString:
    """Escape everything, then turn the headline markers into <mark>: the snippet can hold no markup."""
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


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
