"""The relevance set (bench/kb_relevance_data.py) as a guard: customers' own phrasings, in English and
Persian, find the article that answers them in the top three at least nine times in ten."""

import pytest

from bench.kb_relevance import ensure_starter_synonyms, evaluate, load_articles, scores


@pytest.mark.slow
@pytest.mark.django_db
def test_customers_phrasings_find_their_answer_in_the_top_three(agent):
    ensure_starter_synonyms()
    load_articles(agent)
    figures = scores(evaluate(limit=3))
    for language in ("en", "fa"):
        assert figures[language]["hit@3"] >= 0.9, (language, figures[language])
        assert figures[language]["mrr"] >= 0.8, (language, figures[language])
