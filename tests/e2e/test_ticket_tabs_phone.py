"""The agent ticket list's tabs (the built-in views and the agent's saved views) on a phone: every tab is
in view without scrolling sideways and the first one is whole on load, in English (left to right) and
Persian (right to left), whichever tab is active. On a desktop they stay one row. Screenshots under
/tmp/tabshots."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from tests import factories  # noqa: E402
from tests.e2e.conftest import sign_in  # noqa: E402
from tickets.models import SavedView  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/tabshots")

TABS = """() => {
  const nav = document.querySelector("nav.tabs");
  const tabs = [...nav.querySelectorAll("a")].map((a) => {
    const box = a.getBoundingClientRect();
    return {text: a.textContent.trim(), left: box.left, right: box.right, top: Math.round(box.top)};
  });
  return {tabs, navScroll: nav.scrollWidth, navWidth: nav.clientWidth, page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("view", ["", "all"])
def test_every_tab_is_in_view_on_a_phone_and_the_first_is_whole(browser, live_server, language, view):
    team = factories.TeamFactory()
    agent = factories.UserFactory(role="agent", email=f"tabs-{language}@help.test", language=language)
    agent.teams.add(team)
    for position, name in enumerate(["Printers", "VIP customers of the north region", "فاکتورهای معوق"]):
        SavedView.objects.create(owner=agent, name=name, position=position, query={"view": "open"})
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, agent)
        page.goto(f"{live_server.url}/agent/tickets/" + (f"?view={view}" if view else ""))
        page.wait_for_load_state("networkidle")  # the counts arrive after the page and widen the tabs
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"tabs-{language}-{view or 'default'}-390.png"))
        found = page.evaluate(TABS)
        tabs = found["tabs"]
        assert len(tabs) == 7 + 3, tabs
        assert found["navScroll"] <= found["navWidth"], found  # nothing behind a sideways scroll
        for tab in tabs:
            assert tab["left"] >= 0 and tab["right"] <= 390 + 0.5, tab
        first = tabs[0]
        # the first tab starts the first row, on the reader's side
        assert first["top"] == min(tab["top"] for tab in tabs), tabs
        if language == "fa":
            assert first["right"] >= max(tab["right"] for tab in tabs) - 0.5, tabs
        else:
            assert first["left"] <= min(tab["left"] for tab in tabs) + 0.5, tabs
        assert found["page"] <= 390, found
    finally:
        page.goto("about:blank")
        context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_on_a_desktop_the_tabs_stay_one_row(browser, live_server, language):
    agent = factories.UserFactory(role="agent", email=f"desk-{language}@help.test", language=language)
    SavedView.objects.create(owner=agent, name="Printers", query={"view": "open"})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, agent)
        page.goto(f"{live_server.url}/agent/tickets/?view=all")
        page.wait_for_load_state("networkidle")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"tabs-{language}-all-1280.png"))
        tabs = page.evaluate(TABS)["tabs"]
        assert len({tab["top"] for tab in tabs}) == 1, tabs
    finally:
        page.goto("about:blank")
        context.close()
