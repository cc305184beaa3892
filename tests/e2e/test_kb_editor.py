"""The knowledge-base editor in a real browser: the article's language sets its direction; a live preview."""

import re

import pytest

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def test_an_english_article_written_in_the_persian_interface_stays_left_to_right(browser, live_server, agent):
    agent.language = "fa"
    agent.save()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/agent/$"))
    page.goto(f"{live_server.url}/kb/manage/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("select[name=language]").input_value() == "fa"

    # The language is guessed from what the author writes, and the text boxes follow it.
    page.locator("input[name=title]").press_sequentially("Reset your password")
    assert page.locator("select[name=language]").input_value() == "en"
    assert page.locator("textarea[name=body]").get_attribute("dir") == "ltr"
    page.locator("textarea[name=body]").press_sequentially("Open **Settings** first.")
    page.wait_for_selector("#kb-preview strong:has-text('Settings')")
    assert page.locator("#kb-preview .kb-body").get_attribute("dir") == "ltr"

    # A language the author picks is kept, whatever they type next.
    page.select_option("select[name=language]", "fa")
    assert page.locator("textarea[name=body]").get_attribute("dir") == "rtl"
    page.locator("textarea[name=body]").press_sequentially(" More English.")
    assert page.locator("select[name=language]").input_value() == "fa"
    page.wait_for_selector("#kb-preview .kb-body[dir=rtl]")
    context.close()
