"""Ticket search: one list of words per ticket, matched the same way on PostgreSQL and SQLite.

The words come from helpdesk.text.search_tokens, on the stored side and on the query side alike:
case, Persian/Arabic letter variants, digits and diacritics folded, and every word cut into its letter
and digit parts ("2026-114" → 2026 114, "customer@example.com" → customer example com). A query word
matches as the phrase of its parts, its last part as a prefix: "2026-114" finds "Invoice 2026-114" and
"INV/2026/114", "customer@exa" finds the requester customer@example.com.

Each text (subject and requester, then every public message) also stores the stems of its words
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
"""

import re
from dataclasses import dataclass, replace

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Cast

from customers.models import Contact
from customers.selectors import contacts_matching
from helpdesk.analysis import MAX_SPLIT_CHARS, STOP_WORDS, analyze, join_compounds, words
from helpdesk.text import ARABIC_SCRIPT, SearchChunk, normalize_text, phone_search_key, search_chunks, search_tokens
from knowledgebase.search import synonym_index
from tickets.models import Ticket

MAX_DOCUMENT_CHARS = 100_000
MAX_POSITION = 16383  # PostgreSQL's largest word position; later words share it (no phrase match there)
MAX_POSITIONS_PER_WORD = 256  # PostgreSQL keeps no more positions per word
STEM_MARK = "~"  # before a stored stem: word parts are letters and digits only, so never start with it
_TICKET_NUMBER = re.compile(r"#?([0-9]{1,18})")


def text_words(text: str) -> list[str]:
    """What one text is indexed under: its search tokens, then each stem of its words once, marked."""
    stems = dict.fromkeys(s for s in analyze(text) if not s.isdigit())
    return search_tokens(text) + [STEM_MARK + s for s in stems]


def ticket_document(*, subject: str, requester_name: str, requester_email: str, messages: list[str]) -> str:
    """The words of the subject, the requester and the public messages, each after one space."""
    tokens = text_words(f"{subject} {requester_name} {requester_email}")
    for text in messages:
        tokens += text_words(text)
    return _document("", tokens)


def _document(start: str, tokens: list[str]) -> str:
    document = start + "".join(" " + token for token in tokens)
    if len(document) > MAX_DOCUMENT_CHARS:
        document = document[: document.rfind(" ", 0, MAX_DOCUMENT_CHARS + 1)]  # never half a word
    return document


def tsvector_literal(document: str) -> str:
    """The document as a tsvector: every word at its position, exactly as search_tokens cut it."""
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(document.split(), start=1):
        seen = positions.setdefault(word, [])
        if len(seen) < MAX_POSITIONS_PER_WORD and (not seen or seen[-1] < MAX_POSITION):
            seen.append(min(position, MAX_POSITION))
    return " ".join(f"{_lexeme(word)}:{','.join(map(str, at))}" for word, at in positions.items())


def ticket_index(*, ticket: Ticket, extra_text: str = "") -> None:
    """Refresh a ticket's search fields; `extra_text` is appended (a new message) without rereading all."""
    if extra_text and ticket.search_document:
        document = _document(ticket.search_document, text_words(extra_text))
    else:
        texts = list(ticket.messages.filter(internal=False).values_list("body_text", flat=True)) if ticket.pk else []
        if extra_text:
            texts.append(extra_text)
        document = ticket_document(
            subject=ticket.subject,
            requester_name=ticket.requester.full_name,
            requester_email=ticket.requester.email or "",  # none: known by phone
            messages=texts,
        )
    ticket.search_document = document
    updates: dict = {"search_document": document}
    if connection.vendor == "postgresql":
        updates["search_vector"] = Cast(Value(tsvector_literal(document)), SearchVectorField())
    Ticket.objects.filter(pk=ticket.pk).update(**updates)


