"""Every file box the product shows speaks the page's language, not the browser's: Chromium's own box says
"Choose Files" / "No file chosen" in the browser's language (English here, on a Persian page), so it is
visually hidden, a label in the page's language opens it, and the chosen files' names are listed under
it. The box stays focusable (the label shows the focus) and is described by the names; without
JavaScript the label still opens it and the files are sent. Screenshots under /tmp/fileboxshots."""

import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from customers.models import Contact  # noqa: E402
from tests import factories  # noqa: E402
from tests.e2e.conftest import FACTORY_PASSWORD  # noqa: E402
from tests.factories import make_ticket  # noqa: E402
from tickets.models import Attachment, Ticket  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/fileboxshots")
WORDS = {"en": ("Choose files", "No file chosen"), "fa": ("انتخاب فایل‌ها", "فایلی انتخاب نشده است")}
FILES = [
    {"name": "scan-of-invoice.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"},
    {"name": "عکس صفحه.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"},
]
BOX = """(input) => {
  const box = input.getBoundingClientRect();
  const names = document.getElementById(input.getAttribute("aria-describedby").split(" ").pop());
  return {width: box.width, height: box.height, names: names.innerText.trim(),
          items: [...names.querySelectorAll("li bdi.file-name")].map((name) => name.textContent)};
}"""


def _sign_in(browser, live_server, user, *, width, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", FACTORY_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/(agent|portal)/$"))
    return context, page


def _check_box(page, form: str, language: str, shot: str):
    """The form's file box: ours, in the page's language, listing what is chosen."""
    choose, none = WORDS[language]
    input_box = page.locator(f"{form} input[type=file][name=attachments]")
    label = page.locator(f"{form} label.file-box-button")
    assert label.inner_text().strip() == choose
    assert label.get_attribute("for") == input_box.get_attribute("id")
    found = input_box.evaluate(BOX)
    assert found["width"] <= 1 and found["height"] <= 1, found  # the browser's own box is not seen
    assert found["names"] == none, found
    input_box.set_input_files(FILES)
    found = input_box.evaluate(BOX)
    assert found["items"] == [f["name"] for f in FILES], found
    SHOTS.mkdir(exist_ok=True)
    page.locator(form).screenshot(path=str(SHOTS / f"{shot}-{language}.png"))
    # keyboard: the hidden box takes the focus, and the label shows it
    input_box.focus()
    assert page.evaluate("document.activeElement.type") == "file"
    assert label.evaluate("(label) => getComputedStyle(label).outlineStyle") != "none"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_portal_file_boxes_are_ours_in_the_pages_language(browser, live_server, customer, language):
    customer.language = language
    customer.save(update_fields=["language"])
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, subject="Printer")
    context, page = _sign_in(browser, live_server, customer, width=390)
    try:
        page.goto(f"{live_server.url}/portal/requests/new/")
        _check_box(page, "main form:has(input[type=file])", language, "portal-new")
        page.goto(f"{live_server.url}/portal/requests/{ticket.pk}/")
        _check_box(page, "form.reply", language, "portal-reply")
    finally:
        page.goto("about:blank")
        context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_agent_file_boxes_are_ours_in_the_pages_language(browser, live_server, agent, customer, language):
    agent.language = language
    agent.save(update_fields=["language"])
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, subject="Printer")
    context, page = _sign_in(browser, live_server, agent, width=1280)
    try:
        page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
        _check_box(page, "#composer", language, "agent-composer")
        page.goto(f"{live_server.url}/agent/tickets/new/")
        _check_box(page, "main form:has(input[type=file])", language, "agent-new")
    finally:
        page.goto("about:blank")
        context.close()


def test_without_javascript_the_label_opens_the_box_and_the_files_are_sent(browser, live_server, customer):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    factories.TeamFactory()
    context, page = _sign_in(browser, live_server, customer, width=390, javascript=False)
    try:
        page.goto(f"{live_server.url}/portal/requests/new/")
        page.fill("input[name=subject]", "چاپگر کار نمی‌کند")
        page.fill("textarea[name=description]", "عکس پیوست است.")
        with page.expect_file_chooser() as chooser:
            page.click("label.file-box-button")
        assert chooser.value.is_multiple()
        chooser.value.set_files(FILES[:1])
        page.click("button.primary[type=submit]")
        page.wait_for_url(re.compile(r".*/portal/requests/\d+/$"))
        ticket = Ticket.objects.get(subject="چاپگر کار نمی‌کند")
        assert list(Attachment.objects.filter(ticket=ticket).values_list("original_name", flat=True)) == [
            "scan-of-invoice.pdf"
        ]
    finally:
        page.goto("about:blank")
        context.close()
