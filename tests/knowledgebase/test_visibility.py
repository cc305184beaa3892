"""Who sees which article, everywhere: API, pages, search, suggestions, sitemap."""

import pytest

VISIBLE = {
    "admin": {"public", "customers", "internal", "draft"},
    "agent": {"public", "customers", "internal", "draft"},
    "customer": {"public", "customers"},
    "other_customer": {"public", "customers"},
    "anonymous": {"public"},
}
PERSONAS = list(VISIBLE)


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_article_list_shows_only_what_the_persona_may_read(persona, personas, articles, as_user):
    response = as_user(personas[persona]).get("/api/v1/kb/articles/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {articles[kind].pk for kind in VISIBLE[persona]}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["public", "customers", "internal", "draft"])
def test_api_article_detail_is_404_when_the_persona_may_not_read_it(persona, kind, personas, articles, as_user):
    response = as_user(personas[persona]).get(f"/api/v1/kb/articles/{articles[kind].pk}/")
    expected = 200 if kind in VISIBLE[persona] else 404
    assert response.status_code == expected
    if expected == 404:
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["public", "customers", "internal", "draft"])
def test_article_page_is_404_when_the_persona_may_not_read_it(persona, kind, personas, articles, client):
    response = _client(client, personas[persona]).get(articles[kind].get_absolute_url())
    # A customers-only article sends an anonymous reader to sign in (tests/knowledgebase/test_sign_in_articles.py).
    signs_in = persona == "anonymous" and kind == "customers"
    assert response.status_code == (200 if kind in VISIBLE[persona] else 302 if signs_in else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_category_page_lists_only_readable_articles(persona, personas, articles, category, client):
    html = _client(client, personas[persona]).get(category.get_absolute_url()).content.decode()
    for kind, article in articles.items():
        assert (article.title in html) == (kind in VISIBLE[persona])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["customer", "anonymous"])
def test_internal_articles_never_appear_in_search_suggestions_or_sitemap_for_readers(
    persona, personas, articles, client, as_user
):
    user = personas[persona]
    api = as_user(user)
    for query in ["discount", "Internal discount rules", "disc", "offline"]:
        search = api.get("/api/v1/kb/articles/search/", {"q": query}).json()["results"]
        suggest = api.get("/api/v1/kb/articles/suggest", {"q": query}).json()["results"]
        assert search == [] and suggest == []
        page = _client(client, user).get("/kb/search/", {"q": query}).content.decode()
        assert "/kb/articles/discounts/" not in page and "/kb/articles/offline/" not in page
        partial = client.get("/kb/suggest/", {"q": query}).content.decode()
        assert "Internal discount" not in partial
    sitemap = client.get("/kb/sitemap.xml").content.decode()
    assert "/kb/articles/install-app/" in sitemap
    assert "discounts" not in sitemap and "offline" not in sitemap and "invoices" not in sitemap
    index = client.get("/kb/").content.decode()
    assert "Internal discount rules" not in index


@pytest.mark.django_db
def test_agents_find_internal_articles_in_search(agent, articles, as_user):
    results = as_user(agent).get("/api/v1/kb/articles/search/", {"q": "discount"}).json()["results"]
    assert [r["id"] for r in results] == [articles["internal"].pk]


@pytest.mark.django_db
def test_suggestions_leave_out_drafts_even_for_agents(agent, articles, as_user):
    results = as_user(agent).get("/api/v1/kb/articles/suggest", {"q": "offline"}).json()["results"]
    assert results == []


@pytest.mark.django_db
def test_signed_in_customers_get_customer_only_articles_in_suggestions_but_anonymous_do_not(
    customer, articles, as_user
):
    assert [
        r["title"] for r in as_user(customer).get("/api/v1/kb/articles/suggest", {"q": "invoic"}).json()["results"]
    ] == ["Download your invoices"]
    assert as_user(None).get("/api/v1/kb/articles/suggest", {"q": "invoic"}).json()["results"] == []


@pytest.mark.django_db
def test_archived_articles_are_hidden_from_readers(agent, customer, public_article, as_user):
    from knowledgebase import services

    services.article_archive(article=public_article, actor=agent)
    assert as_user(customer).get(f"/api/v1/kb/articles/{public_article.pk}/").status_code == 404
    assert as_user(agent).get(f"/api/v1/kb/articles/{public_article.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_translation_link_to_an_internal_article_is_not_shown_to_customers(agent, customer, public_article, as_user):
    from knowledgebase import services
    from knowledgebase.models import Visibility

    from .conftest import make_article

    persian = make_article(agent, title="نصب برنامه", language="fa", visibility=Visibility.INTERNAL)
    services.article_link_translation(article=public_article, translation=persian, actor=agent)
    assert as_user(customer).get(f"/api/v1/kb/articles/{public_article.pk}/").json()["translation"] is None
    assert as_user(agent).get(f"/api/v1/kb/articles/{public_article.pk}/").json()["translation"] == persian.pk
