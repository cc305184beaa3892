"""The workspace's keyboard shortcuts on a non-Latin layout: they follow the physical key (`code`) when
the character typed (`key`) is not one of theirs, as on a Persian keyboard (N sends "د", shift+/ sends
"؟"), and still do nothing while the agent types in a field."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from customers.models import Contact  # noqa: E402
from tests.e2e.conftest import sign_in  # noqa: E402
from tests.factories import make_ticket  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRESS = """([key, code, shiftKey]) => {
  const target = document.activeElement || document.body;
  const event = new KeyboardEvent("keydown", {key, code, shiftKey, bubbles: true, cancelable: true});
  target.dispatchEvent(event);
  return event.defaultPrevented;
}"""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    page.goto("about:blank")
    context.close()


def test_shortcuts_work_on_a_persian_layout_and_not_while_typing(page, live_server, agent, customer):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), subject="Printer", body="It jams.")
    base = live_server.url
    sign_in(page, base, agent)
    page.goto(f"{base}/agent/tickets/{ticket.pk}/")
    page.wait_for_selector("#composer")

    # shift+/ on a Persian keyboard: "؟" on the Slash key opens the shortcuts
    assert page.evaluate(PRESS, ["؟", "Slash", True]) is True
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcuts").is_visible()

    # N on a Persian keyboard: "د" on KeyN starts an internal note
    assert page.locator("#composer.is-note").count() == 0
    assert page.evaluate(PRESS, ["د", "KeyN", False]) is True
    assert page.locator("#composer.is-note").count() == 1
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"

    # while typing in a field the same key is a letter, not a shortcut
    page.locator("#composer input[name=kind][value=reply]").check()
    page.locator("#composer textarea").first.focus()
    assert page.evaluate(PRESS, ["د", "KeyN", False]) is False
    assert page.evaluate(PRESS, ["؟", "Slash", True]) is False
    assert page.locator("#composer.is-note").count() == 0
    assert not page.locator("#shortcuts").is_visible()


def test_the_search_shortcut_follows_the_slash_key_and_latin_keys_still_work(page, live_server, agent):
    base = live_server.url
    sign_in(page, base, agent)
    page.goto(f"{base}/agent/tickets/")
    page.wait_for_selector("[data-search]")
    # unshifted Slash whatever the layout types there
    assert page.evaluate(PRESS, [".", "Slash", False]) is True
    assert page.evaluate("document.activeElement.matches('[data-search]')") is True
    page.evaluate("document.activeElement.blur()")
    # a Latin layout's own key, on another physical key (e.g. Dvorak), keeps its meaning
    assert page.evaluate(PRESS, ["?", "BracketLeft", True]) is True
    assert page.locator("#shortcuts").is_visible()


def test_j_and_k_walk_the_list_and_o_opens_the_ticket_on_either_layout(page, live_server, agent, customer):
    """j/k move through the list's rows (newest change first), o opens the current one; on a Persian
    keyboard J sends "ت" and O sends "خ". With no row chosen yet, o does nothing."""
    requester = Contact.objects.get(user=customer)
    older = make_ticket(requester=requester, subject="Older printer", body="It jams.")
    newer = make_ticket(requester=requester, subject="Newer scanner", body="It stops.")
    base = live_server.url
    sign_in(page, base, agent)
    page.goto(f"{base}/agent/tickets/?view=all&sort=created")
    page.wait_for_selector("[data-nav-list] [data-nav-item]")
    rows = page.locator("[data-nav-list] [data-nav-item]")
    first_subject = rows.nth(0).inner_text()
    assert page.evaluate(PRESS, ["o", "KeyO", False]) is False  # nothing chosen: the key is left alone
    assert page.url.startswith(f"{base}/agent/tickets/?")

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.locator("[data-nav-item].is-current").count() == 1
    assert page.locator("[data-nav-item].is-current").inner_text() == first_subject
    with page.expect_navigation():
        page.keyboard.press("o")
    expected = newer if "Newer scanner" in first_subject else older
    assert page.url == f"{base}/agent/tickets/{expected.pk}/"

    page.go_back()
    page.wait_for_selector("[data-nav-list] [data-nav-item]")
    assert page.evaluate(PRESS, ["ت", "KeyJ", False]) is True
    assert page.evaluate(PRESS, ["ت", "KeyJ", False]) is True
    second = page.locator("[data-nav-item].is-current").inner_text()
    with page.expect_navigation():
        page.evaluate(PRESS, ["خ", "KeyO", False])
    expected = older if expected == newer else newer
    assert second != first_subject and page.url == f"{base}/agent/tickets/{expected.pk}/"
