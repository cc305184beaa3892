"""The new-request form in a real browser: the knowledge-base suggestions never move the subject box
being typed in (phone and desktop, both directions), and files over the upload limits are stopped
before anything is sent, with a message next to the file box and what was typed kept."""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, FACTORY_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]

ARTICLES = {
    "en": ("Reset your password", "Use the link on the sign-in page.", "reset password"),
    "fa": ("بازنشانی گذرواژه", "از پیوند صفحه ورود استفاده کنید.", "بازنشانی گذرواژه"),
}


def _signed_in_on_the_form(browser, live_server, *, email: str, language: str, width: int):
    from knowledgebase import services as kb_services
    from knowledgebase.models import Article
    from tests import factories

    title, body, _typed = ARTICLES[language]
    writer = factories.UserFactory(role="agent", email=f"writer-{email}")
    draft = kb_services.article_create_draft(author=writer, title=title, body=body, language=language)
    Article.objects.filter(pk=draft.pk).update(status="published", visibility="public")
    contact = factories.ContactFactory(email=email, with_login=True)
    contact.user.language = language
    contact.user.save(update_fields=["language"])
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", FACTORY_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/portal/$"))
    page.goto(f"{live_server.url}/portal/requests/new/")
    return page


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("width", [390, 1366])
def test_suggestions_never_move_the_subject_box(browser, live_server, transactional_db, language, width):
    page = _signed_in_on_the_form(
        browser, live_server, email=f"sam-{language}-{width}@acme.test", language=language, width=width
    )
    subject = page.locator("input[name=subject]")
    before = subject.bounding_box()
    subject.press_sequentially(ARTICLES[language][2], delay=20)
    page.locator("#kb-suggestions a[data-article-id]").first.wait_for(timeout=10_000)
    after = subject.bounding_box()
    assert abs(after["y"] - before["y"]) < 1, (before, after)
    panel = page.locator(".suggest-panel").bounding_box()
    if width == 390:  # one column: the panel right under the subject, within the screen
        assert panel["y"] >= after["y"] + after["height"]
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")


@pytest.mark.parametrize("width", [390, 1366])
def test_files_over_the_total_are_stopped_before_sending_and_nothing_typed_is_lost(
    browser, live_server, transactional_db, settings, width
):
    from tickets.models import Ticket

    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 600 * 1024
    settings.HELPDESK_MAX_UPLOAD_BYTES = 1024 * 1024
    page = _signed_in_on_the_form(browser, live_server, email=f"lee-{width}@acme.test", language="en", width=width)
    page.fill("input[name=subject]", "Three big scans")
    page.fill("textarea[name=description]", "Scans of the broken printer")
    files = [{"name": f"scan{i}.pdf", "mimeType": "application/pdf", "buffer": b"%" * (400 * 1024)} for i in range(3)]
    box = page.locator("input[name=attachments]")
    box.set_input_files(files)
    error = page.locator("[data-upload-error]")
    error.wait_for(timeout=5_000)
    assert "together are larger than the limit of 1 MB" in error.inner_text()
    url = page.url
    page.click("button[type=submit].primary")
    page.wait_for_timeout(500)
    assert page.url == url and not Ticket.objects.exists()  # not sent: no 413 page, no request
    assert page.input_value("input[name=subject]") == "Three big scans"
    assert page.input_value("textarea[name=description]") == "Scans of the broken printer"
    # One file over the per-file limit is named.
    box.set_input_files([{"name": "huge.pdf", "mimeType": "application/pdf", "buffer": b"%" * (700 * 1024)}])
    assert "“huge.pdf” is larger than the limit of" in error.inner_text()
    # Within the limits, the message goes and the request is sent.
    box.set_input_files([{"name": "small.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 small"}])
    assert page.locator("[data-upload-error]").count() == 0
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/portal/requests/\d+/$"))
    assert Ticket.objects.get().subject == "Three big scans"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_all_my_requests_fits_a_phone(browser, live_server, transactional_db, language):
    from tests.factories import make_ticket

    page = _signed_in_on_the_form(browser, live_server, email=f"kim-{language}@acme.test", language=language, width=390)
    from customers.models import Contact

    contact = Contact.objects.get(email=f"kim-{language}@acme.test")
    make_ticket(requester=contact, actor=contact.user, subject="A rather long subject about the printer in room 42")
    page.goto(f"{live_server.url}/portal/requests/?q=printer")
    page.locator(".prow-subject").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    search = page.locator("input[name=q]").bounding_box()
    assert search["x"] >= 0 and search["x"] + search["width"] <= 390
