"""A text file is served with the charset its bytes really have: UTF-8 text (Persian) inline with
`charset=utf-8` on every download URL; text in another encoding as a download without a charset, so
no browser shows it as mojibake (tickets.attachments.views, the one place downloads are answered)."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.attachments.store import IncomingFile

pytestmark = pytest.mark.django_db

PERSIAN = "سلام، چاپگر روشن نمی‌شود.\n".encode()
WINDOWS_1256 = "سلام".encode("cp1256")


@pytest.fixture
def texts(acme_ticket, agent):
    reply = services.ticket_reply(
        ticket=acme_ticket,
        actor=agent,
        body="Logs",
        attachments=[
            IncomingFile(name="گزارش.txt", content=PERSIAN, content_type="text/plain"),
            IncomingFile(name="old.txt", content=WINDOWS_1256, content_type="text/plain"),
            IncomingFile(name="page.html", content="<p>سلام</p>".encode(), content_type="text/html"),
        ],
    )
    utf8, legacy, html = reply.attachments.order_by("id")
    return {"utf8": utf8, "legacy": legacy, "html": html}


def _urls(attachment) -> list[str]:
    return [
        f"/api/v1/attachments/{attachment.pk}/download/",
        reverse("attachment-download", args=[attachment.pk, attachment.original_name]),
    ]


@pytest.mark.parametrize("persona", ["customer", "agent"])
def test_persian_text_is_shown_inline_as_utf8_on_every_download_url(client, request, texts, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in _urls(texts["utf8"]):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"].startswith("inline;")
        assert b"".join(response.streaming_content) == PERSIAN  # the whole file, read again from the start


def test_text_that_is_not_utf8_is_a_download_without_a_charset(client, customer, texts):
    client.force_login(customer)
    response = client.get(_urls(texts["legacy"])[0])
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == WINDOWS_1256


def test_active_text_gets_its_charset_but_stays_a_download(client, agent, texts):
    client.force_login(agent)
    response = client.get(_urls(texts["html"])[0])
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_customer_of_another_organization_still_gets_a_404(client, other_customer, texts):
    client.force_login(other_customer)
    for url in _urls(texts["utf8"]):
        assert client.get(url).status_code == 404
