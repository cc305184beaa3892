"""The business-calendar admin page fits the window in both languages: at 1366 px nothing spills past
the edge, and on a 390 px phone the inline tables (holidays, working hours) scroll inside themselves,
not the page. Screenshots under /tmp/h8shots."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from customers import demo as customers_demo  # noqa: E402
from customers.models import BusinessCalendar  # noqa: E402
from helpdesk import demo as core_demo  # noqa: E402
from tests.e2e.conftest import sign_in  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/h8shots")

WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  header: document.querySelector("#header").getBoundingClientRect().right,
  inlines: [...document.querySelectorAll(".inline-group")].map((g) => g.getBoundingClientRect().right),
})"""


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("width", [1366, 390])
def test_the_calendar_page_fits_the_window(browser, live_server, admin_user, language, width):
    core_demo.load()
    customers_demo.load()
    calendar = BusinessCalendar.objects.filter(holidays__isnull=False).first()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, admin_user, path="/admin/login/", landing=r".*/admin/$")
        page.goto(f"{live_server.url}/admin/customers/businesscalendar/{calendar.pk}/change/")
        page.wait_for_selector(".inline-group")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"calendar-{language}-{width}.png"), full_page=True)
        widths = page.evaluate(WIDTHS)
        assert widths["page"] <= width, widths
        assert widths["header"] <= width + 1, widths
        assert all(right <= width + 1 for right in widths["inlines"]), widths
    finally:
        page.goto("about:blank")
        context.close()


HOLIDAY_ROW = """() => {
  const box = document.querySelector("#holidays-group fieldset.module");
  const frame = box.getBoundingClientRect();
  const days = document.querySelector("#holidays-0 td.field-days input").getBoundingClientRect();
  const remove = document.querySelector("#holidays-0 td.delete input").getBoundingClientRect();
  return {scroll: box.scrollWidth, width: box.clientWidth, frame: [frame.left, frame.right],
          days: [days.left, days.right], remove: [remove.left, remove.right]};
}"""


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_holiday_rows_fit_their_box_at_1280(browser, live_server, admin_user, language):
    """Every column of a holiday row, the days and the delete box included, shows at 1280 px beside the
    admin's sidebar without scrolling the table sideways."""
    core_demo.load()
    customers_demo.load()
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    calendar = BusinessCalendar.objects.filter(holidays__isnull=False).first()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, admin_user, path="/admin/login/", landing=r".*/admin/$")
        page.goto(f"{live_server.url}/admin/customers/businesscalendar/{calendar.pk}/change/")
        page.wait_for_selector("#holidays-0")
        assert page.locator("#nav-sidebar").is_visible()
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"holidays-{language}-1280.png"), full_page=True)
        row = page.evaluate(HOLIDAY_ROW)
        assert row["scroll"] <= row["width"], row
        left, right = row["frame"]
        for part in ("days", "remove"):
            assert left <= row[part][0] and row[part][1] <= right, row
    finally:
        page.goto("about:blank")
        context.close()
