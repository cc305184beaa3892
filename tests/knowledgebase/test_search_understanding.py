"""Search that understands how people ask: stems, stop words, synonyms, typos, joined words, and
both languages, on the portal, the public search, the agent's insert-article and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from helpdesk.analysis import analyze
from knowledgebase import search, selectors, services
from knowledgebase.models import SynonymGroup, Visibility

from .conftest import make_article


def _titles(hits):
    return [h.article.title for h in hits]


def _synonyms(admin, *lines):
    return services.synonym_group_save(actor=admin, group=SynonymGroup(terms="\n".join(lines)))


@pytest.fixture(autouse=True)
def _no_starter_synonyms(db):
    """Each test names the synonyms it relies on (the shipped starter set is tested on its own)."""
    SynonymGroup.objects.all().delete()
    search.synonyms_changed()


def test_analysis_drops_stop_words_and_stems_both_languages():
    assert analyze("How do I reset my passwords?") == ["reset", "password"]
    assert analyze("Resetting") == analyze("reset")
    assert analyze("فاکتورهای من") == analyze("فاکتور")
    # With or without the joiner, typed on a Persian or an Arabic keyboard: one stem.
    assert analyze("نمی‌توانم") == analyze("نمیتوانم") == analyze("نمي‌توانم")
    assert analyze("می‌خواهم") == analyze("میخواهم")


def test_two_word_forms_keep_their_meaning_when_the_second_word_is_a_stop_word():
    assert analyze("sign up") == analyze("signup") == ["signup"]
    assert analyze("Signing in") == analyze("sign in") == ["signin"]
    assert analyze("sign out") == ["signout"]
    assert analyze("logged in") == analyze("log in") == ["login"]  # the same as "sign in" only through synonyms
    assert analyze("e-mail") == analyze("email")


@pytest.mark.django_db
def test_a_query_needs_only_some_of_its_words_and_full_matches_rank_first(agent):
    make_article(agent, title="Reset your password", body="Use the link we email you.")
    make_article(agent, title="Password rules", body="Twelve characters at least.")
    make_article(agent, title="Unrelated billing", body="Invoices.")
    titles = _titles(selectors.article_search_for(user=None, query="I forgot how to reset my password"))
    assert titles == ["Reset your password", "Password rules"]


@pytest.mark.django_db
def test_the_portal_placeholder_examples_find_their_articles(agent):
    make_article(agent, title="Reset your password", summary="Forgot your password? Get a link.")
    make_article(agent, title="بازنشانی رمز عبور", summary="رمز عبور را فراموش کرده‌اید؟", language="fa")
    assert _titles(selectors.article_search_for(user=None, query="reset my password")) == ["Reset your password"]
    assert "بازنشانی رمز عبور" in _titles(selectors.article_search_for(user=None, query="بازنشانی رمز"))


@pytest.mark.django_db
def test_synonyms_in_both_languages_find_articles_that_use_the_other_word(agent, admin_user):
    make_article(agent, title="Reset your password", body="Use the link.")
    make_article(agent, title="بازنشانی رمز عبور", body="پیوند را باز کنید.", language="fa")
    assert selectors.article_search_for(user=None, query="گذرواژه") == []
    _synonyms(admin_user, "password", "passcode", "گذرواژه", "رمز عبور")
    assert _titles(selectors.article_search_for(user=None, query="forgot my passcode", prefer_language="en")) == [
        "Reset your password",
        "بازنشانی رمز عبور",
    ]
    assert _titles(selectors.article_search_for(user=None, query="گذرواژه", prefer_language="fa"))[0] == (
        "بازنشانی رمز عبور"
    )


@pytest.mark.django_db
def test_an_own_word_ranks_above_a_synonym(agent, admin_user):
    _synonyms(admin_user, "invoice", "bill")
    make_article(agent, title="Pay a bill", body="Pay it.")
    make_article(agent, title="Download an invoice", body="From billing.")
    assert _titles(selectors.article_search_for(user=None, query="invoice")) == ["Download an invoice", "Pay a bill"]


@pytest.mark.django_db
def test_a_synonym_edit_takes_effect_at_once_and_a_deleted_group_stops(agent, admin_user):
    make_article(agent, title="Sign in with single sign-on", body="Use the SSO button.")
    assert selectors.article_search_for(user=None, query="logon") == []
    group = _synonyms(admin_user, "sign in", "logon")
    assert _titles(selectors.article_search_for(user=None, query="logon")) == ["Sign in with single sign-on"]
    group.terms = "sign in\nsign on"
    services.synonym_group_save(actor=admin_user, group=group)
    assert selectors.article_search_for(user=None, query="logon") == []
    assert _titles(selectors.article_search_for(user=None, query="sign on")) == ["Sign in with single sign-on"]
    make_article(agent, title="Profile photo", body="Upload a picture.")
    _synonyms(admin_user, "photo", "avatar")
    assert _titles(selectors.article_search_for(user=None, query="avatar")) == ["Profile photo"]
    services.synonym_group_delete(actor=admin_user, group=SynonymGroup.objects.get(terms__contains="avatar"))
    assert selectors.article_search_for(user=None, query="avatar") == []


@pytest.mark.django_db
def test_only_admins_edit_synonyms_and_a_group_needs_two_searchable_terms(agent, admin_user, customer):
    for actor in (agent, customer, None):
        with pytest.raises(PermissionDenied):
            _synonyms(actor, "a-word", "another")
    with pytest.raises(ValidationError) as single:
        _synonyms(admin_user, "password")
    assert "at least two" in str(single.value)
    with pytest.raises(ValidationError) as stop_words:
        _synonyms(admin_user, "password", "the")
    assert "the" in str(stop_words.value)


@pytest.mark.django_db
def test_synonyms_are_edited_in_the_admin_with_form_errors(admin_user, client):
    client.force_login(admin_user)
    response = client.post("/admin/knowledgebase/synonymgroup/add/", {"terms": "refund", "note": ""})
    assert response.status_code == 200 and "at least two" in response.content.decode()
    response = client.post("/admin/knowledgebase/synonymgroup/add/", {"terms": "refund\nmoney back", "note": "billing"})
    assert response.status_code == 302
    assert SynonymGroup.objects.get().term_list() == ["refund", "money back"]


@pytest.mark.django_db
def test_a_misspelt_word_finds_the_word_the_articles_use(agent):
    make_article(agent, title="Reset your password", body="Use the link.")
    make_article(agent, title="Download invoices", body="Billing history.")
    assert _titles(selectors.article_search_for(user=None, query="pasword")) == ["Reset your password"]
    assert _titles(selectors.article_search_for(user=None, query="invoce")) == ["Download invoices"]
    assert selectors.article_search_for(user=None, query="qwertyuiop") == []


@pytest.mark.django_db
def test_two_words_written_apart_find_the_word_written_as_one(agent):
    make_article(agent, title="دریافت صورتحساب", body="از بخش سابقه.", language="fa")
    assert _titles(selectors.article_search_for(user=None, query="صورت حساب")) == ["دریافت صورتحساب"]


@pytest.mark.django_db
def test_tags_are_searched_like_the_summary(agent):
    make_article(agent, title="Turn on two-factor authentication", body="Scan the code.", tags=["2fa"])
    assert _titles(selectors.article_search_for(user=None, query="2fa")) == ["Turn on two-factor authentication"]


@pytest.mark.django_db
def test_results_in_the_readers_language_come_first(agent):
    make_article(agent, title="Printer setup", body="Install the printer driver.")
    make_article(agent, title="نصب چاپگر Printer", body="راه‌اندازی printer.", language="fa")
    assert _titles(selectors.article_search_for(user=None, query="printer", prefer_language="fa")) == [
        "نصب چاپگر Printer",
        "Printer setup",
    ]
    assert _titles(selectors.article_search_for(user=None, query="printer", prefer_language="en")) == [
        "Printer setup",
        "نصب چاپگر Printer",
    ]


@pytest.mark.django_db
def test_an_article_is_shown_as_its_translation_in_the_readers_language(agent):
    english = make_article(agent, title="Cancel your subscription", body="Billing > Plan > Cancel.")
    persian = make_article(agent, title="لغو اشتراک", body="صورتحساب > طرح > لغو.", language="fa")
    services.article_update(article=persian, actor=agent, translation=english)
    hits = selectors.article_search_for(user=None, query="cancel subscription", prefer_language="fa")
    assert _titles(hits) == ["لغو اشتراک"]
    suggestions = selectors.article_suggestions_for(user=None, query="cancel subsc", prefer_language="fa")
    assert [a.title for a in suggestions] == ["لغو اشتراک"]


@pytest.mark.django_db
def test_an_internal_translation_never_replaces_a_public_article_for_customers(agent, customer):
    public = make_article(agent, title="Cancel your subscription", body="Billing > Plan > Cancel.")
    internal = make_article(
        agent, title="لغو اشتراک (داخلی)", body="قوانین داخلی.", language="fa", visibility=Visibility.INTERNAL
    )
    services.article_update(article=internal, actor=agent, translation=public)
    for reader in (None, customer):
        assert _titles(selectors.article_search_for(user=reader, query="cancel", prefer_language="fa")) == [
            "Cancel your subscription"
        ]


@pytest.mark.django_db
def test_synonyms_and_typos_never_reach_articles_a_customer_may_not_read(agent, admin_user, customer):
    make_article(agent, title="Internal refund approvals", body="Secret.", visibility=Visibility.INTERNAL)
    make_article(agent, title="Draft refund policy", body="Draft.", status="draft")
    _synonyms(admin_user, "refund", "money back")
    for reader in (None, customer):
        for query in ("refund", "money back", "refnd"):
            assert selectors.article_search_for(user=reader, query=query) == []
            assert list(selectors.article_suggestions_for(user=reader, query=query)) == []
    # Agents find both (internal articles and drafts are theirs to read).
    assert set(_titles(selectors.article_search_for(user=agent, query="money back"))) == {
        "Internal refund approvals",
        "Draft refund policy",
    }


@pytest.mark.django_db
def test_suggestions_start_at_the_third_letter_and_skip_a_stop_word_being_typed(agent):
    make_article(agent, title="Reset your password", body="Use the link.")
    assert selectors.article_suggestions_for(user=None, query="pa") == []
    assert [a.title for a in selectors.article_suggestions_for(user=None, query="pas")] == ["Reset your password"]
    assert [a.title for a in selectors.article_suggestions_for(user=None, query="passwords")] == ["Reset your password"]
    assert [a.title for a in selectors.article_suggestions_for(user=None, query="reset my passw")] == [
        "Reset your password"
    ]


@pytest.mark.django_db
def test_the_api_search_and_suggest_answer_the_way_customers_ask(agent, client):
    make_article(agent, title="Reset your password", summary="Forgot your password? Get a link.")
    with translation.override("en"):
        body = client.get("/api/v1/kb/articles/search/", {"q": "forgot my password"}).json()
    assert [r["title"] for r in body["results"]] == ["Reset your password"]
    body = client.get("/api/v1/kb/articles/suggest/", {"q": "forgot my passw"}).json()
    assert [r["title"] for r in body["results"]] == ["Reset your password"]


@pytest.mark.django_db
def test_ranking_in_tiers_gives_the_same_pages_as_ranking_every_match(agent):
    if not search.uses_postgres():
        pytest.skip("the tiers are PostgreSQL's shortcut; SQLite ranks every match")
    from knowledgebase.models import Article

    for i, (title, body) in enumerate(
        [
            ("Printer update", "After the update the printer stops."),
            ("Printer", "Printer driver update and sync."),
            ("Sync the printer", "Nothing else."),
            ("Update", "Update the printer and sync it."),
            ("Printer queue", "Clear it."),
            ("Sync errors", "Printer sync update fails."),
        ]
    ):
        make_article(agent, title=title, body=body, slug=f"tier-{i}")
    make_article(agent, title="چاپگر printer", body="به روزرسانی update چاپگر", language="fa", slug="tier-fa")
    queryset = Article.objects.all()
    for text in ("printer update", "printer sync update", "printer update sync queue"):
        query = search.parse(text)
        concept_queries = [search._tsquery(c.forms(), weights="") for c in query.concepts]
        for limit in range(1, 8):
            for offset in (0, 1, 2):
                tiered = search._pg_ranked_ids(queryset, query, weights="", language="en", limit=limit, offset=offset)
                every = search._pg_rank(
                    queryset, query, " | ".join(concept_queries), weights="", language="en", limit=limit, offset=offset
                )
                assert tiered == every, (text, limit, offset)


@pytest.mark.django_db
def test_persian_modal_verbs_match_nothing_on_their_own(agent):
    # "I can't sign in": "can" is no topic; an article that only says "you can cancel" is no answer.
    make_article(agent, title="لغو اشتراک", body="هر زمان می‌توانید اشتراک را لغو کنید.", language="fa")
    make_article(agent, title="ورود به حساب", body="برای وارد شدن ایمیل و رمز را بنویسید.", language="fa")
    assert analyze("نمی‌توانم می‌خواهم داریم") == []
    assert _titles(selectors.article_search_for(user=None, query="نمی‌توانم وارد شوم")) == ["ورود به حساب"]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["گذرواژه", "گذر\u200cواژه", "گذر واژه"], ids=["joined", "with ZWNJ", "with a space"])
def test_a_synonym_written_as_one_word_matches_however_the_joiner_is_typed(agent, admin_user, typed):
    # No article uses گذرواژه or its halves: only the synonym group leads from it to رمز عبور.
    make_article(agent, title="بازنشانی رمز عبور", body="پیوند را باز کنید.", language="fa")
    make_article(agent, title="تغییر روش پرداخت", body="کارت بانکی را عوض کنید.", language="fa")
    _synonyms(admin_user, "password", "گذرواژه", "رمز عبور")
    assert _titles(selectors.article_search_for(user=None, query=typed, prefer_language="fa")) == ["بازنشانی رمز عبور"]
