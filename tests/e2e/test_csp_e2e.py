"""Every main page under the Content-Security-Policy in a real browser: no violation in the console.

Chromium reports each refused script, style, image or connection as a console error ("Refused to ...
because it violates the following Content Security Policy directive"); one such line fails the test.
htmx is driven too (a search that swaps results in), since its default indicator styles are inline.
"""

import os
import re
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from tests.factories import make_ticket  # noqa: E402
from tests.knowledgebase.conftest import make_article  # noqa: E402
from tests.tickets.conftest import contact_of  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield browser
        browser.close()


class Console:
    """CSP violations (and Permissions-Policy header errors) reported in one browser page's console."""

    def __init__(self, page):
        self.violations: list[str] = []
        page.on("console", self._message)

    def _message(self, message):
        text = message.text
        if any(name in text for name in ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")):
            self.violations.append(f"{message.location.get('url', '')}: {text}")


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_page(user=None):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        console = Console(page)
        if user is not None:
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", user.email)
            page.fill("input[name=password]", "secret-pass-1")
            page.press("input[name=password]", "Enter")
            page.wait_for_load_state("networkidle")
        return page, console

    yield open_page
    for context in contexts:
        context.pages[0].goto("about:blank")  # stop the presence heartbeat before the server goes away
        context.close()


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    assert "Content-Security-Policy" in {name.title() for name in response.headers} or response.headers.get(
        "content-security-policy"
    ), url
    page.wait_for_load_state("networkidle")


def test_the_main_pages_run_under_the_policy_without_a_violation(open_page, live_server, agent, customer, admin_user):
    base = live_server.url
    ticket = make_ticket(requester=contact_of(customer), subject="Printer on fire", body="It is **on fire**.")
    article = make_article(agent, title="Restart the printer", body="Hold the button for *ten* seconds.")

    page, console = open_page()
    for path in ("/login/", "/kb/", f"/kb/articles/{article.slug}/", "/kb/search/?q=printer", "/api/docs/"):
        _visit(page, base + path)
    page.wait_for_selector("#swagger-ui .opblock", timeout=20_000)  # Swagger UI rendered the schema
    _visit(page, base + "/account/signup/")

    page, console_customer = open_page(customer)
    for path in ("/portal/", "/portal/requests/new/", f"/portal/requests/{ticket.pk}/", "/profile/"):
        _visit(page, base + path)
    page.goto(base + "/portal/requests/new/")
    page.fill("input[name=subject]", "printer")  # htmx: suggested articles swap in as the customer types
    page.wait_for_selector(f"text={article.title}")

    page, console_agent = open_page(agent)
    for path in (
        "/agent/",
        "/agent/tickets/",
        f"/agent/tickets/{ticket.pk}/",
        "/agent/tickets/new/",
        "/agent/macros/",
        "/agent/calls/new/",
        "/agent/reports/sla/",
        "/kb/manage/",
        f"/kb/manage/{article.pk}/",
        "/api/v1/tickets/",  # the browsable API
    ):
        _visit(page, base + path)
    page.goto(f"{base}/agent/tickets/")
    page.fill("input[name=q]", "fire")  # htmx: the list filters as the agent types
    page.wait_for_function("document.querySelectorAll('tbody tr').length >= 1")
    assert page.locator("text=Printer on fire").count() >= 1

    page, console_admin = open_page(admin_user)
    for path in ("/admin/", "/admin/customers/organization/", "/admin/customers/slapolicy/add/"):
        _visit(page, base + path)

    violations = [*console.violations, *console_customer.violations, *console_agent.violations]
    violations += console_admin.violations
    assert violations == []


def test_an_inline_script_without_the_nonce_is_refused_and_reported(open_page, live_server):
    """The check above can see a violation: an injected inline script is blocked and logged."""
    page, console = open_page()
    _visit(page, f"{live_server.url}/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.ran") is None
    assert any(re.search(r"script-src", line) for line in console.violations), console.violations
