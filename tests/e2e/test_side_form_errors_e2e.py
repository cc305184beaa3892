"""A sidebar form refused in a real browser, in Persian at phone width: it comes back as typed, the
error beside its field (a screenshot is kept under var/ to look at)."""

from pathlib import Path

import pytest

from tests.factories import make_ticket

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def test_linking_to_a_missing_ticket_keeps_the_number_in_persian(browser, live_server, agent, customer):
    ticket = make_ticket(requester=customer.contact, actor=customer, subject="Printer on fire")
    agent.language = "fa"
    agent.save(update_fields=["language"])
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
    page.wait_for_selector(".link-form input[name=number]")
    page.fill(".link-form input[name=number]", "۹۹۹۹")
    page.click(".link-form button[type=submit]")
    page.wait_for_selector("#link-number-error")
    # the page's number boxes write Persian digits as Latin ones (tests/e2e/test_number_boxes.py)
    assert page.input_value(".link-form input[name=number]") in ("۹۹۹۹", "9999")
    assert "وجود ندارد" in page.inner_text("#link-number-error")
    page.locator("#link-number-error").scroll_into_view_if_needed()
    Path("var").mkdir(exist_ok=True)
    page.screenshot(path="var/side-link-error-fa-390.png")
