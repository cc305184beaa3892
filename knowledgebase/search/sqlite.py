"""Scoring on SQLite (the embedded default): the same rules in Python over the stored stems."""

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.analysis import (
    stem,
    words,
)
from helpdesk.text import normalize_text
from knowledgebase.search.query import _START, _STOP, ORIGINAL, RELATED, Query

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
