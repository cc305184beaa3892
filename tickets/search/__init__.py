"""Ticket search: one list of words per ticket, matched the same way on PostgreSQL and SQLite.

The words come from helpdesk.text.search_tokens, on the stored side and on the query side alike:
case, Persian/Arabic letter variants, digits and diacritics folded, and every word cut into its letter
and digit parts ("2026-114" → 2026 114, "customer@example.com" → customer example com). A query word
matches as the phrase of its parts, its last part as a prefix: "2026-114" finds "Invoice 2026-114" and
"INV/2026/114", "customer@exa" finds the requester customer@example.com.

Each text (subject, requester and organization, then every message) also stores the stems of its words
(helpdesk.analysis, the knowledge base's analysis) marked with "~" ("invoices" → ~invoic), which no
word part can start with. A plain query word (letters only, a ZWNJ join allowed) matches its exact
parts or its stem or the stems of its synonyms (the knowledge base's SynonymGroup, one vocabulary
for both), so "invoices" finds "invoice" and "صورتحساب‌ها" finds "صورتحساب"; a phrase a synonym group
names ("رمز عبور", "log in") is one such word. Numbers, codes, emails, URLs (anything with a digit or
punctuation) only ever match exactly, so a stem can never find a look-alike of a code; stop words
are left out of a query that has other words.

`search_document` keeps the words as text, one space before each; SQLite searches it with LIKE
(a phrase is a substring there). PostgreSQL searches `search_vector`, the same words at the same
positions, built here rather than by to_tsvector: PostgreSQL's own parser keeps "2026-114" as
2026 and -114 and an email as one word, so a query cut differently would miss them.

What is stored, and how it is rebuilt, is tickets.search.index: internal notes are stored marked, and
only an agent's search (`internal=True`) asks for marked words too. Persian verb prefixes and suffixes
(می‌/نمی‌, ‌ها, ‌ام, ...) are closed up on both sides (helpdesk.text.join_persian_affixes), so
"نمی‌کند", "نمیکند" and "نمی کند" are one word that never matches «کند» ("slow") on its own.
"""

import re
from dataclasses import dataclass, replace

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQueryField
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Cast

from customers.models import Contact
from customers.selectors import contacts_matching
from helpdesk.analysis import MAX_SPLIT_CHARS, STOP_WORDS, analyze, join_compounds, words
from helpdesk.text import (
    ARABIC_SCRIPT,
    SearchChunk,
    join_persian_affixes,
    normalize_text,
    phone_search_key,
    search_chunks,
)
from knowledgebase.search import synonym_index
from tickets.models import Ticket
from tickets.search.index import (
    INTERNAL_MARK,
    MAX_DOCUMENT_CHARS,
    STEM_MARK,
    lexeme,
    text_words,
    ticket_document,
    ticket_index,
    tickets_of_names_reindex,
    tickets_reindex,
    tsvector_literal,
)

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "compound_spellings",
    "query_concepts",
    "text_words",
    "ticket_document",
    "ticket_index",
    "ticket_search",
    "tickets_of_names_reindex",
    "tickets_reindex",
    "tsvector_literal",
]
_TICKET_NUMBER = re.compile(r"#?([0-9]{1,18})")


def ticket_search(queryset: QuerySet[Ticket], query: str, *, internal: bool = False) -> QuerySet[Ticket]:
    """Tickets matching every word of the query (exactly, or a plain word by its stem or a synonym),
    or its number ("#123", "123"), or a requester by email ("customer@exa…") or phone ("0912 123 4567"
    finds +98 912 123 4567, in any digits). `internal` (agents only): the words of internal notes too."""
    chunks = search_chunks(join_persian_affixes(query))
    if not chunks:
        return queryset
    phone = phone_search_key(query)
    marks = ("", INTERNAL_MARK) if internal else ("",)
    condition = _text_match(query_concepts(chunks), phone, marks)
    word = normalize_text(query)
    number = _TICKET_NUMBER.fullmatch(word)
    if number:
        condition |= Q(pk=int(number.group(1)))
    if "@" in word and " " not in word:
        # The requester's current address, through the unique index on lower(email) (the indexed words
        # hold the address the ticket had when last indexed, and find the start of it: "customer@exa").
        condition |= _requester_in(Contact.objects.with_email(word))
    if phone:
        condition |= _requester_in(contacts_matching(Contact.objects.all(), q=query))
    return queryset.filter(condition)


