"""Persian file names keep their zero-width non-joiner on every channel (portal, agent reply, API,
email, download header); bidi controls and other format characters are still dropped."""

from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.tickets.conftest import make_mail
from tickets.email.ingest import email_ingest
from tickets.models import Attachment, InboundEmail

NAME = "اسکرین\u200cشات خطا.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _png(name=NAME):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_a_portal_reply_keeps_the_joiner_of_a_persian_file_name(client, customer, acme_ticket):
    client.force_login(customer)
    response = client.post(f"/portal/requests/{acme_ticket.pk}/reply/", {"body": "عکس", "attachments": _png()})
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == NAME


def test_an_agent_reply_keeps_the_joiner_and_drops_an_override(agent_client, acme_ticket):
    response = agent_client.post(
        f"/agent/tickets/{acme_ticket.pk}/reply/",
        {"kind": "reply", "body": "b", "attachments": _png("\u202eگزارش\u200cها.png")},
    )
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "گزارش\u200cها.png"


def test_the_api_and_the_download_keep_the_joiner(as_user, customer, acme_ticket):
    response = as_user(customer).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/", {"body": "log", "attachments": [_png()]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    (attachment,) = response.json()["attachments"]
    assert attachment["name"] == NAME
    download = as_user(customer).get(attachment["url"])
    assert quote(NAME) in download["Content-Disposition"]


def test_mail_and_portal_store_the_same_name(db, customer):
    inbound = email_ingest(raw=make_mail(sender=f"Carla <{customer.email}>", attachments=[(NAME, PNG, "image", "png")]))
    assert inbound.status == InboundEmail.Status.PROCESSED, inbound.reason
    assert Attachment.objects.get().original_name == NAME
