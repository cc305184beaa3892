"""The KB API: writes for agents, reads for everyone under visibility, every endpoint × personas."""

import pytest

from knowledgebase.models import Article, ArticleFeedback, ArticleRevision, Category, SearchGap

PERSONAS = ["admin", "agent", "customer", "other_customer", "anonymous"]
WRITERS = {"admin", "agent"}


def _refused(status_code: int) -> bool:
    return status_code in (401, 403)


def _hidden(persona: str, status_code: int) -> bool:
    """An agents-only resource: anonymous callers are asked to sign in, for customers it does not exist."""
    return status_code == (401 if persona == "anonymous" else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_agents_create_articles(persona, personas, category, as_user):
    response = as_user(personas[persona]).post(
        "/api/v1/kb/articles/",
        {"title": "New guide", "body": "# Hello\n\nText", "category": category.pk, "tags": ["setup", "Setup"]},
        format="json",
    )
    if persona in WRITERS:
        assert response.status_code == 201
        data = response.json()
        assert data["status"] == "draft" and data["visibility"] == "public"
        assert data["tags"] == ["setup"]
        assert "<h1>Hello</h1>" in data["body_html"]
        assert data["url"].endswith("/kb/articles/new-guide/")
        assert set(data) >= {"id", "title", "slug", "summary", "body", "body_html", "category", "language", "tags",
                             "visibility", "status", "url", "updated_at"}  # fmt: skip
        assert ArticleRevision.objects.filter(article_id=data["id"]).count() == 1
    else:
        assert _refused(response.status_code)
        assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_agents_edit_and_delete_articles(persona, personas, public_article, as_user):
    api = as_user(personas[persona])
    response = api.patch(f"/api/v1/kb/articles/{public_article.pk}/", {"title": "Changed"}, format="json")
    if persona in WRITERS:
        assert response.status_code == 200 and response.json()["title"] == "Changed"
        assert api.delete(f"/api/v1/kb/articles/{public_article.pk}/").status_code == 204
        assert not Article.objects.filter(pk=public_article.pk).exists()
    else:
        assert _refused(response.status_code)
        assert _refused(api.delete(f"/api/v1/kb/articles/{public_article.pk}/").status_code)
        public_article.refresh_from_db()
        assert public_article.title == "Install the desktop app"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_categories_are_readable_by_everyone_and_written_by_agents(persona, personas, category, articles, as_user):
    api = as_user(personas[persona])
    listing = api.get("/api/v1/kb/categories/")
    assert listing.status_code == 200
    row = listing.json()["results"][0]
    expected_count = {"admin": 4, "agent": 4, "customer": 2, "other_customer": 2, "anonymous": 1}[persona]
    assert row["article_count"] == expected_count
    assert api.get(f"/api/v1/kb/categories/{category.pk}/").status_code == 200
    created = api.post("/api/v1/kb/categories/", {"name": "Billing", "order": 2}, format="json")
    patched = api.patch(f"/api/v1/kb/categories/{category.pk}/", {"description": "New"}, format="json")
    if persona in WRITERS:
        assert created.status_code == 201 and created.json()["slug"] == "billing"
        assert patched.status_code == 200 and patched.json()["description"] == "New"
        assert api.delete(f"/api/v1/kb/categories/{created.json()['id']}/").status_code == 204
    else:
        assert _refused(created.status_code) and _refused(patched.status_code)
        assert Category.objects.count() == 1


@pytest.mark.django_db
def test_sub_categories_are_one_level_deep(agent, subcategory, as_user):
    response = as_user(agent).post(
        "/api/v1/kb/categories/", {"name": "Too deep", "parent": subcategory.pk}, format="json"
    )
    assert response.status_code == 400 and "parent" in response.json()["errors"]


@pytest.mark.django_db
def test_a_category_with_articles_cannot_be_deleted(agent, category, public_article, as_user):
    response = as_user(agent).delete(f"/api/v1/kb/categories/{category.pk}/")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_revisions_are_for_agents_only(persona, personas, public_article, as_user):
    api = as_user(personas[persona])
    listing = api.get(f"/api/v1/kb/articles/{public_article.pk}/revisions/")
    revision = public_article.revisions.order_by("number").first()
    detail = api.get(f"/api/v1/kb/articles/{public_article.pk}/revisions/{revision.pk}/")
    restore = api.post(f"/api/v1/kb/articles/{public_article.pk}/revisions/{revision.pk}/restore/")
    if persona in WRITERS:
        assert listing.status_code == 200
        assert [r["number"] for r in listing.json()["results"]] == [3, 2, 1]
        assert detail.status_code == 200 and detail.json()["revision"]["number"] == 1
        assert restore.status_code == 200
    else:
        assert all(_hidden(persona, r.status_code) for r in (listing, detail, restore))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_feedback_one_vote_per_person(persona, personas, public_article, as_user):
    api = as_user(personas[persona])
    url = f"/api/v1/kb/articles/{public_article.pk}/feedback/"
    first = api.post(url, {"helpful": False, "comment": "Step 2 is unclear"}, format="json")
    if persona == "anonymous":
        assert _refused(first.status_code)
        assert not ArticleFeedback.objects.exists()
        return
    assert first.status_code == 201
    second = api.post(url, {"helpful": True}, format="json")
    assert second.status_code == 201
    votes = ArticleFeedback.objects.filter(article=public_article)
    assert votes.count() == 1 and votes.get().helpful is True
    mine = api.get(url).json()
    assert len(mine) == 1


@pytest.mark.django_db
def test_customers_see_only_their_own_vote_and_agents_see_all(agent, customer, other_customer, public_article, as_user):
    url = f"/api/v1/kb/articles/{public_article.pk}/feedback/"
    as_user(customer).post(url, {"helpful": True}, format="json")
    as_user(other_customer).post(url, {"helpful": False, "comment": "no"}, format="json")
    assert len(as_user(customer).get(url).json()) == 1
    assert len(as_user(agent).get(url).json()) == 2


@pytest.mark.django_db
def test_customers_cannot_vote_on_internal_articles(customer, internal_article, as_user):
    response = as_user(customer).post(
        f"/api/v1/kb/articles/{internal_article.pk}/feedback/", {"helpful": True}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_search_and_suggest_answer_every_persona(persona, personas, articles, as_user):
    api = as_user(personas[persona])
    search = api.get("/api/v1/kb/articles/search/", {"q": "install"})
    suggest = api.get("/api/v1/kb/articles/suggest", {"q": "inst"})
    assert search.status_code == 200 and suggest.status_code == 200
    assert [r["id"] for r in search.json()["results"]] == [articles["public"].pk]
    assert [r["id"] for r in suggest.json()["results"]] == [articles["public"].pk]
    assert set(suggest.json()["results"][0]) == {"id", "title", "summary", "url"}


@pytest.mark.django_db
def test_a_search_that_finds_nothing_is_recorded_once_per_query(public_article, as_user):
    api = as_user(None)
    api.get("/api/v1/kb/articles/search/", {"q": "Printer  on FIRE"})
    api.get("/api/v1/kb/articles/search/", {"q": "printer on fire"})
    api.get("/api/v1/kb/articles/search/", {"q": "install"})
    gap = SearchGap.objects.get()
    assert (gap.query, gap.count) == ("printer on fire", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_reply_text_for_agents_only(persona, personas, public_article, as_user):
    api = as_user(personas[persona])
    link = api.get(f"/api/v1/kb/articles/{public_article.pk}/reply-text/", {"mode": "link"})
    text = api.get(f"/api/v1/kb/articles/{public_article.pk}/reply-text/", {"mode": "text"})
    if persona in WRITERS:
        assert link.json()["text"].endswith("/kb/articles/install-app/")
        assert "Run the installer." in text.json()["text"]
    else:
        assert _hidden(persona, link.status_code) and _hidden(persona, text.status_code)


@pytest.mark.django_db
def test_list_filters_by_status_language_and_tag(agent, articles, as_user):
    api = as_user(agent)
    assert [r["id"] for r in api.get("/api/v1/kb/articles/", {"status": "draft"}).json()["results"]] == [
        articles["draft"].pk
    ]
    assert api.get("/api/v1/kb/articles/", {"language": "fa"}).json()["results"] == []
    assert (
        api.get("/api/v1/kb/articles/", {"visibility": "internal"}).json()["results"][0]["id"]
        == articles["internal"].pk
    )


@pytest.mark.django_db
def test_invalid_input_is_a_400_with_field_errors(agent, as_user):
    response = as_user(agent).post("/api/v1/kb/articles/", {"title": "", "visibility": "secret"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "visibility"}


@pytest.mark.django_db
def test_the_api_root_lists_the_kb_resources(as_user):
    resources = as_user(None).get("/api/v1/").json()["resources"]
    assert resources["kb-articles"].endswith("/api/v1/kb/articles/")
    assert resources["kb-categories"].endswith("/api/v1/kb/categories/")


@pytest.mark.django_db
def test_an_article_related_to_itself_is_refused_with_a_message_and_nothing_changes(agent, public_article, as_user):
    from tests.knowledgebase.conftest import make_article

    other = make_article(agent, title="Uninstall the desktop app")
    url = f"/api/v1/kb/articles/{public_article.pk}/"
    api = as_user(agent)
    response = api.patch(url, {"title": "Changed", "related": [other.pk, public_article.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["related"] == ["An article cannot be related to itself."]
    public_article.refresh_from_db()
    assert public_article.title == "Install the desktop app" and not public_article.related.exists()
    assert api.patch(url, {"related": [other.pk]}, format="json").json()["related"] == [other.pk]
