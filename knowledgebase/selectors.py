"""Every read of the knowledge base, scoped to the acting user (None or anonymous = the public)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import get_language

from helpdesk.permissions import is_agent
from knowledgebase.revisions import FieldDiff as FieldDiff
from knowledgebase.revisions import revision_diff as revision_diff

from . import search
from .models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleViewDaily,
    Category,
    SearchGap,
    SearchQueryStat,
    Status,
    Visibility,
    visible_visibilities,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a dev tool: only the type checker reads it

# A review-queue article: at least this many votes and a helpful share below this, or an open comment.
POOR_SCORE_MIN_VOTES = 3
POOR_SCORE_MAX_SHARE = 0.5


def article_base_for(*, user) -> QuerySet[Article]:
    """Articles `user` may read: agents all; customers published public/customers; the public, public."""
    return Article.objects.visible_to(user)


def _visible_article_q(user, prefix: str = "articles__") -> Q:
    allowed = visible_visibilities(user)
    if allowed is None:
        return Q(**{f"{prefix}isnull": False})
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}visibility__in": allowed})


# --- Categories ---------------------------------------------------------------------------------


class ArticleCount(TypedDict):
    article_count: int  # the articles the acting user may read in the category


def category_list_for(*, user, language: str | None = None) -> QuerySet[WithAnnotations[Category, ArticleCount]]:
    """All categories (flat), with the number of articles `user` may read in each."""
    qs = Category.objects.select_related("parent").annotate(
        article_count=Count("articles", filter=_visible_article_q(user), distinct=True)
    )
    if language:
        qs = qs.filter(Q(language="") | Q(language=language))
    return qs.order_by("order", "name")


def category_tree_for(*, user, language: str | None = None) -> list[WithAnnotations[Category, ArticleCount]]:
    """Top-level categories with `.subcategories`, hiding empty ones from readers (one query)."""
    rows = list(category_list_for(user=user, language=language))
    if language and not rows:
        rows = list(category_list_for(user=user))
    by_parent: dict[int, list[WithAnnotations[Category, ArticleCount]]] = {}
    for category in rows:
        if category.parent_id:
            by_parent.setdefault(category.parent_id, []).append(category)
    show_empty = is_agent(user)
    tree = []
    for category in rows:
        if category.parent_id:
            continue
        shown = [c for c in by_parent.get(category.pk, []) if show_empty or c.article_count]
        category.subcategories = list(shown)
        category.total_count = category.article_count + sum(c.article_count for c in shown)
        if show_empty or category.total_count:
            tree.append(category)
    return tree


def category_get_for(*, user, slug: str) -> Category:
    """A category with its parent; 404 when it does not exist."""
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise Http404
    return category


def category_children_for(*, user, category: Category) -> QuerySet[Category]:
    return category_list_for(user=user).filter(parent=category)


# --- Articles -----------------------------------------------------------------------------------


def article_list_for(*, user, filters: dict | None = None) -> QuerySet[Article]:
    """Articles `user` may read, filtered (category, language, status, visibility, tag, product)."""
    qs = article_base_for(user=user).select_related("category").prefetch_related("tags")
    filters = filters or {}
    if filters.get("category"):
        qs = qs.filter(Q(category_id=filters["category"]) | Q(category__parent_id=filters["category"]))
    if filters.get("language"):
        qs = qs.filter(language=filters["language"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("visibility"):
        qs = qs.filter(visibility=filters["visibility"])
    if filters.get("tag"):
        qs = qs.filter(tags__name__iexact=filters["tag"])
    if filters.get("product"):
        qs = qs.filter(products=filters["product"])
    if filters.get("q"):
        qs = search.matching(qs, filters["q"])
    return qs


def article_category_page_for(*, user, category: Category) -> QuerySet[Article]:
    """Articles of a category and its sub-categories that `user` may read, newest first."""
    return (
        article_base_for(user=user)
        .filter(Q(category=category) | Q(category__parent=category))
        .only("id", "title", "slug", "summary", "updated_at", "status", "visibility", "language", "category_id")
        .order_by("title", "pk")  # the pk keeps the pages apart where titles are equal
    )


def article_recent_for(*, user, language: str | None = None, limit: int = 8) -> QuerySet[Article]:
    qs = article_base_for(user=user).filter(status=Status.PUBLISHED)
    if language:
        qs = qs.filter(language=language)
    return qs.select_related("category").order_by("-updated_at")[:limit]


def article_get_for(*, user, article_id: int) -> Article:
    """One article `user` may read; anything else (including internal ones for customers) is a 404."""
    article = article_base_for(user=user).select_related("category").filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article


def _article_full(*, user, **lookup) -> Article:
    article = (
        article_base_for(user=user)
        .select_related("category__parent", "translation")
        .prefetch_related("tags", "products")
        .filter(**lookup)
        .first()
    )
    if article is None:
        raise Http404
    if article.translation is not None and not article.translation.is_visible_to(user):
        article.translation = None
    return article


def article_page_for(*, user, slug: str) -> Article:
    """The article page's article: category with parent, translation, tags and products."""
    return _article_full(user=user, slug=slug)


