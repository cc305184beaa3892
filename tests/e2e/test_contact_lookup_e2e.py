"""The new-ticket page's "find or create" in a real browser: typing a caller's number, in any digits, shows
the contact with that number; choosing it fills the customer fields and the ticket is theirs."""

import re
import shutil
from pathlib import Path

import pytest

from customers.services import contact_create
from tickets.models import Ticket

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]
SHOTS = Path("/tmp/agent-shots")


@pytest.fixture
def phone_page(browser, live_server, agent):
    """An agent who reads Persian, signed in on a phone-sized screen (390 px)."""
    agent.language = "fa"
    agent.save(update_fields=["language"])
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fa")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/agent/$"))
    yield page
    page.goto("about:blank")  # stop the presence heartbeat before the server goes away
    context.close()


def test_typing_a_number_in_the_phone_field_finds_the_contact_and_opens_their_ticket(phone_page, live_server, tmp_path):
    page = phone_page
    caller = contact_create(full_name="رضا کریمی", phone="+98 912 123 4567")
    contact_create(email="someone@acme.test", full_name="Someone Else", phone="021 8888 0000")
    page.goto(f"{live_server.url}/agent/tickets/new/")
    assert page.locator("html[dir=rtl]").count() == 1

    phone = page.locator("input[name=phone]")
    phone.press_sequentially("۰۹۱۲ ۱۲۳ ۴۵", delay=20)  # Persian digits, national form, not finished yet
    match = page.locator("#phone-matches button.match")
    match.wait_for()
    assert match.count() == 1 and "رضا کریمی" in match.inner_text()
    assert page.locator("#contact-matches button.match").count() == 0  # the email field's list stays empty
    path = tmp_path / "new-ticket-phone-lookup-fa.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    box = page.locator("#phone-matches").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # within the phone's screen

    match.click()
    assert page.input_value("input[name=full_name]") == "رضا کریمی"
    assert page.input_value("input[name=phone]") == "+98 912 123 4567"
    assert page.input_value("input[name=email]") == ""
    page.fill("input[name=subject]", "اینترنت قطع است")
    page.fill("textarea[name=body]", "تماس گرفت: از صبح اینترنت ندارد.")
    page.click("button.primary[type=submit]")
    page.wait_for_url(re.compile(r"/agent/tickets/\d+/$"))
    assert Ticket.objects.get(subject="اینترنت قطع است").requester == caller


def test_an_unknown_number_says_a_new_contact_will_be_created(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/agent/tickets/new/")
    page.locator("input[name=phone]").press_sequentially("0935 000 1122", delay=20)
    hint = page.locator("#phone-matches .hint")
    hint.wait_for()
    assert "مخاطبی با این شماره" in hint.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.locator("fieldset").first.screenshot(path=str(SHOTS / "new-ticket-new-number-fa.png"))
