"""The portal's file boxes in a real browser speak the page's language: Chromium draws its own "Choose
Files" / "No file chosen" / "2 files" in the browser's language (English here, and "files 2" in a
right-to-left line), so a Persian customer read English on the new-request form and under every reply.
The box is now a labelled button and a line in the page's language and digits; the real input still
carries the files, from the keyboard too."""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, FACTORY_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]

WORDS = {
    "fa": ("انتخاب فایل‌ها", "هیچ فایلی انتخاب نشده است", "۲ فایل: اسکرین‌شات.png، گزارش.pdf"),
    "en": ("Choose files", "No file chosen", "2 files: اسکرین‌شات.png, گزارش.pdf"),
}
FILES = [
    {"name": "اسکرین‌شات.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n small"},
    {"name": "گزارش.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 small"},
]


def _signed_in(browser, live_server, *, email: str, language: str, width: int):
    from tests import factories

    contact = factories.ContactFactory(email=email, with_login=True)
    contact.user.language = language
    contact.user.save(update_fields=["language"])
    page = browser.new_page(viewport={"width": width, "height": 800}, locale="en-US")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", FACTORY_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/portal/$"))
    return page


@pytest.mark.parametrize(("language", "width"), [("fa", 390), ("fa", 1280), ("en", 390), ("en", 1280)])
def test_the_file_box_of_a_new_request_and_of_a_reply_is_in_the_pages_language(
    browser, live_server, transactional_db, language, width
):
    from tickets.models import Attachment, Ticket

    choose, none, two = WORDS[language]
    page = _signed_in(browser, live_server, email=f"rana-{language}-{width}@acme.test", language=language, width=width)
    page.goto(f"{live_server.url}/portal/requests/new/")
    picker = page.locator(".file-picker")
    assert picker.locator("label.button").inner_text() == choose
    assert picker.locator(".file-picker-chosen").inner_text() == none
    box = page.locator("input[name=attachments]")
    assert box.bounding_box()["width"] <= 1  # Chromium's own English button is not shown
    with page.expect_file_chooser() as chooser:  # the page's button opens the browser's file dialog
        picker.locator("label.button").click()
    chooser.value.set_files(FILES)
    assert picker.locator(".file-picker-chosen").inner_text() == two
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.fill("input[name=subject]", "Printer")
    page.fill("textarea[name=description]", "It prints blank pages.")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/portal/requests/\d+/$"))
    ticket = Ticket.objects.get()
    assert sorted(Attachment.objects.filter(ticket=ticket).values_list("original_name", flat=True)) == sorted(
        f["name"] for f in FILES
    )
    # The reply box under the request: the same words; the keyboard reaches the real input.
    reply = page.locator("form.reply .file-picker")
    assert reply.locator("label.button").inner_text() == choose
    assert reply.locator(".file-picker-chosen").inner_text() == none
    page.focus("form.reply input[type=file]")
    assert page.evaluate("document.activeElement.type") == "file"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_file_refused_for_its_size_is_named_in_its_own_direction(
    browser, live_server, transactional_db, settings, language
):
    """«“گزارش.pdf” is larger than…»: the Persian name in the English sentence (or an English one in
    the Persian) is isolated, so its dot and the quotes stay where they belong."""
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 1024
    page = _signed_in(browser, live_server, email=f"omid-{language}@acme.test", language=language, width=390)
    page.goto(f"{live_server.url}/portal/requests/new/")
    name = "گزارش بزرگ.pdf" if language == "en" else "big report.pdf"
    page.locator("input[name=attachments]").set_input_files(
        [{"name": name, "mimeType": "application/pdf", "buffer": b"%" * 2048}]
    )
    error = page.locator("[data-upload-error]")
    error.wait_for(timeout=5_000)
    assert error.locator("bdi").inner_text() == name
    assert error.evaluate("(note) => note.previousElementSibling.classList.contains('file-picker')")
