"""Knowledge-base search and words longer than PostgreSQL takes (2,047 bytes), or articles whose words
would make a tsvector over 1 MB: the article is saved, the long words are neither indexed nor asked for."""

import pytest

from .conftest import make_article

LONG_WORDS = {"en": "a" * 3000, "fa": "ب" * 1100}  # the Persian word: 2,200 bytes in UTF-8


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(LONG_WORDS))
def test_suggestions_for_a_query_of_only_a_long_word_are_empty(client, public_article, language):
    response = client.get("/kb/suggest/", {"q": LONG_WORDS[language]})
    assert response.status_code == 204  # what the suggestions answer when nothing matches
    assert client.get("/kb/search/", {"q": LONG_WORDS[language]}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(LONG_WORDS))
def test_a_long_word_beside_others_still_finds_by_the_others(client, public_article, language):
    html = client.get("/kb/suggest/", {"q": f"{LONG_WORDS[language]} insta"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/kb/articles/install-app/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(LONG_WORDS))
def test_an_article_with_a_long_word_is_saved_and_found_by_its_other_words(client, agent, language):
    make_article(agent, title="Sync token", body=f"Paste {LONG_WORDS[language]} into the field.")
    html = client.get("/kb/suggest/", {"q": "sync"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Sync token" in html


@pytest.mark.django_db
def test_an_article_of_many_distinct_words_is_saved(agent):
    body = " ".join(
        f"w{n:x}q" for n in range(120_000)
    )  # ~900 KB of distinct words: over PostgreSQL's 1 MB as a tsvector
    article = make_article(agent, title="Glossary", body=body)
    assert 0 < len(article.search_body.encode()) <= 240_000 and article.search_body.endswith(" ")
