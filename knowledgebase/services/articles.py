"""Articles: drafts, edits with revisions, translations, the review workflow, search fields."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from helpdesk.text import clean_line, split_items
from knowledgebase import search
from knowledgebase.exceptions import ArticleInvalidTransition
from knowledgebase.models import (
    TRANSITIONS,
    Article,
    ArticleRevision,
    ArticleTag,
    Category,
    Status,
    Visibility,
)
from knowledgebase.rendering import html_to_text, render_markdown
from knowledgebase.services.common import _require_agent, _unique_slug

# Fields an edit may change; each save compares the snapshot of these to the previous revision.
CONTENT_FIELDS = ("title", "slug", "summary", "body", "category", "language", "tags", "visibility", "products")
_UNSET = object()


def _tags(names: Iterable[str]) -> list[ArticleTag]:
    clean: list[str] = []
    for name in split_items(str(name) for name in names):
        name = name[:60]
        if name and name.casefold() not in {c.casefold() for c in clean}:
            clean.append(name)
    tags = []
    for name in clean:
        tag = ArticleTag.objects.filter(name__iexact=name).first() or ArticleTag.objects.create(name=name)
        tags.append(tag)
    return tags


def _snapshot(article: Article) -> dict:
    return {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "category": article.category_id,
        "category_name": article.category.name if article.category is not None else "",
        "language": article.language,
        "tags": sorted(t.name for t in article.tags.all()),
        "visibility": article.visibility,
        "status": article.status,
        "products": sorted(article.products.values_list("pk", flat=True)),
    }


def _record_revision(*, article: Article, actor, note: str = "") -> ArticleRevision | None:
    """Keep this save as a revision, naming the fields that changed; nothing changed → no revision."""
    snapshot = _snapshot(article)
    previous = article.revisions.order_by("-number").first()
    if previous is None:
        changed = [f for f in (*CONTENT_FIELDS, "status") if snapshot.get(f) not in ("", [], None)]
        number = 1
    else:
        changed = [f for f in (*CONTENT_FIELDS, "status") if previous.snapshot.get(f) != snapshot.get(f)]
        if not changed and not note:
            return None
        number = previous.number + 1
    return ArticleRevision.objects.create(
        article=article, number=number, author=actor, changed_fields=changed, note=note, snapshot=snapshot
    )


def _refresh_derived(article: Article, *, tag_names: Iterable[str]) -> None:
    """Sanitized HTML, plain text and the analysed search columns, from the Markdown source and tags."""
    article.body_html = render_markdown(article.body)
    article.body_text = html_to_text(article.body_html)
    columns = search.search_columns(
        title=article.title, summary=article.summary, tag_names=tag_names, body_text=article.body_text
    )
    for name, value in columns.items():
        setattr(article, name, value)


def _remember_terms(articles: Iterable[Article]) -> None:
    """Add the stems these articles use to the vocabulary spelling corrections draw on."""
    search.remember_terms(getattr(article, name) for article in articles for name in search.SEARCH_COLUMNS)


def _save(article: Article, *, tag_names: Iterable[str] | None = None) -> None:
    if tag_names is None:
        tag_names = list(article.tags.values_list("name", flat=True)) if article.pk else []
    article.title = clean_line(article.title)  # no bidi override reorders it for readers
    _refresh_derived(article, tag_names=tag_names)
    article.updated_at = timezone.now()
    article.full_clean(exclude=["slug", "translation", "author"])
    article.save()
    search.refresh_vectors(Article.objects.filter(pk=article.pk))
    _remember_terms([article])


def _check_slug(slug: str, *, exclude_pk=None) -> None:
    if Article.objects.exclude(pk=exclude_pk).filter(slug=slug).exists():
        raise ValidationError({"slug": _("This slug is already used by another article.")})


@transaction.atomic
def article_create(
    *,
    author,
    title: str,
    body: str = "",
    summary: str = "",
    language: str = "en",
    category: Category | None = None,
    tags: Iterable[str] = (),
    visibility: str = Visibility.PUBLIC,
    products: Iterable[Product] = (),
    related: Iterable[Article] = (),
    slug: str = "",
    note: str = "",
) -> Article:
    """A new draft, kept as revision 1."""
    _require_agent(author)
    if slug:
        _check_slug(slug)
    article = Article(
        title=title,
        body=body,
        summary=summary,
        language=language,
        category=category,
        visibility=visibility,
        status=Status.DRAFT,
        author=author,
        slug=slug or _unique_slug(Article, title, fallback="article"),
    )
    tag_objects = _tags(tags)
    _save(article, tag_names=[t.name for t in tag_objects])
    article.tags.set(tag_objects)
    article.products.set(list(products))
    article.related.set([a for a in related if a.pk != article.pk])
    _record_revision(article=article, actor=author, note=note)
    return article


def article_create_draft(
    *, author, title: str, body: str, summary: str = "", language: str, category=None, source_note: str = ""
) -> Article:
    """A draft prefilled from elsewhere (the tickets app: "create article from this ticket").

    Internal until someone reviews it, so a customer's question never leaks by accident.
    `source_note` (e.g. "From ticket #42") is kept on the first revision.
    """
    return article_create(
        author=author,
        title=title,
        body=body,
        summary=summary,
        language=language,
        category=category,
        visibility=Visibility.INTERNAL,
        note=source_note[:200],
    )


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor,
    title=_UNSET,
    slug=_UNSET,
    summary=_UNSET,
    body=_UNSET,
    category=_UNSET,
    language=_UNSET,
    visibility=_UNSET,
    tags=_UNSET,
    products=_UNSET,
    related=_UNSET,
    translation=_UNSET,
    note: str = "",
) -> Article:
    """Edit an article's content; the save is kept as a revision naming what changed."""
    _require_agent(actor)
    if related is not _UNSET:
        related = list(related)
        if any(a.pk == article.pk for a in related):
            # refused before anything changes, on every channel (the editor, the API): never dropped in silence
            raise ValidationError({"related": [_("An article cannot be related to itself.")]})
    simple = {
        "title": title,
        "summary": summary,
        "body": body,
        "category": category,
        "language": language,
        "visibility": visibility,
    }
    for name, value in simple.items():
        if value is not _UNSET:
            setattr(article, name, value)
    if slug is not _UNSET and slug and slug != article.slug:
        _check_slug(slug, exclude_pk=article.pk)
        article.slug = slug
    tag_objects = _tags(tags) if tags is not _UNSET else None
    _save(article, tag_names=None if tag_objects is None else [t.name for t in tag_objects])
    if tag_objects is not None:
        article.tags.set(tag_objects)
    if products is not _UNSET:
        article.products.set(list(products))
    if related is not _UNSET:
        article.related.set(related)
    if translation is not _UNSET:
        _link_translation(article=article, translation=translation)
    _record_revision(article=article, actor=actor, note=note)
    return article


