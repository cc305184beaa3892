"""Fixtures of the tickets tests: tickets of each persona, the agent workspace, the email channel
(a mailbox, a mail builder, a real SMTP server on loopback) and a throwaway media folder."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from customers import services as customer_services
from customers.models import Contact
from helpdesk import services as helpdesk_services
from tests.factories import make_ticket
from tickets.models import Mailbox


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Attachments are written under a per-test folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def contact_of(user) -> Contact:
    return Contact.objects.get(user=user)


@pytest.fixture
def caller(db) -> Contact:
    """A customer known by phone only (the phone channel's tests)."""
    return customer_services.contact_create(full_name="Reza Karimi", phone="0912 123 4567")


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


# --- The agent workspace --------------------------------------------------------------------


@pytest.fixture
def requester(customer) -> Contact:
    return Contact.objects.get(user=customer)


@pytest.fixture
def make(requester, team):
    """make(subject=…, **kwargs): a ticket of the customer persona, in the agent's team."""

    def _make(**kwargs):
        kwargs.setdefault("requester", requester)
        kwargs.setdefault("team", team)
        return make_ticket(**kwargs)

    return _make


@pytest.fixture
def ticket(make):
    return make(subject="Printer on fire")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def run_queued(django_capture_on_commit_callbacks, monkeypatch):
    """Commit callbacks run, and the search rebuild they queue runs here, as a worker would run it."""
    from tickets import tasks

    task = tasks.search_names_refresh
    monkeypatch.setattr(task, "apply_async", lambda args, **options: task(*args))
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- The email channel ----------------------------------------------------------------------


def make_mail(
    *,
    sender: str = "Carla <carla@acme.test>",
    to: str = "Support <support@helpdesk.test>",
    subject: str = "Printer on fire",
    body: str = "It is on fire.",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    cc: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: tuple = (),
) -> bytes:
    """One RFC 822 message as a mail client would send it. `attachments`: tuples of
    (filename, bytes, maintype, subtype) or (filename, bytes, maintype, subtype, content_id)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = message_id or make_msgid(domain="customer.test")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    for item in attachments:
        filename, content, maintype, subtype, *rest = item
        if rest:  # an inline image the HTML shows through cid:
            html_part = mail.get_body(("html",))
            html_part.add_related(content, maintype=maintype, subtype=subtype, cid=f"<{rest[0]}>", filename=filename)
        else:
            mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def message_id_of(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=policy.default)["Message-ID"])


@pytest.fixture
def mailbox(db, team):
    return Mailbox.objects.create(name="Support", address="support@helpdesk.test", team=team)


@pytest.fixture
def merged(make, agent):
    """(source, target): the source merged into the target, both the customer persona's."""
    from tickets import services

    source, target = make(subject="Duplicate"), make(subject="Keeper")
    services.ticket_merge(source=source, target=target, actor=agent)
    source.refresh_from_db()
    return source, target
