"""A text file is served with the charset its bytes really have: UTF-8 text (Persian) inline with
`charset=utf-8` on every download URL; text in another encoding as a download without a charset, so
no browser shows it as mojibake (tickets.attachments.views, the one place downloads are answered)."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.attachments.store import IncomingFile
from tickets.models import Attachment

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


def test_the_charset_is_decided_once_when_the_file_is_stored(texts, acme_ticket, agent):
    assert (texts["utf8"].charset, texts["legacy"].charset, texts["html"].charset) == ("utf-8", "none", "utf-8")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    reply = services.ticket_reply(
        ticket=acme_ticket,
        actor=agent,
        body="Screenshot",
        attachments=[IncomingFile(name="shot.png", content=png, content_type="image/png")],
    )
    assert reply.attachments.get().charset == "none"  # not text: nothing to serve a charset with


def test_a_download_serves_the_stored_charset_without_reading_the_file_for_it(client, customer, texts):
    # The bytes behind the row are swapped for non-UTF-8 ones: a download that decided by reading would
    # now send the file as a download without charset; it keeps what was decided on upload.
    stored = texts["utf8"]
    with stored.file.open("wb") as handle:
        handle.write(WINDOWS_1256)
    client.force_login(customer)
    response = client.get(_urls(stored)[0])
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")


def test_a_text_file_stored_before_the_field_is_read_once_and_its_charset_written_back(client, customer, texts):
    Attachment.objects.filter(pk__in=[texts["utf8"].pk, texts["legacy"].pk]).update(charset="")  # undecided
    client.force_login(customer)
    assert client.get(_urls(texts["utf8"])[1])["Content-Type"] == "text/plain; charset=utf-8"
    assert client.get(_urls(texts["legacy"])[1])["Content-Type"] == "text/plain"
    texts["utf8"].refresh_from_db()
    texts["legacy"].refresh_from_db()
    assert (texts["utf8"].charset, texts["legacy"].charset) == ("utf-8", "none")
