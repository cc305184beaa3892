"""Requests the knowledge base answered: suggested articles opened, form never sent."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from knowledgebase.models import Article
from tickets.deflection import deflection_stats
from tickets.models import Deflection


@pytest.fixture
def article(db, agent):
    from knowledgebase import services as kb_services

    draft = kb_services.article_create_draft(
        author=agent, title="Reset your password", body="Use the link on the sign-in page.", language="en"
    )
    Article.objects.filter(pk=draft.pk).update(status="published", visibility="public")
    return Article.objects.get(pk=draft.pk)


@pytest.fixture
def internal_article(db, agent):
    from knowledgebase import services as kb_services

    return kb_services.article_create_draft(author=agent, title="Internal runbook", body="Secret", language="en")


def test_new_request_form_carries_a_token_and_the_beacon_url(client, customer):
    client.force_login(customer)
    html = client.get("/portal/requests/new/").content.decode()
    assert 'name="deflection_token"' in html and "/portal/requests/new/article-opened/" in html


def test_opened_article_without_a_request_counts_as_deflected(client, customer, article, agent):
    client.force_login(customer)
    token = str(uuid.uuid4())
    for _ in range(2):  # opened twice: one row
        response = client.post("/portal/requests/new/article-opened/", {"token": token, "article": article.pk})
        assert response.status_code == 204
    assert Deflection.objects.count() == 1
    Deflection.objects.update(opened_at=timezone.now() - timedelta(hours=1))
    now = timezone.now()
    stats = deflection_stats(user=agent, start=now - timedelta(days=1), end=now, now=now)
    assert (stats.deflected, stats.converted) == (1, 0)
    assert stats.top_articles == [("Reset your password", 1)]


def test_sending_the_form_anyway_converts_the_deflection(client, customer, article, agent):
    client.force_login(customer)
    token = str(uuid.uuid4())
    client.post("/portal/requests/new/article-opened/", {"token": token, "article": article.pk})
    response = client.post(
        "/portal/requests/new/",
        {
            "subject": "Still cannot log in",
            "description": "The link fails",
            "impact": "question",
            "deflection_token": token,
        },
    )
    assert response.status_code == 302
    assert Deflection.objects.get().ticket is not None
    Deflection.objects.update(opened_at=timezone.now() - timedelta(hours=1))
    now = timezone.now()
    stats = deflection_stats(user=agent, start=now - timedelta(days=1), end=now, now=now)
    assert (stats.deflected, stats.converted) == (0, 1)


def test_articles_a_customer_cannot_see_and_bad_tokens_are_ignored(client, customer, internal_article, article):
    client.force_login(customer)
    assert (
        client.post(
            "/portal/requests/new/article-opened/", {"token": str(uuid.uuid4()), "article": internal_article.pk}
        ).status_code
        == 204
    )
    assert (
        client.post("/portal/requests/new/article-opened/", {"token": "nope", "article": article.pk}).status_code == 204
    )
    assert (
        client.post("/portal/requests/new/article-opened/", {"token": str(uuid.uuid4()), "article": "x"}).status_code
        == 204
    )
    assert not Deflection.objects.exists()


def test_the_beacon_is_for_signed_in_customers_only(client, agent, article):
    response = client.post("/portal/requests/new/article-opened/", {"token": str(uuid.uuid4()), "article": article.pk})
    assert response.status_code == 302  # anonymous: to the sign-in page
    assert not Deflection.objects.exists()


def test_customers_get_no_deflection_stats(customer):
    now = timezone.now()
    assert deflection_stats(user=customer, start=now - timedelta(days=1), end=now, now=now) is None


def test_deflection_report_is_on_the_report_page_and_api_for_agents(client, as_user, agent, customer):
    client.force_login(agent)
    assert "Requests the knowledge base answered" in client.get("/agent/reports/sla/").content.decode()
    assert as_user(agent).get("/api/v1/reports/deflection/").json() == {
        "deflected": 0,
        "converted": 0,
        "top_articles": [],
    }
    assert as_user(customer).get("/api/v1/reports/deflection/").status_code == 404  # hidden from customers