def article_opens_after_sign_in(*, user, slug: str) -> bool:
    """Whether an anonymous reader's 404 on `slug` is a published article for signed-in customers
    (the page sends them to sign in); never true for drafts, internal articles or a signed-in user."""
    if user is not None and user.is_authenticated:
        return False
    signed_in = (Visibility.PUBLIC, Visibility.CUSTOMERS)
    return Article.objects.filter(slug=slug, status=Status.PUBLISHED, visibility__in=signed_in).exists()


def article_detail_for(*, user, article_id: int) -> Article:
    """The API's article detail, loaded like the page."""
    return _article_full(user=user, pk=article_id)


def article_related_for(*, user, article: Article, limit: int = 6) -> QuerySet[Article]:
    return article_base_for(user=user).filter(related=article).only("id", "title", "slug", "summary")[:limit]


def article_vote_of(*, user, article: Article) -> ArticleFeedback | None:
    if user is None or not user.is_authenticated:
        return None
    return ArticleFeedback.objects.filter(article=article, user=user).first()


def article_search_for(
    *,
    user,
    query: str,
    language: str | None = None,
    prefer_language: str | None = None,
    limit: int = 20,
    offset: int = 0,
):
    """Ranked hits with snippets among what `user` may read (search.Hit list).

    `language` keeps one language only; otherwise `prefer_language` (default: the active one) comes
    first and an article is shown as its translation in that language where one exists.
    """
    qs = (
        article_base_for(user=user)
        .select_related("category")
        .prefetch_related("tags")
        .defer("body", "body_html", "search_title", "search_summary", "search_body", "search_vector")
    )
    if not is_agent(user):
        qs = qs.filter(status=Status.PUBLISHED)
    if language:
        qs = qs.filter(language=language)
    preferred = language or prefer_language or get_language()
    return search.article_search(qs, query, language=preferred, limit=limit, offset=offset)


def article_suggestions_for(
    *, user, query: str, language: str | None = None, prefer_language: str | None = None, limit: int = 5
):
    """As-you-type suggestions (published articles only, even for agents), best first, reader's language first."""
    qs = (
        article_base_for(user=user)
        .filter(status=Status.PUBLISHED)
        .only("id", "title", "slug", "summary", "language", "translation_id", "updated_at")
    )
    if language:
        qs = qs.filter(language=language)
    preferred = language or prefer_language or get_language()
    return search.article_suggest(qs, query, language=preferred, limit=limit)


def article_reply_text(*, article: Article, mode: str) -> str:
    """What "insert into reply" puts in a ticket reply: a link line, or the article's text."""
    url = settings.SITE_URL.rstrip("/") + article.get_absolute_url()
    if mode == "text":
        return f"{article.title}\n\n{article.body.strip()}\n\n{url}"
    return f"{article.title}: {url}"


def article_view_total(*, article: Article) -> int:
    return ArticleViewDaily.objects.filter(article=article).aggregate(total=Sum("count"))["total"] or 0


# --- Authoring ----------------------------------------------------------------------------------