def _link_translation(*, article: Article, translation: Article | None) -> None:
    old = article.translation
    if translation is not None:
        if translation.pk == article.pk or translation.language == article.language:
            raise ValidationError({"translation": _("A translation must be another article in another language.")})
        # One partner each: whatever either was linked to before is unlinked.
        Article.objects.filter(translation__in=[article, translation]).exclude(
            pk__in=[article.pk, translation.pk]
        ).update(translation=None)
        Article.objects.filter(pk=translation.pk).update(translation=article)
    if old is not None and (translation is None or old.pk != translation.pk):
        Article.objects.filter(pk=old.pk, translation=article).update(translation=None)
    Article.objects.filter(pk=article.pk).update(translation=translation)
    article.translation = translation


def article_link_translation(*, article: Article, translation: Article | None, actor) -> Article:
    """Link two articles as translations of each other (both sides), or unlink with None."""
    _require_agent(actor)
    with transaction.atomic():
        _link_translation(article=article, translation=translation)
    return article


@transaction.atomic
def article_change_status(*, article: Article, actor, status: str) -> Article:
    """The only writer of `status`, checked against models.TRANSITIONS; kept as a revision."""
    _require_agent(actor)
    if status == article.status:
        return article
    if status not in TRANSITIONS.get(article.status, ()):
        raise ArticleInvalidTransition(
            _("An article cannot go from %(old)s to %(new)s.")
            % {"old": Status(article.status).label, "new": Status(status).label if status in Status else status}
        )
    if status == Status.PUBLISHED and not (article.title.strip() and article.body.strip()):
        raise ValidationError(_("An article needs a title and a body before it is published."))
    article.status = status
    article.updated_at = timezone.now()
    fields = ["status", "updated_at"]
    if status == Status.PUBLISHED:
        article.published_at = article.updated_at
        fields.append("published_at")
    article.save(update_fields=fields)
    _record_revision(article=article, actor=actor)
    return article


def article_submit_for_review(*, article: Article, actor) -> Article:
    return article_change_status(article=article, actor=actor, status=Status.REVIEW)


def article_publish(*, article: Article, actor) -> Article:
    return article_change_status(article=article, actor=actor, status=Status.PUBLISHED)


def article_archive(*, article: Article, actor) -> Article:
    return article_change_status(article=article, actor=actor, status=Status.ARCHIVED)


@transaction.atomic
def article_restore_revision(*, article: Article, revision: ArticleRevision, actor) -> Article:
    """Bring back an older revision's content (not its status) as a new revision."""
    _require_agent(actor)
    if revision.article_id != article.pk:
        raise ValidationError(_("That revision belongs to another article."))
    data = revision.snapshot
    category = Category.objects.filter(pk=data.get("category")).first() if data.get("category") else None
    return article_update(
        article=article,
        actor=actor,
        title=data.get("title", article.title),
        summary=data.get("summary", ""),
        body=data.get("body", ""),
        category=category,
        language=data.get("language", article.language),
        visibility=data.get("visibility", article.visibility),
        tags=data.get("tags", []),
        products=Product.objects.filter(pk__in=data.get("products", [])),
        note=str(_("Restored revision %(number)s")) % {"number": revision.number},
    )


def article_delete(*, article: Article, actor) -> None:
    """Delete an article with its revisions, feedback and view counts."""
    _require_agent(actor)
    article.delete()


def article_refresh_search(*, queryset) -> int:
    """Recompute derived and search columns in bulk (after a data import)."""
    count = 0
    for article in queryset.prefetch_related("tags").iterator(chunk_size=500):
        _refresh_derived(article, tag_names=[t.name for t in article.tags.all()])
        article.save(update_fields=["body_html", "body_text", "search_title", "search_summary", "search_body"])
        _remember_terms([article])
        count += 1
    search.refresh_vectors(queryset)
    return count
