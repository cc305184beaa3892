"""Persian words typed with a ZWNJ (U+200C), with a space or as one word find the same article, on the
portal search page and the API search, on whichever database the suite runs on (SQLite, PostgreSQL).

Articles write a compound with a ZWNJ ("پشتیبان‌گیری", "نمی‌رسد") or with a space ("رمز عبور");
customers type it any of the three ways. As in ticket search (helpdesk.text.search_chunks), a ZWNJ word
is indexed split and joined; a word typed as one that the articles write as two is read as those two.
"""

import pytest
from django.db import connection
from django.urls import reverse

from helpdesk.analysis import analyzed_text
from knowledgebase import search, selectors
from knowledgebase.models import Article, SearchTerm
from tests.factories import ContactFactory, OrganizationFactory

from .conftest import make_article

pytestmark = pytest.mark.django_db

ZWNJ = "\u200c"
BACKUP = f"پشتیبان{ZWNJ}گیری و بازگردانی فضای کاری"
NOT_ARRIVING = f"ایمیل{ZWNJ}های اعلان به دستم نمی{ZWNJ}رسد"
PASSWORD = f"بازیابی رمز عبور فراموش{ZWNJ}شده"

# (what the customer types, the article it must find): each word joined, with a ZWNJ, with a space.
QUERIES = {
    "backup, joined": ("پشتیبانگیری", BACKUP),
    "backup, with ZWNJ": (f"پشتیبان{ZWNJ}گیری", BACKUP),
    "backup, with a space": ("پشتیبان گیری", BACKUP),
    "does not arrive, joined": ("نمیرسد", NOT_ARRIVING),
    "does not arrive, with ZWNJ": (f"نمی{ZWNJ}رسد", NOT_ARRIVING),
    "does not arrive, with a space": ("نمی رسد", NOT_ARRIVING),
    "password, joined": ("رمزعبور", PASSWORD),
    "password, with ZWNJ": (f"رمز{ZWNJ}عبور", PASSWORD),
    "password, with a space": ("رمز عبور", PASSWORD),
}


@pytest.fixture
def persian_articles(agent):
    """The three articles, and one in Persian that none of the queries may find."""
    make_article(agent, title=BACKUP, body="از بخش تنظیمات یک نسخه از داده‌ها بگیرید.", language="fa")
    make_article(agent, title=NOT_ARRIVING, body="پوشهٔ هرزنامه را بررسی کنید.", language="fa")
    make_article(agent, title=PASSWORD, body="در صفحهٔ ورود پیوند بازیابی بگیرید.", language="fa")
    make_article(agent, title="تغییر روش پرداخت", body="کارت بانکی را در صورتحساب عوض کنید.", language="fa")


@pytest.fixture
def sara(db):
    """A Persian-speaking customer with a portal login."""
    parsian = OrganizationFactory(name="Parsian Tejarat")
    return ContactFactory(organization=parsian, email="sara@parsian.example.org", with_login=True).user


@pytest.fixture(params=list(QUERIES), ids=list(QUERIES))
def typed(request, persian_articles):
    return QUERIES[request.param]


def test_the_portal_search_finds_a_persian_word_however_the_joiner_is_typed(client, sara, typed):
    query, title = typed
    client.force_login(sara)
    response = client.get(reverse("kb:search"), {"q": query})
    assert response.status_code == 200
    assert [hit.article.title for hit in response.context["hits"]] == [title]


def test_the_api_search_finds_a_persian_word_however_the_joiner_is_typed(as_user, sara, typed):
    query, title = typed
    response = as_user(sara).get("/api/v1/kb/articles/search/", {"q": query})
    assert response.status_code == 200, response.content
    assert [row["title"] for row in response.json()["results"]] == [title]


def test_reading_a_word_as_two_adds_no_query(client, sara, persian_articles, django_assert_num_queries):
    client.force_login(sara)
    client.get(reverse("kb:search"), {"q": "رمزعبور"})  # warm: the synonym index in the cache
    # 1 session and user, 2 the vocabulary look-up (SearchTerm: the word and now its halves, in the one
    # query a word no article uses always had), 3 spelling corrections, 4 the ranked ids (PostgreSQL;
    # SQLite scores the rows it reads in 5), 5 the hits, 6 their tags, 7 the search statistic.
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 6):
        response = client.get(reverse("kb:search"), {"q": "رمزعبور"})
    assert [hit.article.title for hit in response.context["hits"]] == [PASSWORD]


def test_a_persian_word_no_article_uses_in_any_spelling_finds_nothing(persian_articles):
    assert selectors.article_search_for(user=None, query="کلیدخانه") == []


def test_reindexing_lets_articles_indexed_before_match_a_word_typed_without_the_joiner(agent):
    article = make_article(agent, title=BACKUP, body="متن", language="fa")
    # As an install upgraded from before stored it: the analysed words only, split at the joiner.
    Article.objects.filter(pk=article.pk).update(search_title=f" {analyzed_text(BACKUP)} ", search_body="")
    search.refresh_vectors(Article.objects.filter(pk=article.pk))
    SearchTerm.objects.all().delete()
    assert selectors.article_search_for(user=None, query="پشتیبانگیری") == []

    assert search.articles_reindex(article_model=Article, term_model=SearchTerm, connection=connection) == 1

    assert [h.article.title for h in selectors.article_search_for(user=None, query="پشتیبانگیری")] == [BACKUP]
    assert SearchTerm.objects.filter(term__in=analyzed_text("پشتیبانگیری").split()).exists()
