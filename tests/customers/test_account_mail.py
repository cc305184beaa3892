"""Account mail (sign-up verification, "you already have an account", invitation, password reset)
goes through the outbox like ticket mail: a row first, in the request's transaction; sent once by
the worker; retried by the sweep after a failed send; written in the reader's language."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone

from customers import accounts, tasks
from customers.models import Contact, OrganizationDomain
from helpdesk.models import NotificationLog
from helpdesk.outbox import sending
from helpdesk.outbox import tasks as outbox_tasks
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_signup(organization):
    return OrganizationDomain.objects.create(organization=organization, domain="acme.test", allow_signup=True)


@pytest.fixture
def phone_contact(organization):
    return factories.ContactFactory(email="pia@acme.test", full_name="Pia Phone", organization=organization)


def _ask_verify(agent, customer, phone_contact):
    Client().post("/account/signup/", {"full_name": "Nina", "email": "nina@acme.test"})


def _ask_exists(agent, customer, phone_contact):
    Client().post("/account/signup/", {"full_name": "Carla", "email": customer.email})


def _ask_invite(agent, customer, phone_contact):
    accounts.contact_invite(contact=phone_contact, invited_by=agent)


def _ask_reset(agent, customer, phone_contact):
    Client().post("/account/password-reset/", {"email": customer.email})


ASKS = {
    "account_verify": (_ask_verify, "nina@acme.test"),
    "account_exists": (_ask_exists, "carla@acme.test"),
    "account_invite": (_ask_invite, "pia@acme.test"),
    "account_password_reset": (_ask_reset, "carla@acme.test"),
}

# A sign-up is one row of its own template whatever the address; the worker writes the mail it
# becomes (a verification link or "you already have an account": customers.accounts.signup_mail).
ROW_TEMPLATES = {"account_verify": "account_signup", "account_exists": "account_signup"}
SUBJECTS = {"account_verify": "Confirm your email address", "account_exists": "You already have an account"}


def _queued(template: str) -> NotificationLog:
    [row] = NotificationLog.objects.filter(template=ROW_TEMPLATES.get(template, template))
    return row


@pytest.mark.parametrize("template", list(ASKS))
def test_each_account_mail_is_a_row_first_and_the_worker_sends_it_once(
    template, acme_signup, agent, customer, phone_contact, mailoutbox, django_capture_on_commit_callbacks
):
    ask, to = ASKS[template]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ask(agent, customer, phone_contact)
    row = _queued(template)
    assert not mailoutbox and row.sent_at is None and row.ticket_id is None  # nothing sent in the request
    assert len(callbacks) == 1  # the worker is woken up once the request's transaction commits
    assert row.recipient == to and row.message_id
    assert sending.notification_send(notification_id=row.pk)
    assert not sending.notification_send(notification_id=row.pk)  # a second delivery of the job: nothing
    outbox_tasks.send_notification(row.pk)
    [mail] = mailoutbox
    assert mail.to == [to] and mail.extra_headers["Auto-Submitted"] == "auto-generated"
    assert mail.extra_headers["Message-ID"] == f"<{row.message_id}>"
    if template in SUBJECTS:  # the sign-up row became the mail its address calls for
        assert mail.subject == SUBJECTS[template]
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1 and not row.last_error


@pytest.mark.parametrize("template", list(ASKS))
def test_an_account_mail_survives_a_failed_send_and_the_sweep_sends_it(
    template, acme_signup, agent, customer, phone_contact, mailoutbox, monkeypatch
):
    ask, to = ASKS[template]
    ask(agent, customer, phone_contact)
    row = _queued(template)

    def smtp_down(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(django_mail.EmailMultiAlternatives, "send", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        sending.notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1 and "SMTP server down" in row.last_error
    monkeypatch.undo()
    assert row.next_attempt_at is not None  # the backoff after a first failure: one minute
    # the sweep runs every 30 seconds and takes rows at least 30 seconds old whose backoff is over
    NotificationLog.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(minutes=2), next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    sent_by = []
    monkeypatch.setattr(outbox_tasks.send_notification, "delay", sent_by.append)
    outbox_tasks.sweep_notifications()  # the beat's sweep picks the row up again...
    assert row.pk in sent_by
    outbox_tasks.send_notification(row.pk)  # ...and a worker runs the job it queued
    [mail] = mailoutbox
    assert mail.to == [to]
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2


def _assert_persian(mail) -> None:
    assert mail.extra_headers["Content-Language"] == "fa" and mail.body.startswith("\u200f")
    assert '<html lang="fa" dir="rtl">' in mail.alternatives[0][0]


@pytest.mark.parametrize("template", list(ASKS))
def test_each_account_mail_arrives_in_persian_for_a_persian_reader(
    template, acme_signup, agent, customer, phone_contact, mailoutbox
):
    customer.language = "fa"
    customer.save()
    phone_contact.language = "fa"
    phone_contact.save()
    ask, to = ASKS[template]
    if template == "account_verify":  # nobody known yet: the language of the page they signed up on
        client = Client()
        client.post("/i18n/setlang/", {"language": "fa", "next": "/account/signup/"})
        client.post("/account/signup/", {"full_name": "Nina", "email": to})
    else:
        ask(agent, customer, phone_contact)
    assert sending.notification_send(notification_id=_queued(template).pk)
    [mail] = mailoutbox
    _assert_persian(mail)


def test_a_reset_for_an_unknown_or_inactive_address_sends_nothing_and_finishes_the_row(customer, colleague, mailoutbox):
    colleague.is_active = False
    colleague.save()
    for email in ("nobody@acme.test", colleague.email):
        Client().post("/account/password-reset/", {"email": email})
    rows = list(NotificationLog.objects.filter(template="account_password_reset"))
    assert len(rows) == 2
    for row in rows:
        assert not sending.notification_send(notification_id=row.pk)  # finished, without a mail
        row.refresh_from_db()
        assert row.sent_at is not None and "nothing was sent" in row.last_error
    assert not mailoutbox
    assert not sending.notifications_due(now=timezone.now() + timedelta(hours=1))  # never retried


def test_the_reset_link_goes_to_the_logins_own_spelling_of_the_address(customer, mailoutbox):
    Client().post("/account/password-reset/", {"email": "  CARLA@Acme.TEST "})
    row = _queued("account_password_reset")
    assert row.recipient == "CARLA@Acme.TEST"
    assert sending.notification_send(notification_id=row.pk)
    assert mailoutbox[0].to == [customer.email]


def test_a_reset_job_queued_by_an_earlier_version_becomes_an_outbox_row(customer, mailoutbox):
    """customers.tasks.password_reset_mail stays for jobs already in the broker at the upgrade."""
    tasks.password_reset_mail(email=customer.email)
    assert not mailoutbox
    assert sending.notification_send(notification_id=_queued("account_password_reset").pk)
    assert mailoutbox[0].to == [customer.email]


def test_a_contact_invitation_is_queued_in_the_language_of_the_contact_not_the_agent(agent, phone_contact):
    agent.language = "en"
    agent.save()
    Contact.objects.filter(pk=phone_contact.pk).update(language="fa")
    phone_contact.refresh_from_db()
    accounts.contact_invite(contact=phone_contact, invited_by=agent)
    assert _queued("account_invite").context["language"] == "fa"
