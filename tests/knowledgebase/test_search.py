"""Search: ranking, Persian folding on both sides, prefix suggestions, snippets and knowledge gaps."""

import pytest
from django.db import connection

from knowledgebase import selectors, services
from knowledgebase.models import SearchGap

from .conftest import make_article


@pytest.fixture
def persian(agent):
    # Typed on a Persian keyboard: ی (U+06CC) and ک (U+06A9).
    return make_article(agent, title="تنظیم پروکسی", body="برای تنظیم پروکسی به بخش شبکه بروید.", language="fa")


@pytest.fixture
def arabic_typed(agent):
    # Typed on an Arabic keyboard: ي (U+064A) and ك (U+0643).
    return make_article(agent, title="بازيابي رمز", body="پيوند بازيابي يك ساعت اعتبار دارد.", language="fa")


def _titles(hits):
    return [h.article.title for h in hits]


@pytest.mark.django_db
def test_an_arabic_keyboard_query_finds_a_persian_keyboard_article(persian, arabic_typed):
    assert _titles(selectors.article_search_for(user=None, query="پروكسي")) == ["تنظیم پروکسی"]
    assert [a.title for a in selectors.article_suggestions_for(user=None, query="پروك")] == ["تنظیم پروکسی"]


@pytest.mark.django_db
def test_a_persian_keyboard_query_finds_an_arabic_keyboard_article(persian, arabic_typed):
    assert _titles(selectors.article_search_for(user=None, query="بازیابی")) == ["بازيابي رمز"]
    assert [a.title for a in selectors.article_suggestions_for(user=None, query="بازیا")] == ["بازيابي رمز"]


@pytest.mark.django_db
def test_zwnj_and_diacritics_do_not_decide_a_match(agent):
    make_article(agent, title="همگام‌سازی ناموفق", body="مهلت اتصال تمام شد", language="fa")
    assert len(selectors.article_search_for(user=None, query="همگام سازی")) == 1
    assert len(selectors.article_search_for(user=None, query="اتّصال")) == 1


@pytest.mark.django_db
def test_title_matches_rank_above_summary_above_body(agent):
    make_article(agent, title="Unrelated one", body="Mentions the router in the body.")
    make_article(agent, title="Unrelated two", summary="A router in the summary", body="Nothing.")
    make_article(agent, title="Router setup", body="Nothing.")
    assert _titles(selectors.article_search_for(user=None, query="router")) == [
        "Router setup",
        "Unrelated two",
        "Unrelated one",
    ]


@pytest.mark.django_db
def test_articles_with_every_word_rank_above_those_with_most_words_and_case_does_not_matter(agent):
    make_article(agent, title="Reset your password", body="Use the link.")
    make_article(agent, title="Change your email", body="Use settings.")
    make_article(agent, title="Reset the email address", body="From your profile.")
    assert _titles(selectors.article_search_for(user=None, query="RESET password")) == [
        "Reset your password",
        "Reset the email address",
    ]
    hits = _titles(selectors.article_search_for(user=None, query="reset email"))
    assert hits[0] == "Reset the email address"
    assert set(hits[1:]) == {"Reset your password", "Change your email"}


@pytest.mark.django_db
def test_suggestions_match_the_last_word_as_a_prefix(agent):
    make_article(agent, title="Install the desktop app", body="Installer steps.")
    make_article(agent, title="Invoices", body="Billing.")
    assert [a.title for a in selectors.article_suggestions_for(user=None, query="desktop inst")] == [
        "Install the desktop app"
    ]
    assert {a.title for a in selectors.article_suggestions_for(user=None, query="inv")} == {"Invoices"}
    assert [a.title for a in selectors.article_suggestions_for(user=None, query="ins")] == ["Install the desktop app"]
    # From the third letter: two letters match half of any knowledge base.
    assert list(selectors.article_suggestions_for(user=None, query="in")) == []


@pytest.mark.django_db
def test_query_syntax_characters_are_just_text(agent):
    make_article(agent, title="C++ & Java: setup", body="It's fine.")
    for query in ["'", "a & b | !c", "setup:*", "(((", "'); DROP TABLE x; --", "\\", "<->"]:
        selectors.article_search_for(user=None, query=query)
        list(selectors.article_suggestions_for(user=None, query=query))
    assert _titles(selectors.article_search_for(user=None, query="java setup")) == ["C++ & Java: setup"]


@pytest.mark.django_db
def test_snippets_mark_the_matching_words(agent):
    make_article(agent, title="Proxy", body="Open the settings. Then configure the proxy <b>server</b> address.")
    hit = selectors.article_search_for(user=None, query="configure")[0]
    assert "<mark>configure</mark>" in str(hit.snippet)
    assert "&lt;b&gt;" not in str(hit.snippet) or "<b>" not in str(hit.snippet)


@pytest.mark.django_db
def test_the_search_page_records_zero_result_searches_with_one_row_per_query(public_article, client):
    client.get("/kb/search/", {"q": "Blue screen"})
    client.get("/kb/search/", {"q": "blue   SCREEN"})
    client.get("/kb/search/", {"q": "install"})
    gap = SearchGap.objects.get()
    assert (gap.query, gap.count) == ("blue screen", 2)


@pytest.mark.django_db
def test_search_gaps_normalise_persian_variants_into_one_row():
    services.search_gap_record(query="كيبورد")
    services.search_gap_record(query="کیبورد")
    assert SearchGap.objects.get().count == 2


@pytest.mark.django_db
def test_suggest_partial_lists_links_for_htmx(public_article, client):
    html = client.get("/kb/suggest/", {"q": "insta"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/kb/articles/install-app/"' in html and "<html" not in html
    assert client.get("/kb/suggest/", {"q": "zzzz"}).content.decode().strip() == ""


@pytest.mark.django_db
def test_postgres_stores_a_weighted_vector_on_every_save(agent):
    article = make_article(agent, title="Alpha", summary="Beta", body="Gamma")
    article.refresh_from_db()
    if connection.vendor != "postgresql":
        assert article.search_vector is None
        return
    assert "'alpha':1A" in article.search_vector and "'beta':2B" in article.search_vector
    services.article_update(article=article, actor=agent, title="Delta")
    article.refresh_from_db()
    assert "'delta':1A" in article.search_vector and "alpha" not in article.search_vector
