"""One file-type policy on every channel (tickets.attachments.store.blocked_extension, the setting
HELPDESK_BLOCKED_FILE_EXTENSIONS): programs and scripts are refused by the portal, the agent's pages and the
API, naming the file, with nothing typed lost; an email's such file is withheld, the mail still becomes its
ticket or reply, and the ticket records an agents-only `attachment_withheld` event."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from helpdesk.exceptions import DomainError
from tests.factories import make_ticket
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.attachments.store import IncomingFile, blocked_extension
from tickets.email.ingest import email_ingest
from tickets.models import Attachment, EventKind, InboundEmail, Message, PendingUpload, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nreport\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60
REFUSED = "cannot be attached"


def exe(name="invoice.pdf.exe") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE, content_type="application/octet-stream")


def pdf(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("setup.exe", ".exe"),
        ("SETUP.EXE", ".exe"),
        ("invoice.pdf.exe", ".exe"),
        ("invoice.pdf.Exe", ".exe"),
        ("setup.exe.", ".exe"),
        ("setup.exe . .", ".exe"),
        ("setup.exe ", ".exe"),
        ("run.exe::$DATA", ".exe"),
        ("C:evil.exe", ".exe"),
        ("photo\u202egnp.exe", ".exe"),  # shows as "photoexe.png" where bidi overrides are honoured
        ("x.ＥＸＥ", ".exe"),  # full-width letters
        ("x.e\u200cxe", ".exe"),  # a joiner hidden in the extension
        ("../../tmp/script.js", ".js"),
        ("dir\\macro.vbs", ".vbs"),
        ("install.msi", ".msi"),
        ("fix.bat", ".bat"),
        ("fix.cmd", ".cmd"),
        ("old.com", ".com"),
        ("screen.scr", ".scr"),
        ("tool.ps1", ".ps1"),
        ("app.jar", ".jar"),
        ("lib.dll", ".dll"),
        ("Mac.app", ".app"),
        ("فاکتور.pdf.exe", ".exe"),
        ("report.pdf", ""),
        ("report.exe.pdf", ""),  # opens as a PDF
        ("example.com.pdf", ""),
        ("exe", ""),
        ("notes.txt", ""),
        ("archive.tar.gz", ""),
        ("فاکتور ۱۴۰۳.pdf", ""),
        ("", ""),
    ],
)
def test_the_rule_reads_a_name_as_windows_opens_it(name, extension):
    assert blocked_extension(name) == extension


def test_the_setting_decides_the_list_in_any_letter_case_with_or_without_dots(settings):
    settings.HELPDESK_BLOCKED_FILE_EXTENSIONS = [".PY", " sh "]
    assert (blocked_extension("x.py"), blocked_extension("x.SH"), blocked_extension("x.exe")) == (".py", ".sh", "")
    settings.HELPDESK_BLOCKED_FILE_EXTENSIONS = []
    assert blocked_extension("setup.exe") == ""


def test_the_default_list_has_the_usual_programs_and_scripts(settings):
    default = set(settings.HELPDESK_BLOCKED_FILE_EXTENSIONS)
    assert {"exe", "msi", "bat", "cmd", "com", "scr", "js", "vbs", "ps1", "jar", "app", "dll", "lnk", "hta"} <= default
    assert not {"pdf", "png", "jpg", "txt", "zip", "docx", "xlsx", "log", "csv"} & default


def test_every_channels_service_refuses_a_program_whoever_sends_it(ticket, agent, requester):
    for actor in (agent, requester.user):
        with pytest.raises(DomainError) as refused:
            services.ticket_reply(
                ticket=ticket,
                actor=actor,
                body="See attached",
                attachments=[IncomingFile(name="tool.PS1", content=b"Write-Host", content_type="text/plain")],
            )
        assert refused.value.code == "attachment_type_blocked" and "tool.PS1" in str(refused.value.detail)
    assert not Attachment.objects.exists()


# --- pages ----------------------------------------------------------------------------------------


def test_the_portal_refuses_a_new_request_with_a_program_naming_it_and_keeps_what_was_typed(customer):
    response = browser_for(customer).post(
        reverse("portal:new"),
        {
            "subject": "Invoice wrong",
            "description": "The total is off by ten.",
            "impact": "slows",
            "attachments": exe(),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“invoice.pdf.exe” cannot be attached: EXE files are programs or scripts" in page
    assert "Invoice wrong" in page and "The total is off by ten." in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_the_portal_reply_refuses_a_program_and_keeps_the_text_and_the_valid_file(customer, ticket):
    response = browser_for(customer).post(
        reverse("portal:reply", args=[ticket.pk]), {"body": "Both files attached.", "attachments": [pdf(), exe()]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "invoice.pdf.exe" in page and REFUSED in page and "Both files attached." in page
    assert [u.original_name for u in PendingUpload.objects.all()] == ["report.pdf"]  # the program is never kept
    assert not Message.objects.filter(body_text__contains="Both files").exists()


def test_the_agent_composer_refuses_a_program_in_a_reply_and_in_a_note(agent_client, ticket):
    for kind in ("reply", "note"):
        response = agent_client.post(
            reverse("agent:ticket-reply", args=[ticket.pk]),
            {"kind": kind, "body": f"Tool for the {kind}", "attachments": exe("fix.BAT")},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "“fix.BAT” cannot be attached: BAT files" in page and f"Tool for the {kind}" in page
    assert not Attachment.objects.exists() and not PendingUpload.objects.exists()


def test_the_agents_new_ticket_form_refuses_a_program(agent_client):
    response = agent_client.post(
        reverse("agent:ticket-new"),
        {"email": "new@example.org", "subject": "Setup", "body": "Run it", "channel": "agent", "type": "question"}
        | {"attachments": exe("setup.exe ")},
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode() and not Ticket.objects.exists()


def test_the_file_box_names_the_refused_types_and_the_message_for_the_browser(customer, settings):
    settings.HELPDESK_BLOCKED_FILE_EXTENSIONS = ["exe", ".JS"]
    page = browser_for(customer).get(reverse("portal:new")).content.decode()
    assert 'data-blocked-extensions="exe js"' in page
    assert 'data-blocked-type="“%(name)s” cannot be attached: %(extension)s files are programs' in page


def test_the_file_box_speaks_persian_in_fa(customer, settings):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    page = browser_for(customer).get(reverse("portal:new")).content.decode()
    assert 'data-blocked-type="«%(name)s» پیوست نمی‌شود' in page


# --- API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["customer", "agent"])
def test_the_api_refuses_a_new_ticket_with_a_program_whoever_sends_it(request, as_user, persona):
    requester = {"requester_email": "x@example.org"} if persona == "agent" else {}
    response = as_user(request.getfixturevalue(persona)).post(
        "/api/v1/tickets/",
        {"subject": "S", "body": "D", **requester, "attachments": [pdf(), exe()]},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "attachment_type_blocked" and "“invoice.pdf.exe”" in body["detail"]
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_the_api_refuses_a_message_with_a_script_and_says_so_in_persian(as_user, customer, ticket):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    response = as_user(customer).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "see", "attachments": [exe("macro.vbs")]},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_blocked"
    assert "پیوست نمی‌شود" in response.json()["detail"]
    assert not ticket.messages.filter(body_text="see").exists()


def test_the_api_still_takes_an_ordinary_file(as_user, customer, ticket):
    response = as_user(customer).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "see", "attachments": [pdf()]}, format="multipart"
    )
    assert response.status_code == 201, response.content


# --- email ------------------------------------------------------------------------------------


def _mail_with_a_program(sender: str, **kwargs) -> bytes:
    return make_mail(
        sender=sender,
        body="The invoice and the tool you asked for.",
        attachments=[
            ("invoice.pdf", PDF, "application", "pdf"),
            ("tool.pdf.exe", EXE, "application", "octet-stream"),
        ],
        **kwargs,
    )


def test_an_emails_program_is_withheld_but_the_mail_becomes_a_ticket_with_an_event(customer, caplog):
    with caplog.at_level(logging.WARNING, logger="tickets.email.intake"):
        inbound = email_ingest(raw=_mail_with_a_program(customer.email))
    assert inbound.status == InboundEmail.Status.PROCESSED
    message = inbound.ticket_message
    assert message.body_text == "The invoice and the tool you asked for."  # the customer's words are kept
    assert [a.original_name for a in message.attachments.all()] == ["invoice.pdf"]
    event = TicketEvent.objects.get(ticket=inbound.ticket, kind=EventKind.ATTACHMENT_WITHHELD)
    assert (event.public, event.new_value) == (False, "tool.pdf.exe")
    assert event.data == {"name": "tool.pdf.exe", "extension": ".exe", "message": message.pk}
    assert "tool.pdf.exe" in caplog.text and "withheld" in caplog.text
    assert inbound.raw.open("rb").read().count(b"tool.pdf.exe")  # the original mail keeps it


def test_an_emailed_reply_with_a_program_is_added_and_the_file_withheld(customer, ticket):
    inbound = email_ingest(raw=_mail_with_a_program(customer.email, subject=f"Re: [#{ticket.pk}] Printer on fire"))
    assert inbound.ticket == ticket and inbound.ticket_message.body_text.startswith("The invoice")
    assert ticket.events.filter(kind=EventKind.ATTACHMENT_WITHHELD, new_value="tool.pdf.exe").exists()
    assert not Attachment.objects.filter(original_name__endswith=".exe").exists()


def test_an_email_with_only_a_program_still_becomes_a_ticket(customer):
    raw = make_mail(sender=customer.email, body="", attachments=[("setup.exe", EXE, "application", "octet-stream")])
    inbound = email_ingest(raw=raw)
    assert inbound.status == InboundEmail.Status.PROCESSED and inbound.ticket is not None
    assert not inbound.ticket.attachments.exists()
    assert inbound.ticket.events.filter(kind=EventKind.ATTACHMENT_WITHHELD).count() == 1


def test_the_withheld_event_is_for_agents_only(customer, agent, as_user):
    ticket = email_ingest(raw=_mail_with_a_program(customer.email)).ticket
    customer_kinds = [
        e["kind"] for e in as_user(customer).get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]
    ]
    agent_kinds = [e["kind"] for e in as_user(agent).get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]]
    assert EventKind.ATTACHMENT_WITHHELD not in customer_kinds and EventKind.ATTACHMENT_WITHHELD in agent_kinds
    assert "tool.pdf.exe" not in browser_for(customer).get(reverse("portal:ticket", args=[ticket.pk])).content.decode()


def test_the_agents_timeline_says_which_file_was_withheld_and_why_in_both_languages(customer, agent):
    ticket = email_ingest(raw=_mail_with_a_program(customer.email)).ticket
    browser = browser_for(agent)
    page = browser.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "tool.pdf.exe</bdi> was not kept" in page and "programs and scripts" in page
    agent.language = "fa"
    agent.save(update_fields=["language"])
    page = browser.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert '<bdi class="ev-name">tool.pdf.exe</bdi>' in page and "نگه داشته نشد" in page


def test_an_agent_cannot_get_a_program_in_through_a_customers_ticket_either(agent, requester):
    ticket = make_ticket(requester=requester, actor=agent, subject="x")
    with pytest.raises(DomainError):
        services.ticket_reply(
            ticket=ticket,
            actor=agent,
            body="internal tool",
            internal=True,
            attachments=[IncomingFile(name="helper.jar", content=b"PK", content_type="application/java-archive")],
        )
