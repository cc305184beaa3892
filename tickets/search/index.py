"""The stored side of ticket search: the words of one ticket, and rebuilding them.

A ticket is indexed under its subject, its requester (name and email), its organization's name, then
each message in order: public replies as their words, internal notes as their words marked with
INTERNAL_MARK ("!refund", "!~refund"), which no word part or stem can start with. Customers' searches
ask for unmarked words only, so text only an internal note holds never finds a ticket for them; agents
ask for either form (tickets.search).

Persian verb prefixes and suffixes joined by a ZWNJ or written apart ("نمی‌کند", "نمی کند",
"فاکتور‌ها") are closed up first (helpdesk.text.join_persian_affixes), here and on the query side, so
«کند» is never read on its own out of «نمی‌کند».

A change of these rules needs the stored words rebuilt: `manage.py search_reindex` (and a migration
that calls `tickets_reindex`, as 0047 does). When a contact or an organization is renamed, a Celery job
rebuilds their tickets in batches (tickets.tasks.search_names_refresh).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Cast

from helpdesk.analysis import analyze
from helpdesk.text import join_persian_affixes, search_tokens
from tickets.models import Message, Ticket

MAX_DOCUMENT_CHARS = 100_000
MAX_POSITION = 16383  # PostgreSQL's largest word position; later words share it (no phrase match there)
MAX_POSITIONS_PER_WORD = 256  # PostgreSQL keeps no more positions per word
STEM_MARK = "~"  # before a stored stem: word parts are letters and digits only, so never start with it
INTERNAL_MARK = "!"  # before every word of an internal note: agents find it, customers never
REINDEX_BATCH = 2000


def text_words(text: str, *, internal: bool = False) -> list[str]:
    """What one text is indexed under: its search tokens, then each stem of its words once, marked;
    each word of an internal note marked as such."""
    text = join_persian_affixes(text)
    stems = dict.fromkeys(s for s in analyze(text) if not s.isdigit())
    found = search_tokens(text) + [STEM_MARK + s for s in stems]
    return [INTERNAL_MARK + word for word in found] if internal else found


def ticket_document(
    *, subject: str, requester_name: str, requester_email: str, organization_name: str = "", messages: list
) -> str:
    """The words of the subject, the requester, the organization and the messages, each after one space.
    `messages` are (text, internal) pairs; a plain string is a public message."""
    tokens = text_words(f"{subject} {requester_name} {requester_email} {organization_name}")
    for message in messages:
        text, internal = (message, False) if isinstance(message, str) else message
        tokens += text_words(text, internal=internal)
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
    return " ".join(f"{lexeme(word)}:{','.join(map(str, at))}" for word, at in positions.items())


def lexeme(word: str) -> str:
    """A word quoted for tsvector/tsquery input, so no operator can be injected."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def ticket_index(*, ticket: Ticket, extra_text: str = "", internal: bool = False) -> None:
    """Refresh a ticket's search fields; `extra_text` (a new message, an internal note when `internal`)
    is appended without rereading all."""
    if extra_text and ticket.search_document:
        document = _document(ticket.search_document, text_words(extra_text, internal=internal))
    else:
        texts = (
            list(ticket.messages.order_by("created_at", "pk").values_list("body_text", "internal")) if ticket.pk else []
        )
        if extra_text:
            texts.append((extra_text, internal))
        organization = ticket.organization if ticket.organization_id else None
        document = ticket_document(
            subject=ticket.subject,
            requester_name=ticket.requester.full_name,
            requester_email=ticket.requester.email or "",  # none: known by phone
            organization_name=organization.name if organization else "",
            messages=texts,
        )
    ticket.search_document = document
    updates: dict = {"search_document": document}
    if connection.vendor == "postgresql":
        updates["search_vector"] = Cast(Value(tsvector_literal(document)), SearchVectorField())
    Ticket.objects.filter(pk=ticket.pk).update(**updates)


def tickets_reindex(
    *, ticket_model, message_model, connection, after: int = 0, batch: int = REINDEX_BATCH, where: Q | None = None
) -> int:
    """Rebuild the search words of every ticket with an id above `after` (and matching `where`), in
    batches by id: two reads and one UPDATE per batch (the models are arguments so a migration can pass
    its historical ones; migrations 0016 and 0047, `manage.py search_reindex`, the rename job and
    bench/seed.py use it). Returns the number of tickets rebuilt."""
    done, last = 0, after
    tickets = ticket_model.objects.using(connection.alias).order_by("pk")
    if where is not None:
        tickets = tickets.filter(where)
    while True:
        rows = list(
            tickets.filter(pk__gt=last).values_list(
                "pk", "subject", "requester__full_name", "requester__email", "organization__name"
            )[:batch]
        )
        if not rows:
            return done
        last, done = rows[-1][0], done + len(rows)
        texts: dict[int, list] = {row[0]: [] for row in rows}
        messages = (
            message_model.objects.using(connection.alias)
            .filter(ticket_id__in=list(texts))
            .order_by("ticket_id", "created_at", "pk")
            .values_list("ticket_id", "body_text", "internal")
        )
        for ticket_id, text, internal in messages:
            texts[ticket_id].append((text, internal))
        documents = [
            (
                pk,
                ticket_document(
                    subject=subject,
                    requester_name=name,
                    requester_email=email or "",
                    organization_name=organization or "",
                    messages=texts[pk],
                ),
            )
            for pk, subject, name, email, organization in rows
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


def tickets_of_names_reindex(*, contact_ids: list[int], organization_ids: list[int]) -> int:
    """After contacts or organizations were renamed: their tickets' words rebuilt, in batches."""
    where = Q(requester_id__in=contact_ids) | Q(organization_id__in=organization_ids)
    return tickets_reindex(ticket_model=Ticket, message_model=Message, connection=connection, where=where)
