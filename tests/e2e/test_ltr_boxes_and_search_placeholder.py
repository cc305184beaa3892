"""In a real browser: boxes for email addresses, links, phone numbers and codes run left to right on
Persian pages, wherever they are (static/css/app.css, admin.css); and the portal's request search shows
its whole placeholder on a phone."""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, FACTORY_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]

# The direction a box runs in and where its text starts, as the browser lays it out.
LAYOUT = "el => [getComputedStyle(el).direction, getComputedStyle(el).textAlign]"

# How wide the placeholder's text is against the box's width, in pixels: the box's scroll width with the
# placeholder typed in (its own font and padding), and its client width.
PLACEHOLDER_ROOM = """el => {
  el.value = el.placeholder;
  const sizes = [el.scrollWidth, el.clientWidth];
  el.value = "";
  return sizes;
}"""


def _page(browser, live_server, *, language: str, width: int = 1366):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context.new_page()


def _sign_in(page, live_server, user, landing: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", FACTORY_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(landing))


def test_the_sign_in_email_box_runs_left_to_right_in_persian(browser, live_server, transactional_db):
    page = _page(browser, live_server, language="fa")
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    box = page.locator("#id_username")
    assert box.evaluate(LAYOUT) == ["ltr", "start"]
    password = page.locator("#id_password")
    assert password.evaluate("el => getComputedStyle(el).direction") == "rtl"  # other boxes follow the page
    box.fill("sara@parsian.example.org")  # typed, it stays left to right (the page's direction would flip it)
    assert box.evaluate(LAYOUT) == ["ltr", "start"]


def test_email_and_phone_boxes_of_agent_pages_and_the_admin_run_left_to_right_in_persian(
    browser, live_server, transactional_db
):
    from tests import factories

    admin = factories.UserFactory(role="admin", is_superuser=True, email="boss@help.test", language="fa")
    page = _page(browser, live_server, language="fa")
    _sign_in(page, live_server, admin, r".*/agent/$")
    page.goto(f"{live_server.url}/agent/tickets/new/")
    for selector in ("input[type=email]", "input[type=tel]"):
        assert page.locator(selector).first.evaluate(LAYOUT) == ["ltr", "start"], selector
    page.goto(f"{live_server.url}/admin/helpdesk/user/{admin.pk}/change/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("input[type=email]").first.evaluate(LAYOUT) == ["ltr", "start"]


def _whole_placeholder_shown(page, form: str) -> None:
    page.wait_for_load_state("networkidle")
    text, room = page.locator(f"{form} input[name=q]").evaluate(PLACEHOLDER_ROOM)
    assert text <= room, (text, room)
    button = page.locator(f"{form} button[type=submit]")
    assert button.is_visible() and button.bounding_box()["width"] > 40
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_portal_request_search_shows_its_whole_placeholder_on_a_phone(
    browser, live_server, transactional_db, language
):
    from tests import factories

    contact = factories.ContactFactory(email=f"sam-{language}@acme.test", with_login=True)
    contact.user.language = language
    contact.user.save(update_fields=["language"])
    page = _page(browser, live_server, language=language, width=390)
    _sign_in(page, live_server, contact.user, r".*/portal/$")
    page.goto(f"{live_server.url}/portal/requests/")
    _whole_placeholder_shown(page, "form[role=search]")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_agent_ticket_search_shows_its_whole_placeholder_on_a_phone(
    browser, live_server, transactional_db, language
):
    from tests import factories

    agent = factories.UserFactory(role="agent", email=f"kim-{language}@help.test", language=language)
    page = _page(browser, live_server, language=language, width=390)
    _sign_in(page, live_server, agent, r".*/agent/$")
    page.goto(f"{live_server.url}/agent/tickets/")
    _whole_placeholder_shown(page, "form.filters")
