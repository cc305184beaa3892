"""In a real browser: a customer's image from another site is not fetched when the agent opens the
ticket, and is fetched once the agent presses "Show images" (tickets.content.remote_images_held)."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from customers.models import Contact  # noqa: E402
from tests.e2e.conftest import sign_in  # noqa: E402
from tests.factories import make_ticket  # noqa: E402
from tickets import services  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_held_image_loads_only_when_the_agent_asks(browser, live_server, agent, customer):
    requester = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=requester, subject="Newsletter", body="See below")
    # "another site": any absolute address; the live server's own, so the browser can reach it
    pixel = f"{live_server.url.replace('localhost', '127.0.0.1')}/remote-pixel.gif?reader=agent"
    services.ticket_reply(
        ticket=ticket,
        actor=None,
        contact=requester,
        body="",
        body_html=f'<p>Hi</p><img src="{pixel}">',
        channel="email",
    )
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "remote-pixel" in request.url else None)
    try:
        sign_in(page, live_server.url, agent)
        page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
        page.wait_for_selector("[data-show-remote]")
        page.wait_for_load_state("networkidle")
        assert fetched == []
        page.click("[data-show-remote]")
        page.wait_for_function("document.querySelector('img[data-remote-src]') === null")
        page.wait_for_load_state("networkidle")
        assert fetched == [pixel]
        assert page.locator(".remote-images").count() == 0
    finally:
        context.close()
