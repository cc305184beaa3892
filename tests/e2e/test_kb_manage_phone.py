"""The knowledge base's authoring pages on a phone, in Persian: the article list is one block per
article (its headings in each row, nothing wider than the screen), and an English title in a list
box's option or among an article picker's matches starts at the left, where a Persian page would
otherwise cut off its beginning."""

import pytest

from knowledgebase import services

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]

LONG = "First steps: create your workspace and invite your team"


@pytest.fixture
def persian_agent(agent):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    for title in (LONG, "نصب برنامهٔ دسکتاپ روی ویندوز، مک یا لینوکس"):
        article = services.article_create(author=agent, title=title, body="text")
        services.article_submit_for_review(article=article, actor=agent)
        services.article_publish(article=article, actor=agent)
    return agent


def _page(browser, live_server, user, width: int, path: str):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, user)
    page.goto(f"{live_server.url}{path}")
    return page


def test_the_article_list_fits_a_phone_and_names_each_figure(browser, live_server, persian_agent):
    page = _page(browser, live_server, persian_agent, 390, "/kb/manage/")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the list is wider than the phone"
    row = page.locator(".kb-articles tbody tr").first.inner_text()
    assert "زبان:" in row and "مفید:" in row and "به‌روزرسانی:" in row, row
    assert not page.locator(".kb-articles thead").is_visible()


def test_on_a_wide_screen_the_headings_name_the_columns_once(browser, live_server, persian_agent):
    page = _page(browser, live_server, persian_agent, 1280, "/kb/manage/")
    assert page.locator(".kb-articles thead").is_visible()
    assert "زبان:" not in page.locator(".kb-articles tbody tr").first.inner_text()


def test_a_list_box_option_and_a_picked_title_take_their_own_texts_direction(browser, live_server, persian_agent):
    services.category_create(actor=persian_agent, name=LONG, slug="first-steps")
    page = _page(browser, live_server, persian_agent, 390, "/kb/manage/new/")
    option = page.locator("select[name=category] option", has_text=LONG).first
    assert option.evaluate("o => getComputedStyle(o).unicodeBidi") == "plaintext"
    # the page is right-to-left; the option's text, English, is laid out from the left all the same
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    # so is an English title among the related-article picker's matches (knowledgebase.forms.ArticlePicker)
    page.locator("#id_related").press_sequentially("First steps", delay=20)
    match = page.locator("#id_related_matches [data-pick-title]", has_text=LONG).first
    match.wait_for()
    assert match.evaluate("el => getComputedStyle(el).direction") == "ltr"
