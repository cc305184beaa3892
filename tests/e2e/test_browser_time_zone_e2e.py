"""In a real browser set to Tehran, a person who has not chosen a time zone sees the list's times in
Tehran's from the page after the sign-in page (static/js/app.js writes the browser's zone in a cookie; no
request of its own, so the page's network goes quiet as before); a zone they chose wins."""

import re

import pytest

from tests.e2e.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from helpdesk.models import User  # noqa: E402
from tests.e2e.conftest import sign_in  # noqa: E402
from tests.factories import make_ticket  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("chosen", "offset"), [("", "+03:30"), ("Europe/Berlin", "+01:00")])
def test_the_list_shows_times_in_the_browsers_zone_unless_one_is_chosen(
    browser, live_server, agent, customer, chosen, offset
):
    User.objects.filter(pk=agent.pk).update(time_zone=chosen)
    make_ticket(requester=customer.contact, subject="Printer", body="It jams.", team=agent.teams.get())
    context = browser.new_context(locale="en-US", timezone_id="Asia/Tehran")
    page = context.new_page()
    page.set_default_timeout(15_000)
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    try:
        sign_in(page, live_server.url, agent)
        page.wait_for_load_state("networkidle")
        assert {c["name"]: c["value"] for c in context.cookies()}.get("hd_tz") == "Asia/Tehran"
        page.goto(f"{live_server.url}/agent/tickets/?view=all")
        page.wait_for_load_state("networkidle")
        moments = page.locator("table time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
        assert moments and {re.search(r"[+-]\d\d:\d\d$", m).group(0) for m in moments} == {offset}, moments
        assert not [url for method, url in requests if method == "POST" and "/login/" not in url]
    finally:
        page.goto("about:blank")
        context.close()
