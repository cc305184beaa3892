"""Django's admin clock in Persian: "Now" and the clock's hours write the time in Persian digits, as the
time box shows it (static/js/admin-clock-fa.js), the date box beside it keeps its Jalali date, and what is
saved is the moment the boxes show, in the admin's time zone. In English the clock writes Latin digits."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from django.utils import timezone  # noqa: E402

from tests.e2e.conftest import sign_in  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
# The last day of 1403, a leap year of the Jalali calendar: 1403/12/30 is 20 March 2025.
JOINED = datetime.datetime(2025, 3, 20, 9, 15, tzinfo=TEHRAN)
DIGITS = {"fa": "[۰-۹]", "en": "[0-9]"}
NOON = {"fa": "ظهر", "en": "Noon"}
NOW = {"fa": "اکنون", "en": "Now"}


def _open(browser, live_server, admin_user, agent, language):
    admin_user.language = language
    admin_user.time_zone = "Asia/Tehran"
    admin_user.save(update_fields=["language", "time_zone"])
    agent.date_joined = JOINED
    agent.save(update_fields=["date_joined"])
    context = browser.new_context(locale=language, timezone_id="Asia/Tehran")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, admin_user, path="/admin/login/", landing=r".*/admin/$")
    page.goto(f"{live_server.url}/admin/helpdesk/user/{agent.pk}/change/")
    return context, page


def _shortcuts(page):
    return page.locator("#id_date_joined_1").locator("xpath=..").locator(".datetimeshortcuts")


def _save(page):
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")


@pytest.mark.parametrize("language", ["fa", "en"])
def test_now_writes_the_time_in_the_pages_digits_and_saves_that_moment(
    browser, live_server, admin_user, agent, language
):
    context, page = _open(browser, live_server, admin_user, agent, language)
    try:
        date_box = page.input_value("#id_date_joined_0")
        assert date_box == ("۱۴۰۳/۱۲/۳۰" if language == "fa" else "2025-03-20")
        before = timezone.now().astimezone(TEHRAN)
        _shortcuts(page).get_by_text(NOW[language], exact=True).click()
        written = page.input_value("#id_date_joined_1")
        digit = DIGITS[language]
        assert re.fullmatch(f"{digit}{{2}}:{digit}{{2}}:{digit}{{2}}", written), written
        _save(page)
        assert page.input_value("#id_date_joined_0") == date_box
        agent.refresh_from_db()
        joined = agent.date_joined.astimezone(TEHRAN)
        after = timezone.now().astimezone(TEHRAN)
        assert joined.date() == JOINED.date()
        seconds = joined.hour * 3600 + joined.minute * 60 + joined.second
        earliest = before.hour * 3600 + before.minute * 60 + before.second
        latest = after.hour * 3600 + after.minute * 60 + after.second
        assert earliest <= seconds <= latest or latest < earliest  # (a run across midnight checks the date only)
    finally:
        page.goto("about:blank")
        context.close()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_clocks_noon_writes_noon_in_the_pages_digits(browser, live_server, admin_user, agent, language):
    context, page = _open(browser, live_server, admin_user, agent, language)
    try:
        _shortcuts(page).locator(".clock-icon").locator("xpath=..").click()
        page.locator(".clockbox:visible").get_by_text(NOON[language], exact=True).click()
        assert page.input_value("#id_date_joined_1") == ("۱۲:۰۰:۰۰" if language == "fa" else "12:00:00")
        _save(page)
        agent.refresh_from_db()
        assert agent.date_joined == JOINED.replace(hour=12, minute=0)
    finally:
        page.goto("about:blank")
        context.close()


def test_the_time_zone_note_writes_a_half_hour_in_persian(browser, live_server, admin_user, agent):
    """Django's note under a time box when the browser's zone is not the admin's: Tehran is 2.5 hours
    (1.5 in summer) ahead of Berlin, written "۲٫۵" (static/js/app.js's interpolate), not "۲.۵"."""
    admin_user.language = "fa"
    admin_user.time_zone = "Asia/Tehran"
    admin_user.save(update_fields=["language", "time_zone"])
    context = browser.new_context(locale="fa", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, admin_user, path="/admin/login/", landing=r".*/admin/$")
        page.goto(f"{live_server.url}/admin/helpdesk/user/{agent.pk}/change/")
        note = page.locator(".timezonewarning").first.inner_text()
        assert re.search("[۱۲]٫۵ ساعت", note), note
        assert not re.search(r"[0-9]|\d\.\d", note), note  # no Latin digit, no Latin decimal point
    finally:
        page.goto("about:blank")
        context.close()
