"""The knowledge base in the ticket page: articles put into replies, and articles made from tickets.

tickets calls knowledgebase (never the other way round): searches and visibility go through
knowledgebase.selectors, drafts through knowledgebase.services.
"""

import re
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from helpdesk.text import detect_language
from knowledgebase import selectors as kb_selectors
from knowledgebase import services as kb_services
from knowledgebase.models import Article
from tickets.models import ArticleUsage, Message, Status, Ticket

USAGE_REF = re.compile(r"^(\d{1,10}):(link|text)$")


# --- inserting articles into replies ----------------------------------------------------------


def parse_usage_refs(value: str) -> list[tuple[int, str]]:
    """`"12:link 7:text"` (the composer's hidden field) → [(12, "link"), (7, "text")]; junk is dropped."""
    refs = []
    for part in (value or "").replace(",", " ").split()[:50]:
        match = USAGE_REF.match(part.strip())
        if match:
            refs.append((int(match.group(1)), match.group(2)))
    return list(dict.fromkeys(refs))


@transaction.atomic
def article_usage_record(
    *, ticket: Ticket, article: Article, actor: User, mode: str, now: datetime | None = None
) -> ArticleUsage:
    """Note that `article` went into a reply on `ticket` (once per ticket, article and mode)."""
    if mode not in ArticleUsage.Mode.values:
        raise ValidationError({"mode": [_("Unknown way of inserting an article.")]})
    usage, _created = ArticleUsage.objects.get_or_create(
        ticket=ticket,
        article=article,
        mode=mode,
        defaults={"used_by": actor, "used_at": now or timezone.now()},
    )
    return usage


def article_usages_record(*, ticket: Ticket, actor: User, refs: Iterable[tuple[int, str]]) -> list[ArticleUsage]:
    """Record the articles a sent reply contained; ids the agent may not see (or that are gone) are ignored."""
    usages = []
    for article_id, mode in refs:
        try:
            article = kb_selectors.article_get_for(user=actor, article_id=article_id)
        except Http404:
            continue
        usages.append(article_usage_record(ticket=ticket, article=article, actor=actor, mode=mode))
    return usages


def _usages_of_ticket(ticket_id: int) -> QuerySet[ArticleUsage]:
    return (
        ArticleUsage.objects.filter(ticket_id=ticket_id)
        .select_related("article", "used_by")
        .order_by("-used_at", "-id")
    )


_USAGES_OF_TICKET = CompiledQuerySet(_usages_of_ticket, {"ticket_id": STAND_IN_ID})  # compiled once per process


def article_usage_list_for_ticket(*, ticket: Ticket) -> list[ArticleUsage]:
    """Articles used on a ticket already loaded through tickets.selectors.ticket_get_for (one query)."""
    return _USAGES_OF_TICKET.fetch_of("ticket", ticket)


def ticket_usage_list_for(*, user: User, article_id: int) -> tuple[Article, QuerySet[ArticleUsage]]:
    """The article (visible to `user`, else 404) and the usages on tickets the user may see, newest first."""
    from tickets.selectors import ticket_base_for

    article = kb_selectors.article_get_for(user=user, article_id=article_id)
    usages = (
        ArticleUsage.objects.filter(article=article, ticket__in=ticket_base_for(user=user))
        .select_related("ticket", "used_by")
        .order_by("-used_at", "-id")
    )
    return article, usages


def article_suggestions(*, user: User, query: str, limit: int = 8) -> list[dict]:
    """Search hits for the composer, each with the text that "insert link" and "insert text" put in."""
    hits = list(kb_selectors.article_suggestions_for(user=user, query=query, limit=limit))
    # The suggestions carry no body; one more query loads the hits in full (no query per hit).
    full = {a.pk: a for a in kb_selectors.article_base_for(user=user).filter(pk__in=[h.pk for h in hits])}
    return [
        {
            "article": full[hit.pk],
            "link": kb_selectors.article_reply_text(article=full[hit.pk], mode="link"),
            "text": kb_selectors.article_reply_text(article=full[hit.pk], mode="text"),
        }
        for hit in hits
        if hit.pk in full
    ]


def request_sent_despite_suggestions(*, user: User, subject: str, description: str) -> bool:
    """A portal request was sent: when the form suggested articles for its text, count its subject in
    the knowledge-gaps report ("requests sent anyway"); True when it did."""
    text = f"{subject} {description[:500]}"
    if not kb_selectors.article_suggestions_for(user=user, query=text, limit=1):
        return False
    kb_services.search_led_to_ticket(query=subject)
    return True


# --- articles from tickets --------------------------------------------------------------------


@transaction.atomic
def article_draft_from_ticket(*, ticket: Ticket, actor: User) -> Article:
    """An internal draft made from a solved or closed ticket: its question and the last public answer.

    Title = subject; body in Markdown; language = the requester's, else detected from the text.
    """
    if not actor.is_agent:
        raise Http404
    if ticket.status not in (Status.SOLVED, Status.CLOSED):
        raise ValidationError(_("Only a solved or closed ticket can become an article."))
    messages = list(ticket.messages.filter(internal=False).order_by("created_at", "id"))
    question: Message | None = next((m for m in messages if not m.is_from_agent), messages[0] if messages else None)
    answer: Message | None = next((m for m in reversed(messages) if m.is_from_agent and m is not question), None)
    question_text = (question.body_text if question else "").strip()
    answer_text = (answer.body_text if answer else "").strip()
    language = ticket.requester.language or detect_language(f"{ticket.subject}\n{question_text}")
    with translation.override(language):
        body = f"## {_('Question')}\n\n{question_text}\n\n## {_('Answer')}\n\n{answer_text}\n"
        note = _("From ticket #%(number)s") % {"number": ticket.pk}
    return kb_services.article_create_draft(
        author=actor,
        title=ticket.subject,
        body=body,
        language=language,
        source_note=note,
    )