def article_manage_list_for(*, user, status: str = "", q: str = "") -> QuerySet[Article]:
    """The authoring list: agents only, every status, with vote and view totals."""
    if not is_agent(user):
        raise Http404
    qs: QuerySet[Article] = Article.objects.select_related("category", "author").annotate(
        votes=Count("feedback", distinct=True),
        helpful_votes=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = search.matching(qs, q)
    return qs.order_by("-updated_at", "-pk")


def article_manage_get_for(*, user, article_id: int) -> Article:
    if not is_agent(user):
        raise Http404
    articles = Article.objects.select_related("category", "translation").prefetch_related("tags", "products")
    article = articles.filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article


def revision_list_for(*, user, article: Article) -> QuerySet[ArticleRevision]:
    if not is_agent(user):
        raise Http404
    return article.revisions.select_related("author").order_by("-number")


def revision_get_for(*, user, article: Article, revision_id: int) -> ArticleRevision:
    revision = revision_list_for(user=user, article=article).filter(pk=revision_id).first()
    if revision is None:
        raise Http404
    return revision


def revision_previous(*, revision: ArticleRevision) -> ArticleRevision | None:
    return (
        ArticleRevision.objects.filter(article_id=revision.article_id, number__lt=revision.number)
        .order_by("-number")
        .first()
    )


def review_queue_for(*, user) -> QuerySet[Article]:
    """Articles with a poor helpful share or open feedback comments, worst first (agents only)."""
    if not is_agent(user):
        raise Http404
    open_comments = ArticleFeedback.objects.filter(article=OuterRef("pk"), resolved_at__isnull=True).exclude(comment="")
    qs = (
        Article.objects.select_related("category")
        .annotate(
            votes=Count("feedback", distinct=True),
            helpful_votes=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
            open_comments=Count(
                "feedback",
                filter=Q(feedback__resolved_at__isnull=True) & ~Q(feedback__comment=""),
                distinct=True,
            ),
            has_open_comments=Exists(open_comments),
        )
        .filter(
            Q(has_open_comments=True)
            | Q(votes__gte=POOR_SCORE_MIN_VOTES, helpful_votes__lt=F("votes") * POOR_SCORE_MAX_SHARE)
        )
        .prefetch_related(
            Prefetch(
                "feedback",
                queryset=ArticleFeedback.objects.filter(resolved_at__isnull=True)
                .exclude(comment="")
                .select_related("user"),
                to_attr="open_feedback",
            )
        )
    )
    return qs.order_by("-open_comments", "helpful_votes", "-updated_at", "-pk")


def feedback_get_for(*, user, feedback_id: int) -> ArticleFeedback:
    if not is_agent(user):
        raise Http404
    feedback = ArticleFeedback.objects.select_related("article").filter(pk=feedback_id).first()
    if feedback is None:
        raise Http404
    return feedback


def feedback_list_for(*, user, article: Article) -> QuerySet[ArticleFeedback]:
    if not is_agent(user):
        raise Http404
    return article.feedback.select_related("user").order_by("-created_at")


def search_gap_list_for(*, user) -> QuerySet[SearchGap]:
    if not is_agent(user):
        raise Http404
    return SearchGap.objects.order_by("-count", "-last_seen", "-pk")


def search_unopened_for(*, user) -> QuerySet[SearchQueryStat]:
    """Searches whose results nobody opened, most searched first (agents only)."""
    if not is_agent(user):
        raise Http404
    return SearchQueryStat.objects.filter(opened=0, searches__gt=0).order_by("-searches", "-last_seen")


def search_led_to_ticket_for(*, user) -> QuerySet[SearchQueryStat]:
    """What customers sent requests about although articles were suggested, most first (agents only)."""
    if not is_agent(user):
        raise Http404
    return SearchQueryStat.objects.filter(tickets__gt=0).order_by("-tickets", "-last_seen")


def search_gap_get_for(*, user, gap_id: int) -> SearchGap:
    gap = search_gap_list_for(user=user).filter(pk=gap_id).first()
    if gap is None:
        raise Http404
    return gap


def sitemap_articles_for(*, user) -> QuerySet[Article]:
    """The sitemap lists what the public may read, whoever asks."""
    return article_base_for(user=None).only("slug", "updated_at").order_by("pk")
