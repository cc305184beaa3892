"""Knowledge base: categories, articles, revisions, feedback, view counts and search gaps."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from helpdesk.permissions import is_agent


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CUSTOMERS = "customers", _("Signed-in customers")
    INTERNAL = "internal", _("Internal (agents only)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# The life cycle: each status maps to the statuses allowed next (article_change_status checks it).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.REVIEW,),
    Status.REVIEW: (Status.DRAFT, Status.PUBLISHED),
    Status.PUBLISHED: (Status.DRAFT, Status.ARCHIVED),
    Status.ARCHIVED: (Status.DRAFT,),
}


def visible_visibilities(user) -> tuple[str, ...] | None:
    """The visibilities a reader may see among published articles; None means everything (agents)."""
    if is_agent(user):
        return None
    if user is not None and user.is_authenticated:
        return (Visibility.PUBLIC, Visibility.CUSTOMERS)
    return (Visibility.PUBLIC,)


class Category(models.Model):
    """A group of articles; one level of sub-categories (a sub-category has no children)."""

    # Set by knowledgebase.selectors.category_tree_for on the top level it returns: the
    # sub-categories shown and the number of articles with theirs.
    subcategories: list["Category"]
    total_count: int

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty for a category shown in every language."),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("kb:category", kwargs={"slug": self.slug})


class ArticleTag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """What `user` may read: agents everything; others published articles of their visibility."""
        allowed = visible_visibilities(user)
        if allowed is None:
            return self
        return self.filter(status=Status.PUBLISHED, visibility__in=allowed)


class Article(models.Model):
    """One article: Markdown source plus its sanitized HTML and the normalised text search uses."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(_("body (HTML)"), blank=True, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    tags = models.ManyToManyField(ArticleTag, verbose_name=_("tags"), blank=True, related_name="articles")
    related = models.ManyToManyField("self", verbose_name=_("related articles"), blank=True)
    products = models.ManyToManyField(Product, verbose_name=_("products"), blank=True, related_name="kb_articles")
    translation = models.ForeignKey(
        "self",
        verbose_name=_("translation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The same article in the other language."),
    )
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kb_articles",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Search: the analysed words (helpdesk.analysis: stems without stop words, space-padded so a
    # `contains " stem"` is a word prefix) of the title, of the summary and tags, and of the body;
    # on PostgreSQL the weighted vector over them. Written by services on every save.
    search_title = models.CharField(max_length=200, blank=True, editable=False)
    search_summary = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)  # plain text of body_html, for snippets
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            # search.article_search / article_suggest: `search_vector @@ to_tsquery(...)`.
            GinIndex(fields=["search_vector"], name="kb_article_search_gin"),
            # Public pages: published articles of a category, by visibility.
            models.Index(fields=["category", "status", "visibility"], name="kb_article_cat_status_idx"),
            models.Index(fields=["status", "-updated_at"], name="kb_article_status_upd_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kb:article", kwargs={"slug": self.slug})

    def is_visible_to(self, user) -> bool:
        allowed = visible_visibilities(user)
        return allowed is None or (self.status == Status.PUBLISHED and self.visibility in allowed)

    @property
    def is_rtl(self) -> bool:
        return self.language == "fa"


FIELD_LABELS = {
    "title": _("Title"),
    "slug": _("Slug"),
    "summary": _("Summary"),
    "body": _("Body"),
    "category": _("Category"),
    "language": _("Language"),
    "tags": _("Tags"),
    "visibility": _("Visibility"),
    "status": _("Status"),
    "products": _("Products"),
}


class ArticleRevision(models.Model):
    """A snapshot taken on every save: who, when, which fields changed, and the content then."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    note = models.CharField(_("note"), max_length=200, blank=True)
    snapshot = models.JSONField(_("content"), default=dict)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="kb_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.number}"

    @property
    def changed_labels(self) -> list[str]:
        return [str(FIELD_LABELS.get(name, name)) for name in self.changed_fields]


class ArticleFeedback(models.Model):
    """'Was this helpful?' — one vote per person per article, with an optional comment."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kb_feedback")
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="kb_one_vote_per_person")]
        indexes = [
            # selectors.review_queue_for: open comments.
            models.Index(
                fields=["article"], condition=Q(resolved_at__isnull=True) & ~Q(comment=""), name="kb_fb_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class ArticleViewDaily(models.Model):
    """Page views per article and day, so reading an article never writes the article row."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="kb_view_article_day_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"


class SynonymGroup(models.Model):
    """Words and phrases that mean the same to a searcher, in any language (applied at query time)."""

    terms = models.TextField(
        _("words and phrases"),
        help_text=_("One word or phrase per line, in English or Persian, e.g. password, passcode, رمز عبور."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return ", ".join(self.term_list())[:100]

    def term_list(self) -> list[str]:
        return [line.strip() for line in self.terms.replace(",", "\n").splitlines() if line.strip()]


class SearchTerm(models.Model):
    """Every stem the articles use: the vocabulary a misspelt query word is corrected against."""

    term = models.CharField(max_length=100, unique=True)

    class Meta:
        indexes = [
            # search.corrections (PostgreSQL): `term % %s` (pg_trgm similarity) over the vocabulary.
            GinIndex(fields=["term"], name="kb_term_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.term


class SearchGap(models.Model):
    """A normalised query that found nothing, how often and when last (the knowledge gaps report)."""

    query = models.CharField(_("query"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("searches"), default=0)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")

    def __str__(self) -> str:
        return self.query


class SearchQueryStat(models.Model):
    """What people search for, grouped by meaning (the sorted stems: "reset my password" and "password
    reset" are one row): how often, how often a result was opened, and how often a request was sent
    anyway after the new-request form had suggested articles (the knowledge gaps report)."""

    key = models.CharField(max_length=200, unique=True)
    example = models.CharField(_("search"), max_length=200)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    opened = models.PositiveIntegerField(_("results opened"), default=0)
    tickets = models.PositiveIntegerField(_("requests sent anyway"), default=0)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("search statistic")
        verbose_name_plural = _("search statistics")
        indexes = [
            # selectors.search_unopened_for: searched, results shown, none opened, most searched first.
            models.Index(fields=["-searches"], condition=Q(opened=0, searches__gt=0), name="kb_stat_unopened_idx"),
            # selectors.search_led_to_ticket_for: most requests first.
            models.Index(fields=["-tickets"], condition=Q(tickets__gt=0), name="kb_stat_tickets_idx"),
        ]

    def __str__(self) -> str:
        return self.example
