"""Every file box names the upload limits (from settings) and what to say past them, so the browser stops
a send over them (static/js/app.js) and nothing typed is lost; the 413 page says what happened and
offers to go back to the form."""

import hashlib
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _file_box(page: str) -> str:
    return re.search(r'<input type="file"[^>]*name="attachments"[^>]*>', page).group(0)


def test_the_new_request_form_names_the_limits_from_settings(client, customer, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 20 * MB
    settings.HELPDESK_MAX_UPLOAD_BYTES = 45 * MB
    client.force_login(customer)
    box = html.unescape(_file_box(client.get("/portal/requests/new/").content.decode()))
    assert f'data-max-file-bytes="{20 * MB}"' in box
    assert f'data-max-total-bytes="{45 * MB}"' in box
    assert "“%(name)s” is larger than the limit of 20 MB." in box
    assert "together are larger than the limit of 45 MB" in box


def test_in_persian_the_limits_are_said_in_persian_digits(client, customer, settings):
    settings.HELPDESK_MAX_UPLOAD_BYTES = 45 * MB
    customer.language = "fa"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    box = html.unescape(_file_box(client.get("/portal/requests/new/").content.decode()))
    assert f'data-max-total-bytes="{45 * MB}"' in box  # the number the script compares stays Latin
    assert "۴۵" in box.split("data-too-much=")[1]


def test_the_reply_forms_and_the_agent_composer_name_the_limits(client, customer, agent, acme_ticket):
    client.force_login(customer)
    page = client.get(f"/portal/requests/{acme_ticket.pk}/").content.decode()
    assert "data-max-total-bytes" in _file_box(page)
    client.force_login(agent)
    page = client.get(f"/agent/tickets/{acme_ticket.pk}/").content.decode()
    assert "data-max-total-bytes" in _file_box(page)


def test_the_box_drawn_once_follows_the_limits_the_language_and_the_blocked_types(client, customer, settings):
    """The box is drawn once per its limits and language in each process (MultipleFileInput.render): a
    change of either is drawn anew, and drawing it again gives the same text."""
    client.force_login(customer)

    def box() -> str:
        return html.unescape(_file_box(client.get("/portal/requests/new/").content.decode()))

    settings.HELPDESK_MAX_UPLOAD_BYTES = 45 * MB
    first = box()
    assert f'data-max-total-bytes="{45 * MB}"' in first and box() == first
    settings.HELPDESK_MAX_UPLOAD_BYTES = 46 * MB
    assert f'data-max-total-bytes="{46 * MB}"' in box()
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 7 * MB
    assert "larger than the limit of 7 MB" in box()
    settings.HELPDESK_BLOCKED_FILE_EXTENSIONS = [".exe", ".zzz"]
    assert 'data-blocked-extensions="exe zzz"' in box()
    customer.language = "fa"
    customer.save(update_fields=["language"])
    assert "۴۶" in box().split("data-too-much=")[1]
    settings.HELPDESK_MAX_UPLOAD_BYTES = 45 * MB
    customer.language = "en"
    customer.save(update_fields=["language"])
    assert 'data-blocked-extensions="exe zzz"' in box() and "larger than the limit of 7 MB" in box()


def _parts(n: int, size: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"part{i}.pdf", (hashlib.sha256(bytes([i])).digest() * (size // 32))) for i in range(n)]


def test_the_413_page_says_the_limit_and_offers_to_go_back_to_the_form(client, customer, settings):
    settings.HELPDESK_MAX_UPLOAD_BYTES = MB
    client.force_login(customer)
    response = client.post(
        "/portal/requests/new/",
        {"subject": "S", "description": "D", "impact": "slows", "attachments": _parts(3, 400 * 1024)},
        HTTP_REFERER="http://testserver/portal/requests/new/",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "1 MB" in page and "Nothing was sent." in page
    assert (
        '<a class="button primary" href="http://testserver/portal/requests/new/" data-history-back>Go back</a>' in page
    )


def test_the_413_page_never_sends_back_to_another_site(client, customer, settings):
    settings.HELPDESK_MAX_UPLOAD_BYTES = MB
    client.force_login(customer)
    response = client.post(
        "/portal/requests/new/",
        {"subject": "S", "description": "D", "impact": "slows", "attachments": _parts(3, 400 * 1024)},
        HTTP_REFERER="https://evil.example/phish",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "evil.example" not in page and 'href="/" data-history-back' in page


def test_the_413_page_in_persian(client, customer, settings):
    settings.HELPDESK_MAX_UPLOAD_BYTES = MB
    customer.language = "fa"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    response = client.post(
        "/portal/requests/new/",
        {"subject": "S", "description": "D", "impact": "slows", "attachments": _parts(3, 400 * 1024)},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "۱" in page and "data-history-back" in page
