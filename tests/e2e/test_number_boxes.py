"""Number boxes in a real browser: what a Persian or Arabic keyboard types becomes a number the server reads."""

import re

import pytest

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def test_a_number_typed_on_a_persian_keyboard_becomes_latin_as_it_is_typed(browser, live_server, agent):
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="fa")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/agent/$"))
    page.goto(f"{live_server.url}/agent/calls/new/")

    box = page.locator("input[name=duration]")
    assert box.get_attribute("inputmode") == "numeric"
    for typed, sent in (("۱۲", "12"), ("١٥", "15"), ("۱۲٫۵", "12.5"), ("۱٬۲۰۰", "1200")):
        box.fill("")
        box.press_sequentially(typed)
        assert box.input_value() == sent
    context.close()
