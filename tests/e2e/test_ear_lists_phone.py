"""The agent's lists of product feedback, problems, sales opportunities and macros on a phone, and the tickets
linked to one feedback item or problem, in
Persian: each count, amount, owner and date names its column (the headings are hidden there) and stays
in its place under the title (it had jumped above it, a bare number), and a macro's English body is
shortened within the screen rather than cut off at its beginning. On a wide screen the headings name
the columns once."""

import pytest

from tests.factories import ContactFactory, make_ticket
from tickets.feedback import services as feedback_services
from tickets.opportunities import services as opportunity_services
from tickets.problems import services as problem_services
from tickets.workspace.macros import macro_create

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]

BODY = "Could you send us a screenshot of the error you see, with the address bar showing? " * 2

PAGES = {  # page: the labels of its cells that a phone shows
    "/agent/feedback/": ["تیکت‌ها:", "مشتریان:", "سازمان‌ها:", "به‌روزرسانی:"],
    "/agent/problems/": ["مسئول:", "رخدادهای باز:", "به‌روزرسانی:"],
    "/agent/opportunities/": ["ارزش تخمینی:", "مسئول:", "ایجاد شد:"],
    "/agent/macros/": ["دفعات استفاده:", "چه کسانی می‌توانند استفاده کنند:"],
}


@pytest.fixture
def persian_agent(agent, organization):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    ticket = make_ticket(requester=ContactFactory(organization=organization), team=agent.teams.first())
    agent.item = feedback_services.feedback_item_create(actor=agent, title="Dark mode", tickets=[ticket])
    agent.problem = problem_services.problem_create(actor=agent, title="Backups fail", tickets=[ticket], owner=agent)
    opportunity_services.opportunity_create(ticket=ticket, actor=agent, estimated_value=3200, owner=agent)
    macro_create(actor=agent, name="Ask for a screenshot", body=BODY)
    return agent


def _page(browser, live_server, user, width: int):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, user)
    return page


def test_on_a_phone_each_figure_names_its_column_and_stays_under_the_title(browser, live_server, persian_agent):
    page = _page(browser, live_server, persian_agent, 390)
    for path, labels in PAGES.items():
        page.goto(f"{live_server.url}{path}")
        row = page.locator(".ticket-table tbody tr").first
        text = row.inner_text()
        assert all(label in text for label in labels), (path, text)
        title_top = row.locator("td").nth(0 if path == "/agent/macros/" else 1).bounding_box()["y"]
        for count in row.locator("td.count").all():
            assert count.bounding_box()["y"] >= title_top, (path, count.inner_text())
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, path


def test_a_macros_english_body_is_shortened_inside_the_screen(browser, live_server, persian_agent):
    page = _page(browser, live_server, persian_agent, 390)
    page.goto(f"{live_server.url}/agent/macros/")
    body = page.locator(".macro-table .truncate").first
    box, card = body.bounding_box(), page.locator(".table-card").first.bounding_box()
    assert box["x"] >= card["x"] - 1 and box["x"] + box["width"] <= card["x"] + card["width"] + 1, (box, card)
    assert body.evaluate("el => el.scrollWidth > el.clientWidth"), "the body is not shortened"
    assert body.evaluate("el => getComputedStyle(el).direction") == "ltr"


def test_on_a_wide_screen_the_headings_name_the_columns_once(browser, live_server, persian_agent):
    page = _page(browser, live_server, persian_agent, 1280)
    for path, labels in PAGES.items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator(".ticket-table thead").is_visible(), path
        assert labels[0] not in page.locator(".ticket-table tbody tr").first.inner_text(), path


def test_the_tickets_of_a_feedback_item_or_a_problem_name_their_dates_and_assignee(browser, live_server, persian_agent):
    page = _page(browser, live_server, persian_agent, 390)
    for path, labels in (
        (f"/agent/feedback/{persian_agent.item.pk}/", ["درخواست:", "خبر داده شد:"]),
        (f"/agent/problems/{persian_agent.problem.pk}/", ["درخواست:", "مسئول:"]),
    ):
        page.goto(f"{live_server.url}{path}")
        text = page.locator(".ticket-table tbody tr").last.inner_text()
        assert all(label in text for label in labels), (path, text)
