"""Public KB pages and agent authoring pages: content, roles, query counts, view counting."""

import re

import pytest
from django.utils import timezone

from knowledgebase import services
from knowledgebase.models import Article, ArticleFeedback, ArticleViewDaily, Status

from .conftest import make_article

# --- Query counts: the same for 1 and 30 articles ------------------------------------------------


def _many(agent, category, subcategory, n):
    last = previous = None
    for i in range(n):
        last = make_article(
            agent, title=f"Article {i}", category=category if i % 2 else subcategory, tags=["x", f"t{i}"]
        )
        if previous is not None:
            last.related.add(previous)
        previous = last
    return last


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_index_page_query_count_is_fixed(
    n, agent, customer, category, subcategory, client, django_assert_max_num_queries
):
    _many(agent, category, subcategory, n)
    client.force_login(customer)
    # 1 session, 2 user, 3 categories with readable-article counts (one flat query, tree built in
    # Python), 4 recently updated articles with their category.
    with django_assert_max_num_queries(4):
        assert client.get("/kb/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_category_page_query_count_is_fixed(
    n, agent, customer, category, subcategory, client, django_assert_max_num_queries
):
    _many(agent, category, subcategory, n)
    client.force_login(customer)
    # 1 session, 2 user, 3 category with its parent, 4 its articles and its sub-categories' articles,
    # 5 sub-categories with counts.
    with django_assert_max_num_queries(5):
        response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="kb-list-title"') == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_article_page_query_count_is_fixed(
    n, agent, customer, category, subcategory, client, django_assert_max_num_queries
):
    article = _many(agent, category, subcategory, n)
    client.force_login(customer)
    # 1 session, 2 user, 3 article + category + parent + translation, 4 tags, 5 products,
    # 6 view-count upsert, 7 the reader's vote, 8 related articles.
    with django_assert_max_num_queries(8):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_article_list_endpoint_query_count_is_fixed(
    n, agent, category, subcategory, as_user, django_assert_max_num_queries
):
    _many(agent, category, subcategory, n)
    # 1 count for pagination, 2 articles with category, 3 their tags.
    with django_assert_max_num_queries(3):
        response = as_user(agent).get("/api/v1/kb/articles/")
    assert len(response.json()["results"]) == n


@pytest.mark.django_db
def test_anonymous_page_views_need_no_session_queries(public_article, client, django_assert_max_num_queries):
    # 1 article, 2 tags, 3 products, 4 view-count upsert, 5 related (no session, no user, no vote).
    with django_assert_max_num_queries(5):
        assert client.get(public_article.get_absolute_url()).status_code == 200


# --- Public pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_article_page_has_breadcrumbs_related_articles_and_sanitized_body(agent, category, subcategory, client):
    other = make_article(agent, title="Configure a proxy", category=category)
    article = make_article(
        agent, title="Install on Windows", body="## Steps\n\n1. Run it", category=subcategory, related=[other]
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        'href="/kb/"' in html and 'href="/kb/category/installation/"' in html and 'href="/kb/category/windows/"' in html
    )
    assert "<h2>Steps</h2>" in html and "<li>Run it</li>" in html
    assert 'href="/kb/articles/configure-a-proxy/"' in html


