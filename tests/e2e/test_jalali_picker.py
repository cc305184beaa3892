"""The Jalali date picker in a real browser, checked month by month against jdatetime."""

import re

import jdatetime
import pytest

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]
PERSIAN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _signed_in(browser, live_server, user, *, width: int):
    """A page of a fresh browser context, signed in as `user` (the password of the test users)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    return page


def test_the_picker_draws_every_month_as_jdatetime_counts_it_and_writes_the_date(browser, live_server, admin_user):
    admin_user.language = "fa"
    admin_user.save()
    page = _signed_in(browser, live_server, admin_user, width=390)
    page.goto(f"{live_server.url}/admin/customers/servicecontract/add/")
    box = page.locator("input[name=valid_from]")
    box.fill("۱۴۰۳/۰۱/۱۰")
    page.locator("input[name=valid_from] + .jpicker-open").click()
    picker = page.locator("input[name=valid_from] ~ .jpicker")

    # 1403 is a leap year (Esfand has 30 days); the months run on into 1404.
    for step in range(15):
        year, month = 1403 + (step // 12), step % 12 + 1
        first = jdatetime.date(year, month, 1)
        days = (jdatetime.date(year + (month == 12), month % 12 + 1, 1) - first).days
        assert picker.locator(".jpicker-grid button").count() == days, (year, month)
        blanks = picker.locator(".jpicker-grid > span:not(.jpicker-weekday)").count()
        assert blanks == first.weekday(), (year, month)  # jdatetime counts from Saturday, as the grid does
        assert str(year) in picker.locator(".jpicker-head strong").inner_text().translate(PERSIAN)
        picker.get_by_label("ماه بعد").click()

    picker.get_by_label("ماه پیش").click()  # back from Tir to Khordad 1404
    picker.locator(".jpicker-grid button", has_text=re.compile("^۱۵$")).click()
    assert box.input_value() == "۱۴۰۴/۰۳/۱۵"
    assert picker.is_hidden()
    page.context.close()


# Each field's box (label, date box, picker button, select) as a rectangle, and the cell it must stay in.
FIELD_OVERRUNS = r"""() => [...document.querySelectorAll('.report-fields > div')].flatMap(cell => {
  const box = cell.getBoundingClientRect();
  return [...cell.querySelectorAll('input, select, button')]
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, r]) => r.width && (r.left < box.left - 1 || r.right > box.right + 1))
    .map(([el, r]) => `${el.name || el.className}: ${Math.round(r.left)}-${Math.round(r.right)} outside ${Math.round(box.left)}-${Math.round(box.right)}`);
})"""


@pytest.mark.parametrize("width", [1366, 390])
def test_a_reports_jalali_date_boxes_stay_in_their_own_cell(browser, live_server, admin_user, width):
    """The picker's button once ran over the next field (the period's select) on a desktop."""
    admin_user.language = "fa"
    admin_user.save()
    page = _signed_in(browser, live_server, admin_user, width=width)
    page.goto(f"{live_server.url}/agent/reports/volume/?start=1405/06/15")
    page.wait_for_selector(".report-fields .jpicker-open")
    assert page.locator(".report-fields .jpicker-open").count() == 2
    assert page.input_value("input[name=start]") == "۱۴۰۵/۰۶/۱۵"  # typed in Jalali, shown back in Jalali
    assert page.evaluate(FIELD_OVERRUNS) == []
    page.context.close()


def test_today_is_the_readers_own_day_and_the_today_button_writes_it(browser, live_server, admin_user):
    """At 01:30 in Tehran on 1 Farvardin 1404 (22:00 UTC on 20 March 2025, still 1403/12/30 in UTC) the
    picker opens on Farvardin 1404, marks its first day as today, and "امروز" writes ۱۴۰۴/۰۱/۰۱."""
    from datetime import UTC, datetime

    admin_user.language = "fa"
    admin_user.save()
    context = browser.new_context(viewport={"width": 390, "height": 900}, timezone_id="Asia/Tehran")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.clock.set_fixed_time(datetime(2025, 3, 20, 22, 0, tzinfo=UTC))
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", admin_user.email)
        page.fill("input[name=password]", "secret-pass-1")
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/admin/customers/servicecontract/add/")
        page.locator("input[name=valid_from] + .jpicker-open").click()
        picker = page.locator("input[name=valid_from] ~ .jpicker")
        assert "فروردین ۱۴۰۴" in picker.locator(".jpicker-head strong").inner_text()
        assert picker.locator(".jpicker-today").inner_text() == "۱"
        picker.get_by_role("button", name="امروز").click()
        assert page.input_value("input[name=valid_from]") == "۱۴۰۴/۰۱/۰۱"
        assert picker.is_hidden()
    finally:
        page.goto("about:blank")
        context.close()
