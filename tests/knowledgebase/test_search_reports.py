"""What searching tells the knowledge-base team: suggestions while a request is written (subject and
description, no flicker, both languages), results nobody opened, and requests sent anyway."""

import pytest

from knowledgebase.models import SearchQueryStat

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def reset_article(agent):
    return make_article(
        agent, title="Reset your password", summary="Forgot your password? Get a link.", slug="reset-password"
    )


def test_suggestions_come_from_the_description_too(reset_article, client):
    html = client.get("/kb/suggest/", {"subject": "Help", "description": "I forgot my password yesterday"})
    assert 'href="/kb/articles/reset-password/"' in html.content.decode()


def test_text_with_nothing_to_search_yet_keeps_the_shown_suggestions(reset_article, client):
    # 204: htmx leaves the list as it is while the customer types "how do I" or the first two letters.
    assert client.get("/kb/suggest/", {"subject": "how do I", "description": ""}).status_code == 204
    assert client.get("/kb/suggest/", {"subject": "pa", "description": ""}).status_code == 204
    cleared = client.get("/kb/suggest/", {"subject": "", "description": ""})
    assert cleared.status_code == 200 and cleared.content.decode().strip() == ""


def test_the_english_portal_still_suggests_a_persian_article_for_a_persian_question(agent, client):
    make_article(agent, title="فراموشی رمز عبور", summary="بازنشانی رمز با ایمیل.", language="fa", slug="fa-reset")
    html = client.get("/kb/suggest/", {"subject": "رمز عبور را فراموش کرده‌ام", "language": "en"}).content.decode()
    assert 'href="/kb/articles/fa-reset/"' in html
    assert "Persian" in html  # marked as the other language


def test_the_new_request_form_asks_for_suggestions_from_subject_and_description(client, customer):
    client.force_login(customer)
    html = client.get("/portal/requests/new/").content.decode()
    assert 'hx-include="#id_subject, #id_description"' in html
    assert "from:#id_subject" in html and "from:#id_description" in html


def test_a_search_is_counted_by_meaning_and_an_opened_result_is_counted(reset_article, client, agent):
    page = client.get("/kb/search/", {"q": "How do I reset my password?"}).content.decode()
    client.get("/kb/search/", {"q": "password reset"})
    stat = SearchQueryStat.objects.get()
    assert (stat.key, stat.searches, stat.opened) == ("password reset", 2, 0)
    assert '/kb/articles/reset-password/?sq=password%20reset"' in page
    client.force_login(agent)
    assert "password reset" in client.get("/kb/manage/gaps/").content.decode()  # results nobody opened
    client.logout()
    client.get("/kb/articles/reset-password/", {"sq": "password reset"})
    stat.refresh_from_db()
    assert stat.opened == 1
    client.force_login(agent)
    report = client.get("/kb/manage/gaps/").content.decode()
    assert "Every search had a result someone opened." in report


def test_an_unknown_search_key_on_an_article_link_changes_nothing(reset_article, client):
    client.get("/kb/articles/reset-password/", {"sq": "anything at all"})
    assert not SearchQueryStat.objects.exists()


def test_the_api_search_is_counted_too(reset_article, client):
    client.get("/api/v1/kb/articles/search/", {"q": "reset password"})
    client.get("/api/v1/kb/articles/search/", {"q": "fax machine"})
    assert dict(SearchQueryStat.objects.values_list("key", "searches")) == {"password reset": 1, "fax machin": 1}


def test_a_request_sent_although_articles_were_suggested_is_reported(reset_article, client, customer, agent):
    client.force_login(customer)
    for subject in ("Forgot my password", "I forgot my password!"):
        response = client.post(
            "/portal/requests/new/", {"subject": subject, "description": "The link fails", "impact": "question"}
        )
        assert response.status_code == 302
    response = client.post(
        "/portal/requests/new/", {"subject": "Printer on fire", "description": "Smoke", "impact": "question"}
    )
    assert response.status_code == 302
    assert list(SearchQueryStat.objects.values_list("key", "tickets")) == [("forgot password", 2)]
    client.force_login(agent)
    report = client.get("/kb/manage/gaps/").content.decode()
    assert "i forgot my password!" in report and "Printer on fire" not in report


def test_customers_never_see_the_gaps_report(client, customer):
    client.force_login(customer)
    assert client.get("/kb/manage/gaps/").status_code in (403, 404)


@pytest.mark.parametrize("n", [1, 12])
def test_search_and_suggest_run_a_fixed_number_of_queries_whatever_the_number_of_hits(n, agent, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from knowledgebase import services as kb_services

    for i in range(n):
        english = make_article(agent, title=f"Printer setup {i}", body="Install the printer driver.", slug=f"p-{i}")
        persian = make_article(agent, title=f"نصب چاپگر {i}", body="printer", language="fa", slug=f"fa-p-{i}")
        kb_services.article_update(article=persian, actor=agent, translation=english)
    counts = {}
    for name, path, params in (
        ("search page", "/kb/search/", {"q": "printer setup"}),
        ("search API", "/api/v1/kb/articles/search/", {"q": "printer setup"}),
        ("suggest", "/kb/suggest/", {"q": "printer set", "language": "fa"}),
    ):
        client.get(path, params)  # warm the synonym cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, params).status_code == 200
        counts[name] = len(queries)
    # At most these, for 1 hit as for 12 (each with a translation): the rows never add queries.
    expected = MAX_QUERIES[connection.vendor]
    assert all(counts[name] <= expected[name] for name in counts), counts


# Search (page and API): the vocabulary look-up, the ranking (PostgreSQL: the tiers, then the rows with
# their headline), the tags of the page, the translations, the statistics upsert, and the session or
# savepoint queries around them; suggest: the vocabulary, the ranking and rows, the translations
# (only when a hit in another language has one in the reader's).
MAX_QUERIES = {
    "sqlite": {"search page": 6, "search API": 6, "suggest": 3},
    "postgresql": {"search page": 8, "search API": 8, "suggest": 5},
}
