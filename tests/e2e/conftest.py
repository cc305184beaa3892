"""Browser tests: a headless Chromium driven by Playwright's sync API, against pytest-django's live server."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

CHROMIUM = Path("/usr/bin/chromium")


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Playwright's sync API).

    While it runs, Playwright's event loop counts as running in this thread, so Django gives the ORM
    calls made meanwhile other connections than the test's (asgiref's thread-critical Local follows the
    running loop). They are closed here: left open, they keep PostgreSQL from dropping the test database.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()  # only those of the loop's context: the test's own stays open


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


FACTORY_PASSWORD = "secret-pass-1"  # noqa: S105 (tests.factories' password for every user)


def sign_in(page, base: str, user, *, path: str = "/login/", landing: str = r".*/agent/$") -> None:
    """Sign `user` in through the login form at `path` (the site's, or the admin's "/admin/login/") with
    the factories' password, and wait for their landing page."""
    page.goto(f"{base}{path}")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", FACTORY_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(landing))
