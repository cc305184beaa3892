"""Numbers in refusals are Persian digits in fa, on pages and in the API, and English keeps Latin ones;
what the user typed (a file's name, a value a message quotes) keeps its digits
(helpdesk.dates.fill, helpdesk.error_numbers, helpdesk.exceptions)."""

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from customers.rules import target_errors
from helpdesk.uploads import limits_message
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def speaking(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def test_the_upload_limits_are_said_in_persian_digits_in_fa(settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES, settings.HELPDESK_MAX_UPLOAD_BYTES = 10 * MB, 25 * MB
    with translation.override("fa"):
        persian = limits_message()
    assert "۱۰" in persian and "۲۵" in persian and not re.search(r"[0-9]", persian)
    with translation.override("en"):
        assert "at most 10 MB" in limits_message() and "at most 25 MB" in limits_message()


def test_a_file_over_the_limit_keeps_its_name_and_gives_the_limit_in_persian(client, customer, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 2 * MB
    big = SimpleUploadedFile("report-2026.bin", b"x" * (2 * MB + 1))
    response = speaking(client, customer, "fa").post(
        "/portal/requests/new/", {"subject": "S", "description": "D", "impact": "slows", "attachments": [big]}
    )
    assert response.status_code == 400
    assert "«report-2026.bin» از سقف ۲ مگابایت بزرگ‌تر است." in response.content.decode()


def test_djangos_length_limit_on_a_page_is_in_persian_digits_in_fa(client, agent):
    page = speaking(client, agent, "fa").post(
        reverse("agent:view-save"), {"name": "x" * 81, "query": "view=open", "columns": ["subject"]}, follow=True
    )
    message = re.search(r'<ul class="flash"[^>]*>(.*?)</ul>', page.content.decode(), re.S).group(1)
    assert "۸۰" in message and "۸۱" in message and "80" not in message


def test_a_quoted_value_keeps_its_digits_while_our_numbers_turn_persian():
    field = forms.ChoiceField(choices=[("a", "A")])
    with translation.override("fa"):
        with pytest.raises(ValidationError) as refused:
            field.clean("x123")
        assert "x123" in refused.value.messages[0]
        with pytest.raises(ValidationError) as refused:
            forms.IntegerField(min_value=10).clean("7")
        assert "۱۰" in refused.value.messages[0]


def test_the_api_states_length_limits_in_the_readers_digits(agent, customer):
    body = {"subject": "x" * 256, "body": "Hello", "requester": customer.pk}
    persian = api_as(agent).post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="fa")
    assert persian.status_code == 400
    assert "۲۵۵" in persian.json()["errors"]["subject"][0]
    english = api_as(agent).post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "255" in english.json()["errors"]["subject"][0]


def test_an_overlong_idempotency_key_is_refused_in_the_readers_digits(agent, customer):
    body = {"subject": "Printer 4", "body": "Hello", "requester": customer.pk}
    headers = {"HTTP_IDEMPOTENCY_KEY": "k" * 300}
    persian = api_as(agent).post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="fa", **headers)
    assert persian.status_code == 400 and "۲۵۵" in persian.json()["detail"]
    english = api_as(agent).post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert "At most 255 characters." in english.json()["detail"]


def test_sla_target_rules_give_their_minutes_in_persian_digits():
    with translation.override("fa"):
        errors = target_errors({"first_response_minutes": 90, "resolution_minutes": 30})
        assert "۹۰" in errors["resolution_minutes"] and "90" not in errors["resolution_minutes"]
    with translation.override("en"):
        assert (
            "(90 minutes)"
            in target_errors({"first_response_minutes": 90, "resolution_minutes": 30})["resolution_minutes"]
        )
