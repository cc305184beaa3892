"""Demo knowledge base: categories and articles in English and Persian. Idempotent.

`load()` creates what is missing and leaves what exists alone, so search and suggestions can be
tried at once ("install", "invoice", "رمز", "پرداخت", ...).
The categories and articles themselves are in knowledgebase.demo.content.
"""

from customers.models import Product
from helpdesk import demo as core_demo
from helpdesk.models import User
from knowledgebase import services
from knowledgebase.demo.content import ARTICLES, CATEGORIES, RELATED, TRANSLATIONS
from knowledgebase.models import Article, ArticleFeedback, Category, Status


def _categories(author) -> dict[str, Category]:
    found = {c.slug: c for c in Category.objects.all()}
    for slug, name, description, parent, order, language in CATEGORIES:
        if slug not in found:
            found[slug] = services.category_create(
                actor=author,
                name=name,
                slug=slug,
                description=description,
                parent=found.get(parent) if parent else None,
                order=order,
                language=language,
            )
    return found


def load() -> dict:
    """Create the demo knowledge base (needs the demo users of helpdesk.demo, which it loads)."""
    users = core_demo.load()["users"]
    author = users["admin@example.com"]
    reviewer = users.get("reza@example.com", author)
    categories = _categories(author)
    products = list(Product.objects.order_by("pk")[:1])
    articles = {a.slug: a for a in Article.objects.filter(slug__in=[row[0] for row in ARTICLES])}
    for slug, category, language, visibility, status, title, summary, tags, body in ARTICLES:
        if slug in articles:
            continue
        article = services.article_create(
            author=author if language == "en" else reviewer,
            slug=slug,
            title=title,
            summary=summary,
            body=body,
            language=language,
            category=categories[category],
            tags=tags,
            visibility=visibility,
            products=products if category in ("installation", "fa-installation") else [],
        )
        if status == Status.PUBLISHED:
            services.article_submit_for_review(article=article, actor=article.author)
            services.article_publish(article=article, actor=reviewer)
        articles[slug] = article
    for left, right in TRANSLATIONS:
        if articles[left].translation_id is None:
            services.article_link_translation(article=articles[left], translation=articles[right], actor=author)
    for slug, others in RELATED:
        articles[slug].related.add(*[articles[o] for o in others])
    customer = User.objects.with_email("customer@example.com").first()
    if customer is not None and not ArticleFeedback.objects.filter(user=customer).exists():
        services.article_vote(
            article=articles["sync-error-timeout"],
            user=customer,
            helpful=False,
            comment="The health URL opens fine for me, but sync still fails. What next?",
        )
        services.article_vote(article=articles["reset-password"], user=customer, helpful=True)
    return {"categories": categories, "articles": articles}