@pytest.mark.django_db
def test_a_persian_article_is_right_to_left_and_links_its_translation(agent, client):
    english = make_article(agent, title="Install")
    persian = make_article(agent, title="نصب برنامه", body="متن", language="fa")
    services.article_link_translation(article=english, translation=persian, actor=agent)
    html = client.get(persian.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert 'lang="fa" dir="rtl"' in html
    assert english.get_absolute_url() in html
    html_en = client.get(english.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en" dir="ltr"' in html_en and "Also in فارسی" in html_en


@pytest.mark.django_db
def test_reading_an_article_counts_views_per_day_without_writing_the_article(public_article, client):
    before = Article.objects.get(pk=public_article.pk).updated_at
    client.get(public_article.get_absolute_url())
    client.get(public_article.get_absolute_url())
    row = ArticleViewDaily.objects.get(article=public_article)
    assert (row.day, row.count) == (timezone.now().date(), 2)
    assert Article.objects.get(pk=public_article.pk).updated_at == before


@pytest.mark.django_db
def test_search_page_shows_ranked_hits_with_highlighted_snippets(public_article, client):
    html = client.get("/kb/search/", {"q": "installer"}).content.decode()
    # The link names the search, so that opening it counts for the knowledge-gaps report.
    assert 'href="/kb/articles/install-app/?sq=instal"' in html and "<mark>installer" in html


@pytest.mark.django_db
def test_search_page_shows_an_empty_state(client):
    html = client.get("/kb/search/", {"q": "nothing here"}).content.decode()
    assert "Nothing found" in html


@pytest.mark.django_db
def test_index_lists_categories_with_readable_articles_and_hides_empty_ones(agent, category, public_article, client):
    services.category_create(actor=agent, name="Empty one")
    html = client.get("/kb/").content.decode()
    assert "Installation" in html and "Empty one" not in html


@pytest.mark.django_db
def test_feedback_form_keeps_one_vote_per_person(customer, public_article, client):
    client.force_login(customer)
    url = f"/kb/articles/{public_article.slug}/feedback/"
    client.post(url, {"helpful": "no", "comment": "Missing a step"})
    client.post(url, {"helpful": "yes", "comment": ""})
    vote = ArticleFeedback.objects.get()
    assert vote.helpful is True and vote.comment == ""


@pytest.mark.django_db
def test_anonymous_feedback_is_sent_to_sign_in(public_article, client):
    response = client.post(f"/kb/articles/{public_article.slug}/feedback/", {"helpful": "yes"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ArticleFeedback.objects.exists()


# --- Authoring pages -----------------------------------------------------------------------------

MANAGE_URLS = [
    "/kb/manage/",
    "/kb/manage/new/",
    "/kb/manage/review/",
    "/kb/manage/gaps/",
    "/kb/manage/{pk}/",
    "/kb/manage/{pk}/revisions/",
    "/kb/manage/{pk}/revisions/{rev}/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["customer", "other_customer"])
def test_authoring_pages_are_404_for_everyone_but_agents(persona, personas, public_article, client):
    client.force_login(personas[persona])
    rev = public_article.revisions.first().pk
    for url in MANAGE_URLS:
        assert client.get(url.format(pk=public_article.pk, rev=rev)).status_code == 404, url
    assert client.post(f"/kb/manage/{public_article.pk}/status/", {"status": "archived"}).status_code == 404
    assert client.post("/kb/manage/preview/", {"body": "x"}).status_code == 404


@pytest.mark.django_db
def test_authoring_pages_ask_anonymous_visitors_to_sign_in(public_article, client):
    rev = public_article.revisions.first().pk
    for url in MANAGE_URLS:
        response = client.get(url.format(pk=public_article.pk, rev=rev))
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert client.post("/kb/manage/preview/", {"body": "x"}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin", "agent"])
def test_agents_reach_every_authoring_page(persona, personas, public_article, client):
    client.force_login(personas[persona])
    rev = public_article.revisions.first().pk
    for url in MANAGE_URLS:
        assert client.get(url.format(pk=public_article.pk, rev=rev)).status_code == 200, url


@pytest.mark.django_db
def test_an_agent_writes_an_article_and_takes_it_through_review_to_published(agent, category, client):
    client.force_login(agent)
    response = client.post(
        "/kb/manage/new/",
        {
            "title": "Printer setup",
            "body": "Plug it in.",
            "language": "en",
            "visibility": "public",
            "category": category.pk,
            "tags": "printer, setup",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kb/manage/{article.pk}/"
    assert article.status == Status.DRAFT and [t.name for t in article.tags.all()] == ["printer", "setup"]
    client.post(f"/kb/manage/{article.pk}/status/", {"status": "published"})
    article.refresh_from_db()
    assert article.status == Status.DRAFT  # refused: a draft goes to review first
    client.post(f"/kb/manage/{article.pk}/status/", {"status": "review"})
    client.post(f"/kb/manage/{article.pk}/status/", {"status": "published"})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


@pytest.mark.django_db
def test_the_edit_page_lists_only_allowed_next_statuses(agent, draft_article, client):
    client.force_login(agent)
    html = client.get(f"/kb/manage/{draft_article.pk}/").content.decode()
    assert 'value="review"' in html and 'name="status" value="published"' not in html


@pytest.mark.django_db
def test_preview_renders_sanitized_markdown(agent, client):
    client.force_login(agent)
    html = client.post("/kb/manage/preview/", {"body": "**bold** <script>x</script>"}).content.decode()
    assert "<strong>bold</strong>" in html and "<script" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("interface", "article_language", "direction"), [("fa", "en", "ltr"), ("en", "fa", "rtl")])
def test_the_editor_writes_in_the_articles_language_not_the_interfaces(
    agent, client, interface, article_language, direction
):
    article = make_article(agent, title="Printer setup", language=article_language)
    agent.language = interface
    agent.save()
    client.force_login(agent)
    html = client.get(f"/kb/manage/{article.pk}/").content.decode()
    assert f'<html lang="{interface}"' in html
    for name in ("title", "summary", "body"):
        assert re.search(
            rf'<(input|textarea)[^>]*lang="{article_language}" dir="{direction}"[^>]*name="{name}"', html
        ) or (
            re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*lang="{article_language}" dir="{direction}"', html)
        ), name
    # The preview sits next to the Markdown and is drawn again as the author types.
    assert 'hx-trigger="load, input changed delay:500ms from:#id_body' in html


@pytest.mark.django_db
def test_preview_takes_the_articles_direction_or_guesses_it(agent, client):
    client.force_login(agent)
    assert (
        'lang="en" dir="ltr"' in client.post("/kb/manage/preview/", {"body": "Hi", "language": "en"}).content.decode()
    )
    assert (
        'lang="fa" dir="rtl"' in client.post("/kb/manage/preview/", {"body": "Hi", "language": "fa"}).content.decode()
    )
    assert 'lang="fa" dir="rtl"' in client.post("/kb/manage/preview/", {"body": "سلام"}).content.decode()


@pytest.mark.django_db
def test_revision_page_shows_a_diff_and_restores(agent, client):
    article = make_article(agent, title="First title")
    services.article_update(article=article, actor=agent, title="Second title")
    latest, first = article.revisions.order_by("-number")[0], article.revisions.order_by("number")[0]
    client.force_login(agent)
    html = client.get(f"/kb/manage/{article.pk}/revisions/{latest.pk}/").content.decode()
    assert 'class="kb-diff-del">− First title' in html and 'class="kb-diff-add">+ Second title' in html
    client.post(f"/kb/manage/{article.pk}/revisions/{first.pk}/restore/")
    article.refresh_from_db()
    assert article.title == "First title"


@pytest.mark.django_db
def test_review_queue_holds_poorly_rated_articles_and_open_comments(agent, customer, other_customer, colleague, client):
    poor = make_article(agent, title="Poorly rated")
    commented = make_article(agent, title="Has a comment")
    fine = make_article(agent, title="Well liked")
    for user in (customer, other_customer, colleague):
        services.article_vote(article=poor, user=user, helpful=False)
        services.article_vote(article=fine, user=user, helpful=True)
    feedback = services.article_vote(article=commented, user=customer, helpful=True, comment="Add a screenshot")
    client.force_login(agent)
    html = client.get("/kb/manage/review/").content.decode()
    assert "Poorly rated" in html and "Has a comment" in html and "Add a screenshot" in html
    assert "Well liked" not in html
    client.post(f"/kb/manage/feedback/{feedback.pk}/resolve/")
    assert "Has a comment" not in client.get("/kb/manage/review/").content.decode()


@pytest.mark.django_db
def test_gaps_report_lists_and_dismisses_searches_without_results(agent, client):
    client.get("/kb/search/", {"q": "fax machine"})
    client.force_login(agent)
    assert "fax machine" in client.get("/kb/manage/gaps/").content.decode()
    from knowledgebase.models import SearchGap

    client.post(f"/kb/manage/gaps/{SearchGap.objects.get().pk}/dismiss/")
    assert not SearchGap.objects.exists()


@pytest.mark.django_db
def test_manage_list_filters_by_status(agent, articles, client):
    client.force_login(agent)
    html = client.get("/kb/manage/", {"status": "draft"}).content.decode()
    assert "Draft about offline mode" in html and "Install the desktop app" not in html


@pytest.mark.django_db
def test_pages_are_translated_to_persian(public_article, client):
    html = client.get("/kb/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert '<html lang="fa" dir="rtl">' in html


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates():
    from knowledgebase import demo

    first = demo.load()
    count = Article.objects.count()
    demo.load()
    assert Article.objects.count() == count == len(first["articles"])
    assert Article.objects.filter(language="fa", status="published").exists()
    assert Article.objects.filter(visibility="internal").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "past_the_end", "first_results", "nothing_found"),
    [
        ("en", "There are no more results for", "See the first results", "Nothing found"),
        ("fa", "نتیجهٔ دیگری برای", "دیدن نخستین نتیجه‌ها", "چیزی پیدا نشد"),
    ],
)
def test_a_search_page_past_the_last_results_says_so_and_leads_to_the_first(
    public_article, client, language, past_the_end, first_results, nothing_found
):
    """An old link or a typed page number past the end: the search did find articles, so the page must
    not say that nothing was found, nor offer "Previous" to another empty page."""
    html = client.get("/kb/search/", {"q": "installer", "page": 5}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert past_the_end in html and nothing_found not in html
    assert f'<a href="?q=installer">{first_results}</a>' in html
    assert "page=4" not in html
    first = client.get("/kb/search/", {"q": "installer"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "install-app" in first and past_the_end not in first


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "link"), [("en", "New request"), ("fa", "درخواست تازه")])
def test_a_customer_whose_search_found_nothing_is_led_to_a_new_request(client, customer, language, link):
    """ "Ask us" was no link: a customer who searched before asking had to find the portal's form."""
    client.force_login(customer)
    html = client.get("/kb/search/", {"q": "nothing here"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<a href="/portal/requests/new/">{link}</a>' in html


@pytest.mark.django_db
def test_an_agent_or_a_visitor_whose_search_found_nothing_gets_no_new_request_link(client, agent):
    assert "/portal/requests/new/" not in client.get("/kb/search/", {"q": "nothing here"}).content.decode()
    client.force_login(agent)
    assert "/portal/requests/new/" not in client.get("/kb/search/", {"q": "nothing here"}).content.decode()
