"""Queries as concepts (own stems and related forms: synonyms, spelling corrections, joined and
split words), and the indexed side: the stems an article stores and its weighted vector.
"""

import difflib
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from helpdesk.analysis import (
    MAX_SPLIT_CHARS,
    STOP_STEMS,
    STOP_WORDS,
    analyze,
    join_compounds,
    stem,
    words,
)
from helpdesk.text import ARABIC_SCRIPT, search_chunks
from knowledgebase.models import SearchTerm, SynonymGroup

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
    """What a search column stores: the analysed words, then the stems of its ZWNJ words written as one,
    space-padded (`" stem"` is a word prefix)."""
    stems = analyze(text)
    stems += _joined_stems(text, have=set(stems))
    return f" {' '.join(stems)} " if stems else ""


def _joined_stems(text: str, *, have: set[str]) -> list[str]:
    """The stems of the words written with a ZWNJ, read as one word ("پشتیبان‌گیری" → پشتیبانگیر), that
    are not in `have`: analysis splits a word at the joiner, and a searcher may type it without one.
    What a ZWNJ word is and its joined form come from helpdesk.text.search_chunks, as in ticket search."""
    joined = [s for chunk in search_chunks(text) if chunk.joined for s in analyze(" ".join(chunk.joined))]
    return [s for s in dict.fromkeys(joined) if s not in have]


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

    - two words written apart that the articles or a synonym group write as one ("صورت حساب", "back
      end", "گذر واژه" or "گذر‌واژه" for the synonym گذرواژه) become one concept that matches either way;
    - a Persian word no article uses that splits into two words they do use ("رمزعبور" for "رمز عبور":
      Persian writes a compound as one word, with a ZWNJ or with a space) also matches as those two;
    - any other word no article uses gets the closest words they do use as related forms ("pasword").
    """
    word_of = {_single(c): meaningful[spans[k][0]] for k, c in enumerate(concepts) if _single(c)}
    joins = {
        k: stem(meaningful[spans[k][0]] + meaningful[spans[k + 1][0]])
        for k in range(len(concepts) - 1)
        if _single(concepts[k]) and _single(concepts[k + 1])
    }
    to_correct = [w for w in map(_single, concepts) if w and len(w) >= 4][:MAX_CORRECTED]
    if not joins and not to_correct:
        return concepts
    splits = {w: _split_forms(word_of[w]) for w in to_correct}
    terms = {*to_correct, *joins.values(), *(s for forms in splits.values() for form in forms for s in form)}
    known = set(SearchTerm.objects.filter(term__in=terms).values_list("term", flat=True))
    merged: list[Concept] = []
    skip = False
    for k, concept in enumerate(concepts):
        if skip:
            skip = False
            continue
        if k in joins and (joins[k] in known or (joins[k],) in synonyms):
            joined = joins[k]
            pair = (concept.own[0][0], concepts[k + 1].own[0][0])
            merged.append(Concept(own=(pair, (joined,)), related=synonyms.get((joined,), ())))
            skip = True
            continue
        merged.append(concept)
    return [_for_unknown_word(c, to_correct, splits, known, synonyms) for c in merged]


def _single(concept: Concept) -> str | None:
    """The stem of a one-word concept (not a number), else None."""
    word = concept.own[0][0] if len(concept.own) == 1 and len(concept.own[0]) == 1 else None
    return word if word and not word.isdigit() else None


def _for_unknown_word(concept: Concept, to_correct, splits, known, synonyms) -> Concept:
    """A concept whose word no article uses, with the two words it splits into as own forms, and their
    synonyms and the closest words the articles use as related forms."""
    word = _single(concept)
    if not word or word not in to_correct or word in known:
        return concept
    split = tuple(form for form in splits[word] if set(form) <= known)
    related = [
        *concept.related,
        *(other for form in split for other in synonyms.get(form, ())),
        *((t,) for t in _closest_terms(word)),
    ]
    return Concept(own=concept.own + split, related=tuple(dict.fromkeys(related)))


def _split_forms(word: str) -> list[tuple[str, ...]]:
    """The ways a Persian word reads as two meaningful words ("رمزعبور" → (رمز, عبور)), analysed as if
    typed with a space between them; each part at least two letters."""
    if not ARABIC_SCRIPT.search(word) or len(word) > MAX_SPLIT_CHARS:
        return []
    forms = (tuple(analyze(f"{word[:i]} {word[i:]}")) for i in range(2, len(word) - 1))
    return list(dict.fromkeys(form for form in forms if len(form) == 2))


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
