"""A portal reply refused in a real browser keeps its file: the customer picks a file, sends a message
over the length limit (a file alone would be a reply), sees the file listed as kept (ticked), writes a
shorter message and sends; the reply carries the file (tickets.attachments.pending). In Persian, at
phone width (a screenshot is kept under var/)."""

from pathlib import Path

import pytest

from tests.factories import make_ticket
from tickets.content import MAX_BODY_CHARS
from tickets.models import Attachment

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def test_a_refused_portal_reply_keeps_its_file_until_it_is_sent(browser, live_server, customer, tmp_path):
    ticket = make_ticket(requester=customer.contact, actor=customer, subject="Printer on fire")
    customer.language = "fa"
    customer.save(update_fields=["language"])
    log = tmp_path / "گزارش.txt"
    log.write_text("چاپگر روشن نمی‌شود\n", encoding="utf-8")
    page = browser.new_context(viewport={"width": 390, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", customer.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/portal/requests/{ticket.pk}/")
    page.set_input_files("form.reply input[name=attachments]", str(log))
    # set by script, not typed: typing stops at the box's maxlength, the server's limit
    page.eval_on_selector(
        "form.reply textarea[name=body]", "(box, n) => { box.value = 'x'.repeat(n); }", MAX_BODY_CHARS + 1
    )
    page.click("form.reply button[type=submit]")
    page.wait_for_selector(".kept-files")
    assert "گزارش.txt" in page.inner_text(".kept-files")
    assert page.is_checked(".kept-files input[name=kept]")
    Path("var").mkdir(exist_ok=True)
    page.locator(".kept-files").scroll_into_view_if_needed()
    page.screenshot(path="var/portal-kept-file-fa-390.png")
    page.fill("form.reply textarea[name=body]", "گزارش پیوست است.")
    page.click("form.reply button[type=submit]")
    page.wait_for_selector(".files .file-name")
    assert Attachment.objects.get(ticket=ticket).original_name == "گزارش.txt"
