"""The many-to-many picker of the admin (a contract's products, filter_horizontal) reads in Persian in
fa: Django's scripts take its texts from the JavaScript catalogue, where ours fills the ones Django's
Persian catalogue lacks (helpdesk/third_party_strings.js)."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from tests.e2e.conftest import sign_in  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "choose_all"), [("fa", "افزودن همهٔ"), ("en", "Choose all")])
def test_the_products_picker_speaks_the_admins_language(browser, live_server, admin_user, language, choose_all):
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    context = browser.new_context(locale=language)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, admin_user, path="/admin/login/", landing=r".*/admin/$")
        page.goto(f"{live_server.url}/admin/customers/servicecontract/add/")
        page.wait_for_selector("#id_products_add_all")
        picker = page.inner_text(".selector")
        assert choose_all in page.inner_text("#id_products_add_all")
        if language == "fa":
            assert "Choose" not in picker and "Remove" not in picker and "Available" not in picker
            assert "حذف همهٔ" in page.inner_text("#id_products_remove_all")
    finally:
        page.goto("about:blank")
        context.close()


@pytest.mark.parametrize(("language", "ticked"), [("fa", "۱ از ۲"), ("en", "1 of 2 selected")])
def test_the_selection_counter_counts_in_the_admins_digits(browser, live_server, admin_user, language, ticked):
    """Django's actions.js writes "1 of 2 selected" through interpolate(), which static/js/app.js gives
    Persian digits in fa."""
    from tests.factories import TeamFactory

    for name in ("Line one", "Line two"):
        TeamFactory(name=name)
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    context = browser.new_context(locale=language)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, admin_user, path="/admin/login/", landing=r".*/admin/$")
        page.goto(f"{live_server.url}/admin/helpdesk/team/")
        page.locator("input.action-select").first.check()
        counter = page.locator(".action-counter")
        counter.filter(has_text=ticked).wait_for()
        if language == "fa":
            assert not any(c.isascii() and c.isdigit() for c in counter.inner_text())
    finally:
        page.goto("about:blank")
        context.close()
