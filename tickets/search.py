"""Ticket search: a normalised document per ticket; full text on PostgreSQL, LIKE on SQLite.

The same folding (helpdesk.text.normalize_text) runs on the stored text and on the query, so a
Persian query finds what was typed on an Arabic keyboard, and the reverse.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet, Value

from helpdesk.text import normalize_text, search_terms

from .models import Ticket

MAX_DOCUMENT_CHARS = 100_000


def ticket_document(*, subject: str, requester_name: str, requester_email: str, messages: list[str]) -> tuple[str, str]:
    """(weighted head, body): the subject and requester weigh more than the conversation."""
    head = normalize_text(f"{subject} {requester_name} {requester_email}")
    body = normalize_text(" ".join(messages))[:MAX_DOCUMENT_CHARS]
    return head, body


def ticket_index(*, ticket: Ticket, extra_text: str = "") -> None:
    """Refresh a ticket's search fields; `extra_text` is appended (a new message) without rereading all."""
    if extra_text and ticket.search_document:
        body = (ticket.search_document + " " + normalize_text(extra_text))[:MAX_DOCUMENT_CHARS]
        head = normalize_text(f"{ticket.subject} {ticket.requester.full_name} {ticket.requester.email}")
    else:
        texts = list(ticket.messages.filter(internal=False).values_list("body_text", flat=True)) if ticket.pk else []
        if extra_text:
            texts.append(extra_text)
        head, body = ticket_document(
            subject=ticket.subject,
            requester_name=ticket.requester.full_name,
            requester_email=ticket.requester.email,
            messages=texts,
        )
        body = f"{head} {body}".strip()
    ticket.search_document = body
    updates: dict = {"search_document": body}
    if connection.vendor == "postgresql":
        updates["search_vector"] = SearchVector(Value(head), weight="A", config="simple") + SearchVector(
            Value(body), weight="B", config="simple"
        )
    Ticket.objects.filter(pk=ticket.pk).update(**updates)


def ticket_search(queryset: QuerySet[Ticket], query: str) -> QuerySet[Ticket]:
    """Tickets matching every word of the query (its number too: "#123" or "123")."""
    terms = search_terms(query)
    if not terms:
        return queryset
    number = query.strip().lstrip("#")
    by_number = Q(pk=int(number)) if number.isdigit() and len(number) < 12 else Q(pk__in=[])
    if connection.vendor == "postgresql":
        # Prefix match on every word: 'invoic' finds 'invoice'. Terms are passed as data, never SQL.
        raw = " & ".join(f"{_tsquery_escape(t)}:*" for t in terms)
        return queryset.filter(Q(search_vector=SearchQuery(raw, search_type="raw", config="simple")) | by_number)
    condition = Q()
    for term in terms:
        condition &= Q(search_document__contains=term)
    return queryset.filter(condition | by_number)


def _tsquery_escape(term: str) -> str:
    """A word as a quoted tsquery lexeme ('' doubles a quote), so no operator can be injected."""
    return "'" + term.replace("'", "''").replace("\\", "") + "'"
