"""The Jalali picker's "امروز" and the admin clock's "Now" keep one day: the admin's profile time zone,
whatever zone the browser is in (static/js/jalali-picker.js reads it from its script tag, the clock from
Django's data-admin-utc-offset). Around midnight the browser's day is another day; a date and a time
picked with the two buttons together are that very moment in the admin's zone."""

import datetime

import jdatetime
import pytest

from tests.e2e.conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]
UTC = datetime.UTC
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# 21:00 UTC on 20 March 2025 is 00:30 in Tehran on 1 Farvardin 1404, while UTC is still on 1403/12/30.
MOMENT = datetime.datetime(2025, 3, 20, 21, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("profile_zone", "browser_zone", "day", "time"),
    [
        ("Asia/Tehran", "UTC", "۱۴۰۴/۰۱/۰۱", "۰۰:۳۰:۰۰"),  # an admin in Tehran on a laptop left on UTC
        ("UTC", "Asia/Tehran", "۱۴۰۳/۱۲/۳۰", "۲۱:۰۰:۰۰"),  # and the reverse
    ],
)
def test_the_pickers_today_is_the_day_now_writes_in_the_profiles_zone(
    browser, live_server, admin_user, agent, profile_zone, browser_zone, day, time
):
    admin_user.language = "fa"
    admin_user.time_zone = profile_zone
    admin_user.save(update_fields=["language", "time_zone"])
    context = browser.new_context(locale="fa", timezone_id=browser_zone, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.clock.set_fixed_time(MOMENT)
        sign_in(page, live_server.url, admin_user, path="/admin/login/", landing=r".*/admin/$")
        page.goto(f"{live_server.url}/admin/helpdesk/user/{agent.pk}/change/")
        assert page.locator(f"script[src$='jalali-picker.js'][data-time-zone='{profile_zone}']").count() == 1
        page.fill("#id_date_joined_0", "")
        page.locator("#id_date_joined_0 + .jpicker-open").click()
        picker = page.locator("#id_date_joined_0 ~ .jpicker")
        picker.get_by_role("button", name="امروز").click()
        shortcuts = page.locator("#id_date_joined_1").locator("xpath=..").locator(".datetimeshortcuts")
        shortcuts.get_by_text("اکنون", exact=True).click()
        # The day "Now" stands at, as the admin's own script computes it (DateTimeShortcuts.now()).
        y, m, d = page.evaluate(
            "() => { const t = DateTimeShortcuts.now(); return [t.getFullYear(), t.getMonth() + 1, t.getDate()]; }"
        )
        now_day = jdatetime.date.fromgregorian(date=datetime.date(y, m, d)).strftime("%Y/%m/%d").translate(PERSIAN)
        assert page.input_value("#id_date_joined_0") == now_day == day
        assert page.input_value("#id_date_joined_1") == time
        page.click("input[name=_continue]")
        page.wait_for_selector(".messagelist .success")
        agent.refresh_from_db()
        assert agent.date_joined == MOMENT  # the two buttons together wrote the moment it is
    finally:
        page.goto("about:blank")
        context.close()
