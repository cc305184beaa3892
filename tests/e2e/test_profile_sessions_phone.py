"""The profile's "Where you are signed in" table at phone width, in Persian: the column headings are
hidden there (rows become lines), so each date says which it is; on a wide screen the headings do."""

import pytest

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def _session_row_text(browser, live_server, customer, width: int) -> str:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, customer, landing=r".*/portal/$")
    page.goto(f"{live_server.url}/profile/")
    return page.locator("#sessions tbody tr").first.inner_text()  # what is shown (display: none is not)


def test_at_phone_width_each_session_date_says_which_it_is(browser, live_server, customer):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    row = _session_row_text(browser, live_server, customer, 390)
    assert "ورود" in row and "آخرین" in row, row


def test_on_a_wide_screen_the_headings_name_the_dates_once(browser, live_server, customer):
    row = _session_row_text(browser, live_server, customer, 1366)
    assert "Signed in" not in row and "Last seen" not in row, row
