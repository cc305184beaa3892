"""Knowledge-base fixtures: articles of every visibility and status, written through the services."""

import pytest

from knowledgebase import services
from knowledgebase.models import Status, Visibility


def make_article(author, *, title="How to install", body="Run the installer.", status=Status.PUBLISHED, **fields):
    """An article created (and moved through the life cycle) the way the product does it."""
    article = services.article_create(author=author, title=title, body=body, **fields)
    if status in (Status.REVIEW, Status.PUBLISHED, Status.ARCHIVED):
        services.article_submit_for_review(article=article, actor=author)
    if status in (Status.PUBLISHED, Status.ARCHIVED):
        services.article_publish(article=article, actor=author)
    if status == Status.ARCHIVED:
        services.article_archive(article=article, actor=author)
    article.refresh_from_db()
    return article


@pytest.fixture
def category(agent):
    return services.category_create(actor=agent, name="Installation", slug="installation", description="Setup")


@pytest.fixture
def subcategory(agent, category):
    return services.category_create(actor=agent, name="Windows", slug="windows", parent=category)


@pytest.fixture
def public_article(agent, category):
    return make_article(
        agent, title="Install the desktop app", summary="Download and run", category=category, slug="install-app"
    )


@pytest.fixture
def customers_article(agent, category):
    return make_article(
        agent,
        title="Download your invoices",
        body="Invoices are in the billing section.",
        category=category,
        visibility=Visibility.CUSTOMERS,
        slug="invoices",
    )


@pytest.fixture
def internal_article(agent, category):
    return make_article(
        agent,
        title="Internal discount rules",
        body="Secret discount approval rules.",
        category=category,
        visibility=Visibility.INTERNAL,
        slug="discounts",
    )


@pytest.fixture
def draft_article(agent, category):
    return make_article(
        agent,
        title="Draft about offline mode",
        body="Offline mode draft.",
        category=category,
        status=Status.DRAFT,
        slug="offline",
    )


@pytest.fixture
def articles(public_article, customers_article, internal_article, draft_article):
    return {
        "public": public_article,
        "customers": customers_article,
        "internal": internal_article,
        "draft": draft_article,
    }


@pytest.fixture
def personas(admin_user, agent, customer, other_customer):
    return {
        "admin": admin_user,
        "agent": agent,
        "customer": customer,
        "other_customer": other_customer,
        "anonymous": None,
    }
