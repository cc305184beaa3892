"""A sign-up asks the database the same questions and writes the same row whatever the address: an
address with a login, a contact without one, an address of a sign-up domain and a stranger's. What
the mail is (a verification link, "you already have an account", or nothing) is decided by the
worker when it sends (customers.accounts.signup_mail), so neither the answer nor the request's
timing tells whether the helpdesk knows an address (ASVS 2.5)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import OrganizationDomain
from helpdesk.models import NotificationLog
from helpdesk.outbox import sending
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def addresses(settings, organization, customer) -> dict[str, str]:
    settings.HELPDESK_OPEN_SIGNUP = False
    OrganizationDomain.objects.create(organization=organization, domain="acme.test", allow_signup=True)
    factories.ContactFactory(email="pia@elsewhere.test", full_name="Pia Phone", organization=None)
    return {
        "login": customer.email,
        "contact without a login": "pia@elsewhere.test",
        "sign-up domain": "nina@acme.test",
        "stranger": "stranger@elsewhere.test",
    }


def _statements(email: str) -> list[str]:
    """The request's statements with every literal blanked: what it asked, not with which values."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().post("/account/signup/", {"full_name": "Someone", "email": email})
    assert response.status_code == 302 and response["Location"] == "/account/signup/done/"
    blank = re.compile(r"'(?:[^']|'')*'|\"s\d+_x\d+\"|\b\d+\b")  # literals, savepoint names, numbers
    return [blank.sub("?", query["sql"]) for query in queries.captured_queries]


def test_the_request_does_the_same_work_for_every_kind_of_address(addresses):
    done = {kind: _statements(email) for kind, email in addresses.items()}
    assert done["login"], "the request writes its outbox row"
    for kind, statements in done.items():
        assert statements == done["login"], kind
    rows = NotificationLog.objects.filter(template="account_signup")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(addresses.values())
    assert all(row.sent_at is None for row in rows)  # nothing decided yet: the worker decides


def test_the_worker_writes_the_mail_each_address_calls_for(addresses, mailoutbox):
    for email in addresses.values():
        Client().post("/account/signup/", {"full_name": "Someone", "email": email})
    for row in NotificationLog.objects.filter(template="account_signup"):
        sending.notification_send(notification_id=row.pk)
    subjects = {mail.to[0]: mail.subject for mail in mailoutbox}
    assert subjects == {
        addresses["login"]: "You already have an account",
        addresses["contact without a login"]: "Confirm your email address",
        addresses["sign-up domain"]: "Confirm your email address",
    }


def test_a_strangers_request_is_finished_without_a_mail_and_never_retried(addresses, mailoutbox):
    Client().post("/account/signup/", {"full_name": "Someone", "email": addresses["stranger"]})
    [row] = NotificationLog.objects.filter(template="account_signup")
    assert not sending.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is not None and "by invitation" in row.last_error
    assert not mailoutbox
    assert not sending.notifications_due(now=timezone.now() + timedelta(hours=1))


def test_the_already_have_an_account_mail_is_in_the_owners_language(addresses, customer, mailoutbox):
    customer.language = "fa"
    customer.save()
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/account/signup/"})
    client.post("/account/signup/", {"full_name": "Someone", "email": addresses["login"]})
    [row] = NotificationLog.objects.filter(template="account_signup")
    assert sending.notification_send(notification_id=row.pk)
    [mail] = mailoutbox
    assert mail.extra_headers["Content-Language"] == "fa"


def test_an_address_that_gains_a_login_before_the_mail_goes_gets_already_have_an_account(addresses, mailoutbox):
    """Decided when sent: two sign-ups for one address, the first completed before the second's mail."""
    Client().post("/account/signup/", {"full_name": "Nina", "email": addresses["sign-up domain"]})
    factories.UserFactory(email=addresses["sign-up domain"], role="customer")
    [row] = NotificationLog.objects.filter(template="account_signup")
    assert sending.notification_send(notification_id=row.pk)
    assert [mail.subject for mail in mailoutbox] == ["You already have an account"]
