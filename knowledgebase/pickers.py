"""The reads of the knowledge-base editor's article pickers (knowledgebase.forms.ArticlePicker, the page
kb:manage_pick): what matches the text an author types, and the chosen articles' titles. Agents only;
every status, since an author relates and translates drafts too."""

from django.http import Http404

from helpdesk.permissions import is_agent

from . import search
from .models import Article

PICK_COLUMNS = ("id", "title", "language", "status", "updated_at")


def article_number(text) -> int | None:
    """The article number an author typed or a form sent ("42", "#42", "۴۲", 42), else None: the one
    reading of an article's number for the pickers, their form and their page."""
    text = str(text).strip().removeprefix("#")
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def article_pick_for(
    *, user, query: str, exclude_ids=(), other_than_language: str = "", page: int = 1, page_size: int = 10
) -> tuple[list[Article], bool]:
    """A page of what an article picker of the editor offers for `query`, and whether another follows
    (agents only, every status): the article of that number first when a number is typed, then the
    titles that match, best first (indexed); never the articles in `exclude_ids` (the one edited, those
    chosen) nor, for a translation, those in `other_than_language`."""
    if not is_agent(user):
        raise Http404
    qs = Article.objects.exclude(pk__in=[pk for pk in exclude_ids if pk is not None]).only(*PICK_COLUMNS)
    if other_than_language:
        qs = qs.exclude(language=other_than_language)
    number = article_number(query)
    by_number = list(qs.filter(pk=number)) if number is not None else []
    if number is not None and by_number:
        qs = qs.exclude(pk=number)
    titles = search.article_pick(qs, query, limit=page_size + 1, offset=(page - 1) * page_size)
    return (by_number if page == 1 else []) + titles[:page_size], len(titles) > page_size


def article_pick_titles_for(*, user, ids) -> dict[int, Article]:
    """The articles an editor's pickers show as chosen, by id, in one query (agents only)."""
    if not is_agent(user):
        raise Http404
    ids = [pk for pk in ids if isinstance(pk, int)]
    return {a.pk: a for a in Article.objects.filter(pk__in=ids).only(*PICK_COLUMNS)} if ids else {}