# --- The query: concepts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """One thing asked for: its query words, matched exactly (each the phrase of its parts, the last
    part a prefix), or by all of `stems`, or by all stems of one of `related` (synonyms)."""

    chunks: tuple[SearchChunk, ...]
    stems: tuple[str, ...] = ()
    related: tuple[tuple[str, ...], ...] = ()
    # Persian compounds written the other way (see compound_spellings): phrases of whole words, exact
    compounds: tuple[tuple[str, ...], ...] = ()


def _plain(chunk: SearchChunk) -> bool:
    """A word of letters only (a ZWNJ join allowed): the kind that may match by stem or synonym."""
    one_word = len(chunk.parts) == 1 or len(chunk.joined) == 1
    return one_word and all(part.isalpha() for part in chunk.parts)


def _text(chunks) -> str:
    return " ".join(" ".join(chunk.parts) for chunk in chunks)


def query_concepts(chunks: list[SearchChunk]) -> list[Concept]:
    """The query's words as concepts: runs of plain words a synonym group or a compound names
    ("رمز عبور", "log in") become one; stop words are dropped when something else is asked."""
    synonyms = synonym_index() if any(map(_plain, chunks)) else {}
    longest = max((len(key) for key in synonyms), default=1) + 1  # + a stop word inside the phrase
    concepts: list[Concept] = []
    i = 0
    while i < len(chunks):
        if not _plain(chunks[i]):
            concepts.append(Concept(chunks=(chunks[i],)))
            i += 1
            continue
        for size in range(min(longest, len(chunks) - i), 0, -1):
            span = tuple(chunks[i : i + size])
            if not all(map(_plain, span)):
                continue
            stems = tuple(analyze(_text(span)))
            named = stems in synonyms or len(join_compounds(words(_text(span)))) < len(words(_text(span)))
            if size == 1 or (stems and named):
                concepts.append(Concept(chunks=span, stems=stems, related=synonyms.get(stems, ())))
                i += size
                break
    meaningful = [c for c in concepts if c.stems or not all(map(_plain, c.chunks))]
    return compound_spellings(meaningful or concepts)


def _persian_word(chunk: SearchChunk) -> str:
    """The chunk's one Persian word without a ZWNJ ("" for anything else: a joiner's forms are indexed)."""
    if len(chunk.parts) == 1 and not chunk.joined and chunk.parts[0].isalpha():
        return chunk.parts[0] if ARABIC_SCRIPT.search(chunk.parts[0]) else ""
    return ""


def compound_spellings(concepts: list[Concept]) -> list[Concept]:
    """Persian writes a compound as one word or as two ("رمزعبور", "رمز عبور"), and a ticket may say it
    either way. A Persian word also matches as the phrase of any two words it splits into (each at least
    two letters, neither a stop word); words typed apart also match as one word: each of two neighbours,
    and a phrase a synonym group names, by their joined form. Exact words only: a stem or a prefix of a
    two-letter part would match half the tickets."""
    words_of = [[_persian_word(chunk) for chunk in concept.chunks] for concept in concepts]
    single = [own[0] if len(own) == 1 else "" for own in words_of]
    result = []
    for k, concept in enumerate(concepts):
        found: list[tuple[str, ...]] = []
        if len(words_of[k]) > 1 and all(words_of[k]):
            found.append(("".join(words_of[k]),))
        word = single[k]
        if word and len(word) <= MAX_SPLIT_CHARS:
            splits = ((word[:i], word[i:]) for i in range(2, len(word) - 1))
            found += [pair for pair in splits if not STOP_WORDS.intersection(pair)]
        if word:
            found += [
                (single[a] + single[a + 1],)
                for a in (k - 1, k)
                if 0 <= a < len(concepts) - 1 and all(single[a : a + 2])
            ]
        result.append(replace(concept, compounds=tuple(dict.fromkeys(found))) if found else concept)
    return result


def _text_match(concepts: list[Concept], phone: str, marks: tuple[str, ...]) -> Q:
    """Every concept (exactly, by stems or by a synonym), or the phone key as a prefix; each word as
    stored with one of `marks` ("" public, INTERNAL_MARK an internal note's)."""
    if connection.vendor == "postgresql":
        raw = " & ".join(_tsquery_concept(concept, marks) for concept in concepts)
        if phone:
            raw = f"({raw}) | {_any(phone, marks, ':*')}"
        # Cast, not to_tsquery: the lexemes are already cut and must not go through the parser again.
        return Q(_Matches(F("search_vector"), Cast(Value(raw), SearchQueryField())))
    condition = Q()
    for concept in concepts:
        either = Q()
        for chunk in concept.chunks:
            exact = Q()
            for parts in _spellings(chunk):
                exact |= _contains_any(parts, marks, "")
            either &= exact
        for form in _stem_forms(concept):
            either |= _all_stems(form, marks)
        for phrase in concept.compounds:
            either |= _contains_any(phrase, marks, " ") | _contains_any(phrase, marks, "", end=True)
        condition &= either
    if phone:
        condition |= _contains_any((phone,), marks, "")
    return condition


def _contains_any(words: tuple[str, ...], marks: tuple[str, ...], after: str, end: bool = False) -> Q:
    """The document holds `words` in a row (each with the same mark), then `after` (or ends there)."""
    condition = Q()
    for mark in marks:
        text = "".join(f" {mark}{word}" for word in words)
        condition |= Q(search_document__endswith=text) if end else Q(search_document__contains=text + after)
    return condition


def _stem_forms(concept: Concept) -> list[tuple[str, ...]]:
    return [form for form in (concept.stems, *concept.related) if form]


def _all_stems(form: tuple[str, ...], marks: tuple[str, ...]) -> Q:
    condition = Q()
    for stem in form:
        condition &= _contains_any((STEM_MARK + stem,), marks, " ")
    return condition


def _any(word: str, marks: tuple[str, ...], suffix: str = "") -> str:
    """One stored word in tsquery syntax, in any of its marked forms: 'w' or ('w' | '!w')."""
    forms = [lexeme(mark + word) + suffix for mark in marks]
    return forms[0] if len(forms) == 1 else "(" + " | ".join(forms) + ")"


def _tsquery_concept(concept: Concept, marks: tuple[str, ...]) -> str:
    spelled = (" | ".join(_tsquery_phrase(parts, marks) for parts in _spellings(c)) for c in concept.chunks)
    exact = " & ".join(f"({alternatives})" for alternatives in spelled)
    forms = [" & ".join(_any(STEM_MARK + s, marks) for s in form) for form in _stem_forms(concept)]
    forms += [" <-> ".join(_any(word, marks) for word in phrase) for phrase in concept.compounds]
    return "(" + " | ".join([f"({exact})", *(f"({f})" for f in forms)]) + ")"


def _spellings(chunk: SearchChunk) -> list[tuple[str, ...]]:
    return [chunk.parts, chunk.joined] if chunk.joined else [chunk.parts]


def _tsquery_phrase(parts: tuple[str, ...], marks: tuple[str, ...]) -> str:
    return " <-> ".join([_any(p, marks) for p in parts[:-1]] + [_any(parts[-1], marks, ":*")])


def _requester_in(contacts: QuerySet[Contact]) -> Q:
    ids = contacts.order_by().values("pk")
    if connection.vendor == "postgresql":
        # `= ANY(ARRAY(subquery))` runs the subquery once (an InitPlan), so PostgreSQL can OR it with the
        # GIN match as a BitmapOr of index scans; `IN (subquery)` would filter every ticket row instead.
        return Q(_EqualsAny(F("requester_id"), ArraySubquery(ids)))
    return Q(requester_id__in=ids)


class _EqualsAny(Func):
    """`value = ANY(array)` as a boolean expression."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


class _Matches(Func):
    """`vector @@ query` as a boolean expression."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()
