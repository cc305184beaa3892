"""The editor's article pickers (related articles, translation): the editor shows the chosen articles
only, and kb:manage_pick finds others by their title in either language or by their number, ranked
through the search index, page by page, for agents only. What is chosen is checked on save, survives
a save and a re-edit, and stays on the form when the form is refused."""

import re

import pytest

from knowledgebase import views
from knowledgebase.models import Article, Status

from .conftest import make_article

PICK = "/kb/manage/pick/"
HTMX = {"HX-Request": "true"}


def _picked(html: str, name: str) -> list[int]:
    """The articles the editor shows as chosen in the picker `name` (checked boxes)."""
    return [int(pk) for pk in re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)" checked>', html)]


def _matches(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-pick-article="(\d+)"', html)]


def _form(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "language": article.language,
        "visibility": article.visibility,
        "tags": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def library(agent):
    return {
        "password": make_article(agent, title="Reset a forgotten password", slug="password"),
        "password_fa": make_article(agent, title="بازیابی گذرواژهٔ فراموش‌شده", language="fa", slug="password-fa"),
        "printer": make_article(agent, title="Install the office printer", slug="printer", status=Status.DRAFT),
        "vpn_fa": make_article(agent, title="اتصال به شبکهٔ خصوصی مجازی", language="fa", slug="vpn-fa"),
    }


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


# --- the picker ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_picker_finds_articles_by_their_english_or_persian_title(agent_client, library):
    english = agent_client.get(PICK, {"field": "related", "related_q": "passw"}, headers=HTMX).content.decode()
    assert _matches(english)[0] == library["password"].pk and library["printer"].pk not in _matches(english)
    persian = agent_client.get(PICK, {"field": "related", "related_q": "گذرواژ"}, headers=HTMX).content.decode()
    assert _matches(persian)[0] == library["password_fa"].pk
    assert 'lang="fa"' in persian and "بازیابی گذرواژهٔ فراموش‌شده" in persian
    # Arabic letter forms are read as the Persian ones (ك/ک, ي/ی), as in every search
    arabic = agent_client.get(PICK, {"field": "related", "related_q": "شبكه"}, headers=HTMX).content.decode()
    assert _matches(arabic) == [library["vpn_fa"].pk]
    # drafts too: an author relates articles before they are published
    draft = agent_client.get(PICK, {"field": "related", "related_q": "print"}, headers=HTMX).content.decode()
    assert _matches(draft) == [library["printer"].pk]


@pytest.mark.django_db
def test_a_typed_number_finds_that_article_first(agent_client, library):
    pk = library["printer"].pk
    for typed in (str(pk), f"#{pk}", str(pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))):
        html = agent_client.get(PICK, {"field": "related", "related_q": typed}, headers=HTMX).content.decode()
        assert _matches(html)[:1] == [pk], typed


@pytest.mark.django_db
def test_the_picker_never_offers_the_article_edited_nor_those_already_chosen(agent_client, agent, library):
    edited = make_article(agent, title="Router lights explained", slug="router-lights")
    other = make_article(agent, title="Restart the router", slug="router")
    query = {"field": "related", "related_q": "router", "exclude": edited.pk}
    assert _matches(agent_client.get(PICK, query, headers=HTMX).content.decode()) == [other.pk]
    html = agent_client.get(PICK, {**query, "related": [other.pk]}, headers=HTMX).content.decode()
    assert _matches(html) == [] and "No other article’s title matches" in html
    # by number too: the article's own number finds nothing
    html = agent_client.get(PICK, {**query, "related_q": str(edited.pk)}, headers=HTMX).content.decode()
    assert edited.pk not in _matches(html)


@pytest.mark.django_db
def test_the_translation_picker_leaves_out_articles_in_the_articles_own_language(agent_client, library):
    query = {"field": "translation", "translation_q": "password", "exclude": library["password"].pk}
    html = agent_client.get(PICK, {**query, "language": "en"}, headers=HTMX).content.decode()
    assert _matches(html) == [library["password_fa"].pk]  # by the synonym گذرواژه = password


@pytest.mark.django_db
def test_the_picker_pages_through_every_match(agent_client, agent, monkeypatch):
    monkeypatch.setattr(views, "PICK_PAGE_SIZE", 3)
    made = {
        make_article(agent, title=f"Printer guide {i}", slug=f"printer-{i}", status=Status.DRAFT).pk for i in range(7)
    }
    query = {"field": "related", "related_q": "printer"}
    first = agent_client.get(PICK, query, headers=HTMX).content.decode()
    assert first.count('class="matches') == 1 and len(_matches(first)) == 3 and "More matches" in first
    more = re.search(r'hx-get="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "page=2" in more and "related_q=printer" in more
    second = agent_client.get(more, headers=HTMX).content.decode()
    assert 'class="matches' not in second and len(_matches(second)) == 3  # rows that replace "More matches"
    third = agent_client.get(PICK, {**query, "page": 3}, headers=HTMX).content.decode()
    assert len(_matches(third)) == 1 and "More matches" not in third
    assert set(_matches(first) + _matches(second) + _matches(third)) == made


@pytest.mark.django_db
def test_a_word_too_short_to_search_asks_for_more_and_an_empty_box_clears_the_matches(agent_client, library):
    short = agent_client.get(PICK, {"field": "related", "related_q": "pa"}, headers=HTMX).content.decode()
    assert _matches(short) == [] and "Type at least three letters" in short
    assert agent_client.get(PICK, {"field": "related", "related_q": ""}, headers=HTMX).content.decode().strip() == ""


@pytest.mark.django_db
def test_without_javascript_the_picker_is_a_page_that_finds_an_articles_number(agent_client, library):
    html = agent_client.get(PICK, {"q": "password"}).content.decode()
    assert "<h1>" in html and f"#{library['password'].pk}" in html and "Reset a forgotten password" in html
    assert 'name="q"' in html and 'value="password"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_customers_get_a_404_from_the_picker(client, library, who, request):
    client.force_login(request.getfixturevalue(who))
    for headers in (HTMX, {}):
        response = client.get(PICK, {"field": "related", "related_q": "password", "q": "password"}, headers=headers)
        assert response.status_code == 404 and b"Reset a forgotten password" not in response.content


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_by_the_picker(client, library):
    response = client.get(PICK, {"q": "password"}, headers=HTMX)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert b"Reset a forgotten password" not in response.content


@pytest.mark.django_db
def test_an_administrator_may_use_the_picker(client, admin_user, library):
    client.force_login(admin_user)
    html = client.get(PICK, {"field": "related", "related_q": "password"}, headers=HTMX).content.decode()
    assert library["password"].pk in _matches(html)


@pytest.mark.django_db
def test_the_picker_reads_the_same_queries_for_1_or_60_articles(agent_client, agent, django_assert_max_num_queries):
    make_article(agent, title="Printer guide 0", slug="printer-0", status=Status.DRAFT)
    query = {"field": "related", "related_q": "printer guide", "exclude": 1}
    agent_client.get(PICK, query, headers=HTMX)  # the synonym index is read once, then cached
    # session and user; the vocabulary lookup of "printer"/"guide"; the ranked ids; their rows
    with django_assert_max_num_queries(6) as few:
        agent_client.get(PICK, query, headers=HTMX)
    for i in range(1, 60):
        make_article(agent, title=f"Printer guide {i}", slug=f"printer-{i}", status=Status.DRAFT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = agent_client.get(PICK, query, headers=HTMX).content.decode()
    assert len(_matches(html)) == views.PICK_PAGE_SIZE and "More matches" in html


# --- the editor ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_editor_shows_the_chosen_articles_only_in_the_same_queries_for_2_or_60_articles(
    agent_client, agent, django_assert_max_num_queries
):
    edited = make_article(agent, title="Article 0", slug="article-0", status=Status.DRAFT)
    first = make_article(agent, title="Article 1", slug="article-1", status=Status.DRAFT)
    edited.related.set([first])
    url = f"/kb/manage/{edited.pk}/"
    agent_client.get(url)
    with django_assert_max_num_queries(30) as few:
        agent_client.get(url)
    others = [make_article(agent, title=f"Other {i}", slug=f"other-{i}", status=Status.DRAFT) for i in range(58)]
    persian = make_article(agent, title="ترجمه", slug="translation", language="fa", status=Status.DRAFT)
    edited.related.set([first, *others[:10]])
    Article.objects.filter(pk=edited.pk).update(translation=persian)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = agent_client.get(url).content.decode()
    assert _picked(html, "related") == [first.pk, *(o.pk for o in others[:10])]
    assert _picked(html, "translation") == [persian.pk]
    assert "Other 57" not in html and "<option" not in html.split('name="related_q"')[0].split("id_related")[-1]


@pytest.mark.django_db
def test_the_chosen_articles_survive_a_save_and_a_re_edit(agent_client, library):
    edited = library["password"]
    url = f"/kb/manage/{edited.pk}/"
    data = _form(edited, related=[library["printer"].pk], related_q=str(library["vpn_fa"].pk))
    data["translation"] = library["password_fa"].pk
    response = agent_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    edited.refresh_from_db()
    assert set(edited.related.values_list("pk", flat=True)) == {library["printer"].pk, library["vpn_fa"].pk}
    assert edited.translation == library["password_fa"]
    html = agent_client.get(url).content.decode()
    assert sorted(_picked(html, "related")) == sorted([library["printer"].pk, library["vpn_fa"].pk])
    assert _picked(html, "translation") == [library["password_fa"].pk]
    # saved again as shown (nothing unticked), nothing changes; unticking one drops it
    again = _form(edited, related=_picked(html, "related"), translation=library["password_fa"].pk)
    assert agent_client.post(url, again).status_code == 302
    assert edited.related.count() == 2
    assert agent_client.post(url, _form(edited, related=[library["printer"].pk])).status_code == 302
    edited.refresh_from_db()
    assert list(edited.related.values_list("pk", flat=True)) == [library["printer"].pk]
    assert edited.translation is None  # its box unticked: unlinked (both ways)
    assert Article.objects.get(pk=library["password_fa"].pk).translation is None


@pytest.mark.django_db
def test_a_new_article_takes_its_related_articles_and_translation_from_the_pickers(agent_client, library):
    data = {"title": "Change your password", "body": "Open settings.", "language": "en", "visibility": "public"}
    data.update(related=[library["password"].pk], translation_q=str(library["password_fa"].pk))
    assert agent_client.post("/kb/manage/new/", data).status_code == 302
    created = Article.objects.get(title="Change your password")
    assert list(created.related.all()) == [library["password"]] and created.translation == library["password_fa"]


@pytest.mark.django_db
def test_a_refused_form_keeps_the_chosen_articles_and_what_was_typed(agent_client, library):
    edited = library["password"]
    data = _form(edited, title="", related=[library["printer"].pk], related_q="printer")
    data["translation"] = library["password_fa"].pk
    html = agent_client.post(f"/kb/manage/{edited.pk}/", data).content.decode()
    assert "is not an article number: pick the article from the matches" in html
    assert _picked(html, "related") == [library["printer"].pk]
    assert _picked(html, "translation") == [library["password_fa"].pk]
    assert 'name="related_q" value="printer"' in html  # beside its error, to pick from the matches
    edited.refresh_from_db()
    assert edited.title == "Reset a forgotten password" and edited.related.count() == 0


@pytest.mark.django_db
def test_an_article_cannot_be_related_to_itself_or_to_a_number_no_article_has(agent_client, library):
    edited = library["password"]
    url = f"/kb/manage/{edited.pk}/"
    html = agent_client.post(url, _form(edited, related_q=str(edited.pk))).content.decode()
    assert f"No other article has the number {edited.pk}." in html
    html = agent_client.post(url, _form(edited, related_q="999999")).content.decode()
    assert "No other article has the number 999999." in html and 'value="999999"' in html
    html = agent_client.post(url, _form(edited, translation=str(edited.pk))).content.decode()
    assert "No other article has this number" in html
    assert edited.related.count() == 0 and Article.objects.get(pk=edited.pk).translation is None


@pytest.mark.django_db
def test_a_translation_in_the_articles_own_language_is_refused_and_the_choices_kept(agent_client, library):
    edited = library["password"]
    data = _form(edited, related=[library["vpn_fa"].pk], translation_q=str(library["printer"].pk))
    html = agent_client.post(f"/kb/manage/{edited.pk}/", data).content.decode()
    assert "A translation must be another article in another language." in html
    assert _picked(html, "related") == [library["vpn_fa"].pk] and _picked(html, "translation") == [
        library["printer"].pk
    ]
    assert Article.objects.get(pk=edited.pk).translation is None


@pytest.mark.django_db
def test_the_pickers_speak_persian(agent_client, agent, library):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    html = agent_client.get(f"/kb/manage/{library['password'].pk}/").content.decode()
    assert "عنوان یا شماره" in html  # the box's placeholder
    matches = agent_client.get(PICK, {"field": "related", "related_q": "گذرواژ"}, headers=HTMX).content.decode()
    pk = str(library["password_fa"].pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"#{pk} · فارسی" in matches
    short = agent_client.get(PICK, {"field": "related", "related_q": "گذ"}, headers=HTMX).content.decode()
    assert "دست‌کم سه حرف" in short


@pytest.mark.django_db
def test_numbers_typed_in_persian_digits_are_read_and_named_in_persian(agent_client, agent, library):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    edited, printer = library["password"], library["printer"]
    persian = str(printer.pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert agent_client.post(f"/kb/manage/{edited.pk}/", _form(edited, related_q=f"#{persian}")).status_code == 302
    assert list(edited.related.all()) == [printer]
    html = agent_client.post(f"/kb/manage/{edited.pk}/", _form(edited, related_q="۹۹۹۹۹۹")).content.decode()
    assert "مقالهٔ دیگری با شمارهٔ ۹۹۹۹۹۹ نیست." in html
