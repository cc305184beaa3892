"""In a real browser set to Tehran, a signed-in person without a time zone gets the browser's stored
once by the page's script; a zone they chose is left alone."""

import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from helpdesk.models import User  # noqa: E402
from tests.conftest import wait_for  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base, user):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/agent/$"))


@pytest.mark.parametrize("chosen", ["", "Europe/Berlin"])
def test_the_browsers_zone_is_stored_once_and_a_chosen_one_kept(browser, live_server, agent, chosen):
    User.objects.filter(pk=agent.pk).update(time_zone=chosen)
    context = browser.new_context(locale="fa-IR", timezone_id="Asia/Tehran")
    page = context.new_page()
    page.set_default_timeout(15_000)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "time-zone" in r.url else None)
    try:
        _sign_in(page, live_server.url, agent)
        if chosen:
            page.wait_for_load_state("networkidle")
            assert not posts
        else:
            assert wait_for(lambda: User.objects.get(pk=agent.pk).time_zone == "Asia/Tehran", timeout=15)
            page.goto(f"{live_server.url}/profile/")
            page.wait_for_load_state("networkidle")
            assert len(posts) == 1
        assert User.objects.get(pk=agent.pk).time_zone == (chosen or "Asia/Tehran")
    finally:
        page.goto("about:blank")
        context.close()