def tickets_reindex(*, ticket_model, message_model, connection, after: int = 0, batch: int = 2000) -> int:
    """Rebuild the search words of every ticket with an id above `after`, in batches by id: two reads
    and one UPDATE per batch (the models are arguments so a migration can pass its historical ones;
    migration 0016 and bench/seed.py use it). Returns the number of tickets rebuilt."""
    done, last = 0, after
    while True:
        rows = list(
            ticket_model.objects.using(connection.alias)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "subject", "requester__full_name", "requester__email")[:batch]
        )
        if not rows:
            return done
        last, done = rows[-1][0], done + len(rows)
        texts: dict[int, list[str]] = {row[0]: [] for row in rows}
        messages = (
            message_model.objects.using(connection.alias)
            .filter(ticket_id__in=list(texts), internal=False)
            .order_by("ticket_id", "created_at", "pk")
            .values_list("ticket_id", "body_text")
        )
        for ticket_id, text in messages:
            texts[ticket_id].append(text)
        documents = [
            (pk, ticket_document(subject=subject, requester_name=name, requester_email=email or "", messages=texts[pk]))
            for pk, subject, name, email in rows
        ]
        _store_documents(connection, documents)


def _store_documents(connection, documents: list[tuple[int, str]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s, %s, %s::tsvector)"] * len(documents))  # placeholders only
            update = "UPDATE tickets_ticket AS t SET search_document = v.doc, search_vector = v.vec"
            sql = f"{update} FROM (VALUES {values}) AS v(id, doc, vec) WHERE t.id = v.id"  # noqa: S608
            cursor.execute(sql, [item for pk, doc in documents for item in (pk, doc, tsvector_literal(doc))])
        else:
            cursor.executemany(
                "UPDATE tickets_ticket SET search_document = %s WHERE id = %s", [(doc, pk) for pk, doc in documents]
            )


def ticket_search(queryset: QuerySet[Ticket], query: str) -> QuerySet[Ticket]:
    """Tickets matching every word of the query (exactly, or a plain word by its stem or a synonym),
    or its number ("#123", "123"), or a requester by email ("customer@exa…") or phone ("0912 123 4567"
    finds +98 912 123 4567, in any digits)."""
    chunks = search_chunks(query)
    if not chunks:
        return queryset
    phone = phone_search_key(query)
    condition = _text_match(query_concepts(chunks), phone)
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


def _text_match(concepts: list[Concept], phone: str) -> Q:
    """Every concept (exactly, by stems or by a synonym), or the phone key as a prefix."""
    if connection.vendor == "postgresql":
        raw = " & ".join(map(_tsquery_concept, concepts))
        if phone:
            raw = f"({raw}) | {_lexeme(phone)}:*"
        # Cast, not to_tsquery: the lexemes are already cut and must not go through the parser again.
        return Q(_Matches(F("search_vector"), Cast(Value(raw), SearchQueryField())))
    condition = Q()
    for concept in concepts:
        either = Q()
        for chunk in concept.chunks:
            exact = Q()
            for parts in _spellings(chunk):
                exact |= Q(search_document__contains=" " + " ".join(parts))
            either &= exact
        for form in _stem_forms(concept):
            either |= _all_stems(form)
        for phrase in concept.compounds:
            words_at = " " + " ".join(phrase)
            either |= Q(search_document__contains=words_at + " ") | Q(search_document__endswith=words_at)
        condition &= either
    if phone:
        condition |= Q(search_document__contains=" " + phone)
    return condition


def _stem_forms(concept: Concept) -> list[tuple[str, ...]]:
    return [form for form in (concept.stems, *concept.related) if form]


def _all_stems(form: tuple[str, ...]) -> Q:
    condition = Q()
    for stem in form:
        condition &= Q(search_document__contains=f" {STEM_MARK}{stem} ")
    return condition


def _tsquery_concept(concept: Concept) -> str:
    exact = " & ".join("(" + " | ".join(map(_tsquery_phrase, _spellings(c))) + ")" for c in concept.chunks)
    forms = [" & ".join(_lexeme(STEM_MARK + s) for s in form) for form in _stem_forms(concept)]
    forms += [" <-> ".join(map(_lexeme, phrase)) for phrase in concept.compounds]
    return "(" + " | ".join([f"({exact})", *(f"({f})" for f in forms)]) + ")"


def _spellings(chunk: SearchChunk) -> list[tuple[str, ...]]:
    return [chunk.parts, chunk.joined] if chunk.joined else [chunk.parts]


def _tsquery_phrase(parts: tuple[str, ...]) -> str:
    return " <-> ".join([_lexeme(p) for p in parts[:-1]] + [_lexeme(parts[-1]) + ":*"])


def _lexeme(word: str) -> str:
    """A word quoted for tsvector/tsquery input, so no operator can be injected."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


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
