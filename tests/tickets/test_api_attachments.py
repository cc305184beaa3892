"""Uploads through the API and the permission-checked download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.tickets.conftest import contact_of
from tickets import services
from tickets.attachments.store import IncomingFile
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def download_url(attachment: Attachment) -> str:
    return f"/api/v1/attachments/{attachment.pk}/download/"


@pytest.fixture
def files(acme_ticket, agent):
    """A public reply with an HTML, an SVG and a PNG file, and an internal note with a file."""
    reply = services.ticket_reply(
        ticket=acme_ticket,
        actor=agent,
        body="See files",
        attachments=[
            IncomingFile(name="page.html", content=b"<script>alert(1)</script>", content_type="text/html"),
            IncomingFile(name="logo.svg", content=b"<svg onload='alert(1)'/>", content_type="image/svg+xml"),
            IncomingFile(name="شکل ۱.png", content=PNG, content_type="image/png"),
        ],
    )
    note = services.ticket_reply(
        ticket=acme_ticket,
        actor=agent,
        body="internal",
        internal=True,
        attachments=[IncomingFile(name="secret.txt", content=b"secret", content_type="text/plain")],
    )
    html, svg, png = reply.attachments.order_by("id")
    return {"html": html, "svg": svg, "png": png, "secret": note.attachments.get()}


def test_customer_uploads_files_with_a_new_ticket(as_user, customer):
    response = as_user(customer).post(
        "/api/v1/tickets/",
        {
            "subject": "Screenshot",
            "body": "see",
            "attachments": [upload("a.png", PNG, "image/png"), upload("b.txt", b"hi", "text/plain")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == ["a.png", "b.txt"]


def test_message_lists_its_attachments_with_download_urls(as_user, customer, acme_ticket):
    response = as_user(customer).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/",
        {"body": "log attached", "attachments": [upload("../../etc/passwd", b"root:x", "text/plain")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    (attachment,) = response.json()["attachments"]
    assert attachment["name"] == "passwd" and attachment["size"] == 6
    assert attachment["url"].endswith(f"/api/v1/attachments/{attachment['id']}/download/")
    assert as_user(customer).get(attachment["url"]).status_code == 200


def test_a_file_under_another_field_name_is_a_400_not_a_silent_loss(as_user, customer, agent, acme_ticket):
    log = upload("log.txt", b"trace", "text/plain")
    response = as_user(customer).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "see file", "file": log}, format="multipart"
    )
    assert response.status_code == 400
    assert "attachments" in response.json()["errors"]["file"][0]
    log.seek(0)
    response = as_user(agent).post(
        "/api/v1/tickets/",
        {"subject": "s", "body": "b", "requester_email": "x@example.test", "upload": log},
        format="multipart",
    )
    assert response.status_code == 400 and "upload" in response.json()["errors"]
    assert Message.objects.count() == 1 and Ticket.objects.count() == 1  # nothing saved


def test_an_attachment_over_the_limit_is_a_413_and_nothing_is_stored(as_user, customer, acme_ticket, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 100
    big = upload("big.bin", b"x" * 101, "application/octet-stream")
    response = as_user(customer).post(
        "/api/v1/tickets/", {"subject": "s", "body": "b", "attachments": [big]}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "attachment_too_large"
    assert Ticket.objects.count() == 1  # only acme_ticket
    big.seek(0)
    response = as_user(customer).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "b", "attachments": [big]}, format="multipart"
    )
    assert response.status_code == 413 and response.json()["code"] == "attachment_too_large"
    assert Message.objects.count() == 1 and not Attachment.objects.exists()


@pytest.mark.parametrize("kind", ["html", "svg"])
def test_active_content_is_downloaded_never_shown(as_user, agent, files, kind):
    response = as_user(agent).get(download_url(files[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_an_image_is_shown_inline_with_its_unicode_name(as_user, customer, files):
    response = as_user(customer).get(download_url(files["png"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PNG


def test_download_works_with_a_token_and_with_a_session(token_client, client, customer, files):
    assert token_client(customer).get(download_url(files["png"])).status_code == 200
    client.force_login(customer)
    assert client.get(download_url(files["png"]), HTTP_ACCEPT="image/avif,image/webp,*/*").status_code == 200
    assert client.get(download_url(files["png"]), HTTP_ACCEPT="image/png").status_code == 200


@pytest.mark.parametrize("persona", ["customer", "colleague"])
def test_customers_cannot_download_an_internal_notes_file(request, as_user, files, persona):
    response = as_user(request.getfixturevalue(persona)).get(download_url(files["secret"]))
    assert response.status_code == 404


def test_agents_can_download_an_internal_notes_file(as_user, other_agent, files):
    assert as_user(other_agent).get(download_url(files["secret"])).status_code == 200


@pytest.mark.parametrize("persona", ["other_customer", "private_colleague"])
def test_outsiders_get_404_on_every_attachment(request, as_user, files, persona):
    client = as_user(request.getfixturevalue(persona))
    for attachment in files.values():
        assert client.get(download_url(attachment)).status_code == 404
    assert client.get("/api/v1/attachments/999999/download/").status_code == 404


def test_private_colleague_cannot_download_a_private_tickets_file(
    as_user, private_customer, private_colleague, private_ticket
):
    message = services.ticket_reply(
        ticket=private_ticket,
        actor=private_customer,
        contact=contact_of(private_customer),
        body="mine",
        attachments=[IncomingFile(name="mine.txt", content=b"mine", content_type="text/plain")],
    )
    attachment = message.attachments.get()
    assert as_user(private_colleague).get(download_url(attachment)).status_code == 404
    assert as_user(private_customer).get(download_url(attachment)).status_code == 200


def test_anonymous_cannot_download(api, files):
    response = api.get(download_url(files["png"]))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
