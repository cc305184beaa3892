"""The knowledge-base editor's article pickers in a real browser: the author types a few letters, picks
a match with the keyboard or the mouse, saves, and the article is related (and translated) as picked."""

import re

import pytest

from knowledgebase import services
from knowledgebase.models import Article

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def _article(agent, title: str, language: str = "en") -> Article:
    article = services.article_create(author=agent, title=title, body="Text.", language=language)
    services.article_submit_for_review(article=article, actor=agent)
    return services.article_publish(article=article, actor=agent)


def test_an_author_picks_a_related_article_and_a_translation_then_sees_them_on_the_page(browser, live_server, agent):
    edited = _article(agent, "Change your email address")
    password = _article(agent, "Reset a forgotten password")
    persian = _article(agent, "تغییر نشانی ایمیل", language="fa")
    for i in range(30):  # the editor lists none of these
        services.article_create(author=agent, title=f"Printer guide {i}", body="Text.")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, agent)
    page.goto(f"{live_server.url}/kb/manage/{edited.pk}/")
    assert page.locator("select[multiple], select[name=translation]").count() == 0
    assert "Printer guide" not in page.content()

    # The keyboard: type, go down to the first match, Enter picks it.
    page.locator("#id_related").press_sequentially("passw", delay=30)
    page.wait_for_selector(f"#id_related_matches [data-pick-article='{password.pk}']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = page.locator("#id_related_chosen input[name=related]:checked")
    assert chosen.count() == 1 and chosen.first.get_attribute("value") == str(password.pk)
    assert page.locator("#id_related").input_value() == "" and page.locator("#id_related_matches li").count() == 0

    # The mouse, in Persian letters; Enter in the box never saves the article.
    page.locator("#id_translation").press_sequentially("نشانی", delay=30)
    match = page.locator(f"#id_translation_matches [data-pick-article='{persian.pk}']")
    match.wait_for()
    match.click()
    assert page.locator("#id_translation_chosen bdi").inner_text() == "تغییر نشانی ایمیل"
    page.locator("#id_related").press("Enter")
    assert page.url.endswith(f"/kb/manage/{edited.pk}/")

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(".flash")
    assert page.locator("#id_related_chosen input:checked").get_attribute("value") == str(password.pk)
    assert page.locator("#id_translation_chosen input:checked").get_attribute("value") == str(persian.pk)
    edited.refresh_from_db()
    assert list(edited.related.all()) == [password] and edited.translation == persian

    page.goto(f"{live_server.url}{edited.get_absolute_url()}")
    assert page.locator(f"a[href='{password.get_absolute_url()}']").count() >= 1
    page.context.close()


def test_more_matches_load_in_place_and_the_picker_fits_a_persian_phone(browser, live_server, agent):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    edited = _article(agent, "راهنمای چاپگر", language="fa")
    for i in range(12):
        services.article_create(author=agent, title=f"Printer guide number {i} for the second floor office", body="x")
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, agent)
    page.goto(f"{live_server.url}/kb/manage/{edited.pk}/")
    page.locator("#id_related").press_sequentially("printer guide", delay=20)
    page.wait_for_selector("#id_related_matches .kb-pick-more")
    assert page.locator("#id_related_matches [data-pick-article]").count() == 8
    page.locator("#id_related_matches .kb-pick-more").click()
    page.locator("#id_related_matches [data-pick-article]").nth(11).wait_for()
    assert page.locator("#id_related_matches [data-pick-article]").count() == 12
    assert page.locator("#id_related_matches .kb-pick-more").count() == 0
    # an English title in the Persian page starts at the left; nothing is wider than the phone
    title = page.locator("#id_related_matches [data-pick-title]").first
    assert title.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert re.search(r"#[۰-۹]+ · انگلیسی", page.locator("#id_related_matches").inner_text())
    page.context.close()
