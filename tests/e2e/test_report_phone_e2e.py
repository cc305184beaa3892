"""A report on a phone in a real browser: the grouping and filters folded under their summary (open on a
wide screen), the figures in the first screen, the chart over time scrolled to its latest end."""

import pytest

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def _report(browser, live_server, user, *, width: int):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, user, landing=r".*/(agent|admin)/$")
    page.goto(f"{live_server.url}/agent/reports/volume/?bucket=day")
    page.wait_for_selector(".chart")
    return page


@pytest.mark.parametrize("language", ["en", "fa"])
def test_on_a_phone_the_report_comes_before_its_filters_and_its_chart_shows_the_latest_days(
    browser, live_server, admin_user, customer, language
):
    from tests.factories import make_ticket

    make_ticket(requester=customer.contact, actor=admin_user, subject="Counted")
    admin_user.language = language
    admin_user.save()
    page = _report(browser, live_server, admin_user, width=390)
    assert not page.locator("details.report-more").evaluate("d => d.open")
    assert page.locator("select[name=team]").is_hidden()
    assert page.locator(".report-figures").bounding_box()["y"] < 844  # in the first screen
    scroll = page.locator(".chart-scroll").evaluate("box => [box.scrollLeft, box.scrollWidth - box.clientWidth]")
    assert scroll[1] > 0  # the chart is wider than the phone
    assert abs(scroll[0]) == pytest.approx(scroll[1], abs=2)  # at its latest end: right in English, left in Persian
    assert (scroll[0] > 0) == (language == "en")
    page.context.close()

    page = _report(browser, live_server, admin_user, width=1366)
    assert (
        page.locator("details.report-more").evaluate("d => d.open") and page.locator("select[name=team]").is_visible()
    )
    page.context.close()
