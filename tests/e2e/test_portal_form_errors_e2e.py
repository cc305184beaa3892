"""A portal form refused by the server, in Persian at phone width: the page comes back with the focus
on the first field in error (so a phone shows it, even at the foot of a long page, and a screen reader
reads it), and the field names its error (aria-describedby) so the error is read with it."""

import pytest

from tests.factories import make_ticket
from tickets import services
from tickets.models import Status

from .conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]

# The focused element: its name, whether it is within the viewport, and the text of what describes it.
FOCUSED = """() => {
  const box = document.activeElement;
  const rect = box.getBoundingClientRect();
  const holder = box.closest("fieldset") || box;
  const ids = (holder.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  return {
    name: box.name || "",
    inView: rect.top >= 0 && rect.bottom <= window.innerHeight,
    described: ids.map((id) => (document.getElementById(id) || {}).textContent || "").join(" "),
  };
}"""


@pytest.fixture
def phone(browser, live_server, customer):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    page = browser.new_context(viewport={"width": 390, "height": 700}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, customer, landing=r".*/portal/$")
    return page


def test_a_new_request_without_a_subject_comes_back_focused_on_the_subject_and_its_error(phone, live_server):
    phone.goto(f"{live_server.url}/portal/requests/new/")
    phone.fill("textarea[name=description]", "از دیروز نمی‌توانم وارد شوم.")
    phone.click("form button.primary[type=submit]")
    phone.wait_for_selector(".field-error")
    focused = phone.evaluate(FOCUSED)
    assert focused["name"] == "subject" and focused["inView"]
    assert "الزامی" in focused["described"]


def test_a_rating_without_a_score_comes_back_focused_on_the_scores_at_the_foot_of_the_page(
    phone, live_server, customer, agent
):
    ticket = make_ticket(requester=customer.contact, actor=customer, subject="چاپگر روشن نمی‌شود")
    for n in range(4):  # a long conversation: the rating form sits far below the first screen
        services.ticket_reply(ticket=ticket, actor=agent, body="پاسخ پشتیبانی " * 40 + str(n))
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    phone.goto(f"{live_server.url}/portal/requests/{ticket.pk}/")
    phone.click("section.rating button[type=submit]")
    phone.wait_for_selector("section.rating .field-error")
    focused = phone.evaluate(FOCUSED)
    assert focused["name"] == "score" and focused["inView"]
    assert "امتیازی از ۱ تا ۵ انتخاب کنید." in focused["described"]  # what to do, not "required"


def test_a_fields_error_goes_once_the_customer_fills_it_and_the_others_stay(phone, live_server):
    """Filled since, a subject still said «required» beside a file the browser held back, as if the form
    refused what was typed; the description, still empty, keeps its error; the server checks both again."""
    phone.goto(f"{live_server.url}/portal/requests/new/")
    phone.click("form button.primary[type=submit]")
    phone.wait_for_selector(".field-error")
    subject, description = phone.locator(".field:has(#id_subject)"), phone.locator(".field:has(#id_description)")
    assert "الزامی" in subject.inner_text() and "الزامی" in description.inner_text()
    phone.locator("#id_subject").press_sequentially("چاپگر")
    assert "الزامی" not in subject.inner_text() and "has-error" not in subject.get_attribute("class")
    assert "الزامی" in description.inner_text() and "has-error" in description.get_attribute("class")
    phone.click("form button.primary[type=submit]")  # the description is still empty: refused again
    phone.wait_for_selector(".field:has(#id_description) .field-error")
    assert (
        phone.input_value("#id_subject") == "چاپگر"
        and "الزامی" not in phone.locator(".field:has(#id_subject)").inner_text()
    )
