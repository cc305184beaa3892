"""The file-type policy in a real browser: a program picked in the portal's new-request form or the agent's
composer is refused next to the file box before anything is sent (the list and the message come from the
server, tickets.attachments.forms), what was typed stays, and an ordinary file then goes. Screenshots of the
refusals, the call form's automatic priority and the withheld-file event, in English and Persian, desktop
and phone width, are kept under var/file-policy/."""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, sign_in
from tests.factories import make_ticket
from tests.tickets.conftest import make_mail
from tickets.email.ingest import email_ingest
from tickets.models import Message, Ticket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]

SHOTS = Path("var/file-policy")
PROGRAM = {"name": "invoice.pdf.exe", "mimeType": "application/octet-stream", "buffer": b"MZ" + b"\x00" * 64}
PDF = {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 invoice"}
REFUSED = {"en": "“invoice.pdf.exe” cannot be attached: EXE files are programs", "fa": "«invoice.pdf.exe» پیوست نمی‌شود"}
SIZES = [("en", 1366), ("en", 390), ("fa", 1366), ("fa", 390)]


def _page(browser, user, base, *, language: str, width: int, landing: str):
    user.language = language
    user.save(update_fields=["language"])
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, user, landing=landing)
    return page


def _shoot(page, name: str, locator) -> None:
    """The screen around `locator` (centred in view), not the whole page: the ticket page is long."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    locator.evaluate("node => node.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize(("language", "width"), SIZES)
def test_the_portal_stops_a_program_before_sending_and_keeps_the_text(browser, live_server, customer, language, width):
    page = _page(browser, customer, live_server.url, language=language, width=width, landing=r".*/portal/$")
    page.goto(f"{live_server.url}/portal/requests/new/")
    page.fill("input[name=subject]", "Invoice is wrong")
    page.fill("textarea[name=description]", "The total is off by ten.")
    box = page.locator("input[name=attachments]")
    box.set_input_files([PDF, PROGRAM])
    error = page.locator("[data-upload-error]")
    error.wait_for(timeout=5_000)
    assert REFUSED[language] in error.inner_text()
    _shoot(page, f"portal-new-refused-{language}-{width}", error)
    url = page.url
    page.click("button[type=submit].primary")
    page.wait_for_timeout(500)
    assert page.url == url and not Ticket.objects.exists()
    assert page.input_value("textarea[name=description]") == "The total is off by ten."
    box.set_input_files([PDF])
    assert page.locator("[data-upload-error]").count() == 0
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/portal/requests/\d+/$"))
    assert Ticket.objects.get().attachments.get().original_name == "invoice.pdf"


@pytest.mark.parametrize(("language", "width"), SIZES)
def test_the_composer_stops_a_program_and_the_call_form_starts_on_automatic(
    browser, live_server, agent, customer, language, width
):
    ticket = make_ticket(requester=customer.contact, actor=customer, subject="Printer on fire")
    email_ingest(
        raw=make_mail(
            sender=customer.email,
            subject=f"Re: [#{ticket.pk}] Printer on fire",
            body="The tool you asked for.",
            attachments=[("tool.pdf.exe", PROGRAM["buffer"], "application", "octet-stream")],
        )
    )
    page = _page(browser, agent, live_server.url, language=language, width=width, landing=r".*/agent/$")
    page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
    event = page.locator(".ev-name", has_text="tool.pdf.exe").first
    event.wait_for()
    _shoot(page, f"agent-withheld-event-{language}-{width}", event)
    page.fill("form textarea[name=body]", "Here is the fix.")
    page.locator("input[type=file][name=attachments]").set_input_files([PROGRAM])
    error = page.locator("[data-upload-error]")
    error.wait_for(timeout=5_000)
    assert REFUSED[language] in error.inner_text()
    _shoot(page, f"agent-composer-refused-{language}-{width}", error)
    before = Message.objects.count()
    page.locator("input[type=file][name=attachments]").evaluate("box => box.form.requestSubmit()")
    page.wait_for_timeout(500)
    assert Message.objects.count() == before and page.input_value("form textarea[name=body]") == "Here is the fix."
    page.goto(f"{live_server.url}/agent/calls/new/?contact={customer.contact.pk}")
    priority = page.locator("select[name=priority]")
    assert priority.input_value() == ""
    _shoot(page, f"agent-call-priority-{language}-{width}", priority)
    page.goto("about:blank")
