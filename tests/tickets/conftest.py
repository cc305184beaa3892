"""Fixtures of the tickets API tests: tickets of each persona and a throwaway media folder."""

import pytest
from rest_framework.test import APIClient

from customers.models import Contact
from helpdesk import services as helpdesk_services
from tests.factories import make_ticket


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Attachments are written under a per-test folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Personas are created with a password; a slow hasher would dominate the API tests' time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def contact_of(user) -> Contact:
    return Contact.objects.get(user=user)


@pytest.fixture
def acme_ticket(customer, team):
    """A ticket of `customer` (Acme shares tickets, so `colleague` sees it too)."""
    return make_ticket(requester=contact_of(customer), actor=customer, subject="Printer on fire")


@pytest.fixture
def private_ticket(private_customer):
    """A ticket of `private_customer` (Initech does not share: `private_colleague` must not see it)."""
    return make_ticket(requester=contact_of(private_customer), actor=private_customer, subject="Private matter")


@pytest.fixture
def token_client():
    """An APIClient authenticated the way other systems are: `Authorization: Token <key>`."""

    def build(user) -> APIClient:
        client = APIClient()
        _token, key = helpdesk_services.api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return build
