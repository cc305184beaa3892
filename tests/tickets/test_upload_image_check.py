"""A file said to be an image is stored as one only when its bytes are that image
(tickets.attachments.store.image_type_of, in attachment_store that every channel goes through): a
program renamed .png is kept whole as a plain download, never shown as an image or a thumbnail."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets import services
from tickets.attachments.store import IncomingFile
from tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _upload_as_customer(as_user, customer, name: str, content: bytes) -> Attachment:
    response = as_user(customer).post(
        "/api/v1/tickets/",
        {"subject": "Screenshot", "body": "see", "attachments": [SimpleUploadedFile(name, content, "image/png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Ticket.objects.get(pk=response.json()["id"]).attachments.get()


def test_a_program_renamed_png_is_kept_as_a_plain_download(as_user, customer):
    stored = _upload_as_customer(as_user, customer, "photo.png", EXE)
    assert (stored.original_name, stored.content_type, stored.size) == (
        "photo.png",
        "application/octet-stream",
        len(EXE),
    )
    response = as_user(customer).get(f"/api/v1/attachments/{stored.pk}/download/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == EXE


def test_a_real_png_stays_an_image_shown_inline(as_user, customer):
    stored = _upload_as_customer(as_user, customer, "photo.png", PNG)
    assert stored.content_type == "image/png"
    response = as_user(customer).get(f"/api/v1/attachments/{stored.pk}/download/")
    assert response["Content-Disposition"].startswith("inline;")


def test_a_jpeg_sent_as_png_is_stored_as_the_jpeg_it_is(as_user, customer):
    assert _upload_as_customer(as_user, customer, "photo.png", JPEG).content_type == "image/jpeg"


def test_the_agent_sees_no_thumbnail_for_the_fake_image_but_one_for_the_real_image(client, agent, acme_ticket):
    services.ticket_reply(
        ticket=acme_ticket,
        actor=agent,
        body="Files",
        attachments=[
            IncomingFile(name="fake.png", content=EXE, content_type="image/png"),
            IncomingFile(name="real.png", content=PNG, content_type="image/png"),
        ],
    )
    client.force_login(agent)
    page = client.get(reverse("agent:ticket", args=[acme_ticket.pk])).content.decode()
    assert 'alt="real.png"' in page and 'alt="fake.png"' not in page
    assert "fake.png" in page  # still listed, as a download


def test_a_fake_image_sent_through_the_portal_form_is_a_plain_download(client, customer):
    client.force_login(customer)
    response = client.post(
        reverse("portal:new"),
        {
            "subject": "Screen",
            "description": "See the picture",
            "impact": "slows",
            "attachments": [SimpleUploadedFile("screen.png", EXE, "image/png")],
        },
    )
    assert response.status_code == 302
    assert Attachment.objects.get(original_name="screen.png").content_type == "application/octet-stream"
