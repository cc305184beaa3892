"""Every article is reachable from the lists that show them: the authoring list (/kb/manage/) and a
category's page are paginated (they stopped at 200 and 50 articles, and the rest could only be
found by searching), keep their filters from page to page and read a fixed number of queries."""

import re

import pytest

from knowledgebase import views
from knowledgebase.models import Status, Visibility

from .conftest import make_article


def _titles(html: str) -> list[str]:
    return re.findall(r">(Article \d+)</a>", html)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "MANAGE_PAGE_SIZE", 3)
    monkeypatch.setattr(views, "CATEGORY_PAGE_SIZE", 3)


@pytest.mark.django_db
def test_the_authoring_list_pages_through_every_article_with_its_filter(agent, client, small_pages):
    for i in range(8):
        make_article(
            agent, title=f"Article {i}", slug=f"article-{i}", status=Status.DRAFT if i % 2 else Status.PUBLISHED
        )
    client.force_login(agent)
    first = client.get("/kb/manage/", {"status": "draft"}).content.decode()
    assert _titles(first) == ["Article 7", "Article 5", "Article 3"]  # newest first
    assert 'rel="next" href="?status=draft&amp;page=2"' in first and 'rel="prev"' not in first
    second = client.get("/kb/manage/", {"status": "draft", "page": "2"}).content.decode()
    assert _titles(second) == ["Article 1"] and 'rel="prev" href="?status=draft&amp;page=1"' in second
    everything = []
    for page in ("1", "2", "3"):
        everything += _titles(client.get("/kb/manage/", {"page": page}).content.decode())
    assert sorted(everything) == [f"Article {i}" for i in range(8)]  # each once, none left out


@pytest.mark.django_db
def test_a_page_past_the_end_or_not_a_number_shows_a_page_of_the_list(agent, client, small_pages):
    for i in range(4):
        make_article(agent, title=f"Article {i}", slug=f"article-{i}")
    client.force_login(agent)
    assert _titles(client.get("/kb/manage/", {"page": "99"}).content.decode()) == ["Article 0"]
    assert len(_titles(client.get("/kb/manage/", {"page": "x"}).content.decode())) == 3


@pytest.mark.django_db
def test_the_authoring_list_reads_the_same_queries_for_a_page_of_3_or_of_50(
    agent, client, django_assert_max_num_queries
):
    client.force_login(agent)
    make_article(agent, title="Article 0", slug="article-0")
    client.get("/kb/manage/")
    with django_assert_max_num_queries(8) as few:
        client.get("/kb/manage/")
    for i in range(1, 60):
        make_article(agent, title=f"Article {i}", slug=f"article-{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/kb/manage/").content.decode()
    assert len(_titles(html)) == views.MANAGE_PAGE_SIZE and 'rel="next"' in html


@pytest.mark.django_db
def test_a_customer_cannot_page_through_the_authoring_list(customer, client):
    client.force_login(customer)
    assert client.get("/kb/manage/", {"page": "2"}).status_code == 404


@pytest.mark.django_db
def test_a_category_pages_through_what_the_reader_may_read(agent, category, client, small_pages):
    for i in range(5):
        make_article(agent, title=f"Article {i}", slug=f"article-{i}", category=category)
    for i in range(5, 8):  # agents only: never on a customer's pages, nor counted in them
        make_article(
            agent, title=f"Article {i}", slug=f"article-{i}", category=category, visibility=Visibility.INTERNAL
        )
    first = client.get("/kb/category/installation/").content.decode()
    second = client.get("/kb/category/installation/", {"page": "2"}).content.decode()
    assert _titles(first) == ["Article 0", "Article 1", "Article 2"] and 'href="?page=2"' in first
    assert _titles(second) == ["Article 3", "Article 4"] and 'rel="next"' not in second
    client.force_login(agent)
    pages = [client.get("/kb/category/installation/", {"page": n}).content.decode() for n in ("1", "2", "3")]
    assert sorted(t for html in pages for t in _titles(html)) == [f"Article {i}" for i in range(8)]


@pytest.mark.django_db
def test_the_pager_speaks_persian(agent, client, small_pages):
    for i in range(4):
        make_article(agent, title=f"Article {i}", slug=f"article-{i}")
    agent.language = "fa"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    html = client.get("/kb/manage/", {"page": "2"}, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "صفحهٔ ۲" in html and ">قبلی<" in html, re.findall(r'<nav class="pager".*?</nav>', html, re.S)


@pytest.mark.django_db
def test_the_review_queue_and_the_gaps_reach_every_item_page_by_page(agent, customer, client, small_pages):
    from knowledgebase import services

    for i in range(4):
        article = make_article(agent, title=f"Article {i}", slug=f"article-{i}")
        services.article_vote(article=article, user=customer, helpful=False, comment=f"Unclear step {i}")
    for query in ("fax machine", "printer jam", "zebra crossing", "volcano ash"):
        client.get("/kb/search/", {"q": query})  # found nothing: a gap
    client.force_login(agent)
    review = [client.get("/kb/manage/review/", {"page": n}).content.decode() for n in ("1", "2")]
    assert 'rel="next" href="?page=2"' in review[0]
    assert sorted(t for html in review for t in _titles(html)) == [f"Article {i}" for i in range(4)]
    gaps = [client.get("/kb/manage/gaps/", {"page": n}).content.decode() for n in ("1", "2")]
    found = [
        q for q in ("fax machine", "printer jam", "zebra crossing", "volcano ash") if any(q in html for html in gaps)
    ]
    assert len(found) == 4 and 'rel="next" href="?page=2"' in gaps[0]
    assert sum(len(re.findall(r'action="/kb/manage/gaps/\d+/dismiss/"', html)) for html in gaps) == 4
