"""Customer accounts: sign-up with email verification, invitations, password reset, rate limits.

Account mail is an outbox row first, sent by the worker: `_sent(mailoutbox)` sends every unsent row
the way the worker does (helpdesk.outbox.sending) and returns the mail sent; the real worker is
tested in test_password_reset_worker.py, and the outbox side of account mail in test_account_mail.py.
"""

import re

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customers import accounts
from customers.models import Contact, OrganizationDomain
from helpdesk.models import NotificationLog, User
from helpdesk.outbox.sending import notification_send
from tests import factories
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long unusual passphrase 42"


@pytest.fixture
def acme_signup(organization):
    return OrganizationDomain.objects.create(organization=organization, domain="acme.test", allow_signup=True)


def _link(mail, prefix: str) -> str:
    match = re.search(rf"https?://[^\s\"]+({re.escape(prefix)}[^\s\"]+)", mail.body)
    assert match, mail.body
    return match.group(1)


def _sent(mailoutbox) -> list:
    """Send every unsent account mail as the worker does; the mail sent so far."""
    unsent = NotificationLog.objects.filter(sent_at__isnull=True, template__startswith="account_")
    for notification_id in unsent.values_list("pk", flat=True):
        notification_send(notification_id=notification_id)
    return mailoutbox


def _reset(client, email: str, capture) -> None:
    """Ask for a reset link as a browser does (one outbox row, one job queued after commit); then
    send the row in this process as the worker would."""
    with capture(execute=False) as callbacks:
        response = client.post("/account/password-reset/", {"email": email})
    assert response.status_code == 302 and response["Location"] == "/account/password-reset/done/"
    assert len(callbacks) == 1
    [row] = NotificationLog.objects.filter(template="account_password_reset", sent_at__isnull=True)
    notification_send(notification_id=row.pk)


def _signup(client, email, name="Nina New"):
    return client.post("/account/signup/", {"full_name": name, "email": email})


# --- sign-up ----------------------------------------------------------------------------------


def test_signup_with_an_allowed_domain_mails_a_link_and_creates_nothing_yet(client, acme_signup, mailoutbox):
    response = _signup(client, "nina@acme.test")
    assert response.status_code == 302 and response["Location"] == "/account/signup/done/"
    assert not User.objects.filter(email="nina@acme.test").exists()
    assert len(_sent(mailoutbox)) == 1 and _sent(mailoutbox)[0].to == ["nina@acme.test"]
    assert "/account/verify/" in _sent(mailoutbox)[0].body
    assert _sent(mailoutbox)[0].alternatives and "/account/verify/" in _sent(mailoutbox)[0].alternatives[0][0]


def test_the_verification_link_lets_the_person_choose_a_password_and_links_their_contact(
    client, acme_signup, mailoutbox, organization
):
    earlier = factories.ContactFactory(email="nina@acme.test", organization=organization)
    ticket = make_ticket(requester=earlier, subject="Sent by email before")
    _signup(client, "Nina@Acme.test")
    path = _link(_sent(mailoutbox)[0], "/account/verify/")

    page = client.get(path)
    assert page.status_code == 200 and "nina@acme.test" in page.content.decode()
    assert not User.objects.filter(email="nina@acme.test").exists()  # GET changes nothing

    response = client.post(path, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    user = User.objects.get(email="nina@acme.test")
    assert user.is_customer and user.check_password(GOOD_PASSWORD) and user.full_name == "Nina New"
    earlier.refresh_from_db()
    assert earlier.user == user
    assert ticket.subject in client.get("/portal/").content.decode()


def test_a_new_person_gets_a_contact_in_the_organization_claiming_the_domain(
    client, acme_signup, mailoutbox, organization
):
    _signup(client, "newbie@acme.test")
    client.post(
        _link(_sent(mailoutbox)[0], "/account/verify/"), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    contact = Contact.objects.get(email="newbie@acme.test")
    assert contact.organization == organization and contact.user.email == "newbie@acme.test"


def test_a_verification_link_works_once(client, acme_signup, mailoutbox):
    _signup(client, "nina@acme.test")
    path = _link(_sent(mailoutbox)[0], "/account/verify/")
    client.post(path, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    other = Client()
    again = other.post(path, {"password1": "another pass phrase 9", "password2": "another pass phrase 9"})
    assert again.status_code == 302 and again["Location"] == "/login/"
    assert User.objects.get(email="nina@acme.test").check_password(GOOD_PASSWORD)


def test_a_tampered_or_expired_verification_link_is_refused(client, acme_signup, mailoutbox, monkeypatch):
    _signup(client, "nina@acme.test")
    path = _link(_sent(mailoutbox)[0], "/account/verify/")
    assert client.get(path[:-3] + "xx/").status_code == 400
    monkeypatch.setattr(accounts, "SIGNUP_LINK_DAYS", -1)
    assert client.get(path).status_code == 400
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_a_weak_password_is_refused_with_the_validators_message(client, acme_signup, mailoutbox):
    _signup(client, "nina@acme.test")
    path = _link(_sent(mailoutbox)[0], "/account/verify/")
    response = client.post(path, {"password1": "123", "password2": "123"})
    assert response.status_code == 200 and "too short" in response.content.decode()
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_signup_answers_the_same_whether_or_not_the_address_has_an_account(client, acme_signup, customer, mailoutbox):
    known = _signup(client, "carla@acme.test")
    unknown = _signup(Client(), "someone-new@acme.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    exists_mail, verify_mail = _sent(mailoutbox)
    assert exists_mail.to == ["carla@acme.test"]
    assert "already have an account" in exists_mail.body and "/account/password-reset/" in exists_mail.body
    assert "/account/verify/" not in exists_mail.body
    assert "/account/verify/" in verify_mail.body


def test_signup_is_by_invitation_for_other_domains(client, mailoutbox, settings):
    """Nothing is sent, and the answer is the page any address gets (a known contact's address may
    claim a login: refusing only strangers would tell who is known; test_contact_claims_login.py)."""
    settings.HELPDESK_OPEN_SIGNUP = False
    response = _signup(client, "stranger@elsewhere.test")
    assert response.status_code == 302 and response["Location"] == "/account/signup/done/"
    assert not _sent(mailoutbox)
    assert not User.objects.filter(email="stranger@elsewhere.test").exists()


def test_a_claimed_domain_without_signup_is_by_invitation_too(client, organization, mailoutbox):
    OrganizationDomain.objects.create(organization=organization, domain="acme.test", allow_signup=False)
    assert _signup(client, "x@acme.test")["Location"] == "/account/signup/done/"
    assert not _sent(mailoutbox)


def test_open_signup_lets_anyone_sign_up(client, mailoutbox, settings):
    settings.HELPDESK_OPEN_SIGNUP = True
    assert _signup(client, "anyone@anywhere.test").status_code == 302
    client.post(
        _link(_sent(mailoutbox)[0], "/account/verify/"), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    contact = Contact.objects.get(email="anyone@anywhere.test")
    assert contact.user is not None and contact.organization is None


def test_signup_is_rate_limited_per_address_and_per_ip(client, acme_signup, mailoutbox):
    codes = [_signup(client, "nina@acme.test").status_code for _ in range(11)]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert "try again" in _signup(client, "other@acme.test").content.decode()


def test_signup_needs_csrf(acme_signup, mailoutbox):
    response = Client(enforce_csrf_checks=True).post("/account/signup/", {"full_name": "N", "email": "n@acme.test"})
    assert response.status_code == 403 and not _sent(mailoutbox)


# --- invitations ------------------------------------------------------------------------------


@pytest.fixture
def phone_contact(organization):
    """Someone first known from a phone call, with an earlier request."""
    contact = factories.ContactFactory(email="pia@acme.test", full_name="Pia Phone", organization=organization)
    make_ticket(requester=contact, subject="Called about invoices")
    return contact


def test_an_agent_invites_a_contact_who_then_sets_a_password_and_sees_earlier_requests(
    client, agent, phone_contact, mailoutbox
):
    path = accounts.contact_invite(contact=phone_contact, invited_by=agent)
    assert _sent(mailoutbox)[0].to == ["pia@acme.test"] and path in _sent(mailoutbox)[0].body
    page = client.get(path)
    assert page.status_code == 200 and "pia@acme.test" in page.content.decode()
    response = client.post(path, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert response["Location"] == "/portal/"
    phone_contact.refresh_from_db()
    assert phone_contact.user.email == "pia@acme.test" and phone_contact.user.is_customer
    assert "Called about invoices" in client.get("/portal/").content.decode()
    assert Client().get(path).status_code == 400  # used


def test_the_invite_button_is_for_agents_only(client, agent, customer, phone_contact, mailoutbox):
    client.force_login(customer)
    assert client.post(f"/account/contacts/{phone_contact.pk}/invite/").status_code == 404
    assert not _sent(mailoutbox)
    client.force_login(agent)
    response = client.post(f"/account/contacts/{phone_contact.pk}/invite/", {"next": "/agent/contacts/"})
    assert response.status_code == 302 and response["Location"] == "/agent/contacts/"
    assert len(_sent(mailoutbox)) == 1


def test_the_invite_button_ignores_an_outside_next(client, agent, phone_contact, mailoutbox):
    client.force_login(agent)
    response = client.post(f"/account/contacts/{phone_contact.pk}/invite/", {"next": "https://evil.test/"})
    assert response["Location"] == "/agent/"


def test_customers_cannot_invite_through_the_service(customer, phone_contact):
    from helpdesk.exceptions import DomainError

    with pytest.raises(DomainError):
        accounts.contact_invite(contact=phone_contact, invited_by=customer)


def test_a_contact_with_a_login_is_not_invited(agent, customer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        accounts.contact_invite(contact=Contact.objects.get(user=customer), invited_by=agent)


def test_an_invitation_stops_working_when_the_contact_email_changes(client, agent, phone_contact, mailoutbox):
    path = accounts.contact_invite(contact=phone_contact, invited_by=agent)
    phone_contact.email = "pia.new@acme.test"
    phone_contact.save()
    assert client.get(path).status_code == 400


def test_a_forged_invitation_is_refused(client, phone_contact):
    token = signing.dumps({"c": phone_contact.pk, "e": phone_contact.email}, salt="wrong-salt")
    assert client.get(f"/account/invite/{token}/").status_code == 400


def test_invitation_accept_is_rate_limited(client, agent, phone_contact, mailoutbox):
    path = accounts.contact_invite(contact=phone_contact, invited_by=agent)
    codes = [client.get(path).status_code for _ in range(11)]
    assert codes[-1] == 429


# --- password reset ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fa"])
def test_password_reset_pages_render_in_both_languages(client, language):
    client.cookies["django_language"] = language
    for name in ("/account/password-reset/", "/account/password-reset/done/", "/account/password-reset/complete/"):
        response = client.get(name, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    _reset(client, "carla@acme.test", django_capture_on_commit_callbacks)
    mail = _sent(mailoutbox)[0]
    assert mail.alternatives
    path = _link(mail, "/account/password-reset/")
    page = client.get(path, follow=True)
    assert "Choose a new password" in page.content.decode()
    done = client.post(page.redirect_chain[-1][0], {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert done["Location"] == "/account/password-reset/complete/"
    customer.refresh_from_db()
    assert customer.check_password(GOOD_PASSWORD)


def test_password_reset_does_not_reveal_unknown_addresses(client, mailoutbox, django_capture_on_commit_callbacks):
    _reset(client, "nobody@acme.test", django_capture_on_commit_callbacks)
    assert not _sent(mailoutbox)


def test_password_reset_answers_the_same_and_sends_nothing_in_the_request_whether_or_not_the_address_is_known(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    answers, queries = [], []
    for email in ("carla@acme.test", "nobody@acme.test"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as sql:
            response = Client().post("/account/password-reset/", {"email": email})
        answers.append((response.status_code, response["Location"], len(callbacks)))
        queries.append([_shape(query["sql"]) for query in sql.captured_queries])
    assert answers[0] == answers[1] == (302, "/account/password-reset/done/", 1)
    # the same statements for both, and the address is not even looked up: only the outbox row is written
    assert queries[0] == queries[1], queries
    assert not any("helpdesk_user" in query or "customers_contact" in query for query in queries[0])
    assert [query for query in queries[0] if query.startswith("INSERT")] == ["INSERT tickets_notificationlog"]
    assert not mailoutbox  # nothing was sent in the requests
    rows = NotificationLog.objects.filter(template="account_password_reset").order_by("pk")
    assert [row.recipient for row in rows] == ["carla@acme.test", "nobody@acme.test"]


def _shape(sql: str) -> str:
    """A statement without its values: its verb and the table it writes, or a read without values."""
    words = re.sub(r"s\d+_x\d+", "<savepoint>", sql.replace('"', "")).split()
    if words and words[0] in ("INSERT", "UPDATE", "DELETE"):
        table = words[2] if words[0] in ("INSERT", "DELETE") else words[1]
        return f"{words[0]} {table}"
    return " ".join(word for word in words if not word.startswith("'"))


def test_password_reset_is_rate_limited(client, customer, mailoutbox):
    codes = [client.post("/account/password-reset/", {"email": "carla@acme.test"}).status_code for _ in range(11)]
    assert codes[:10] == [302] * 10 and codes[10] == 429


# --- the reader's language ----------------------------------------------------------------------


def _assert_persian_mail(mail) -> None:
    html = mail.alternatives[0][0]
    assert '<html lang="fa" dir="rtl">' in html and '<div dir="rtl" style="' in html and "text-align:right" in html
    assert mail.extra_headers["Content-Language"] == "fa" and mail.body.startswith("\u200f")


def test_a_password_reset_mail_is_in_the_language_the_person_chose_not_the_browsers(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    customer.language = "fa"
    customer.save()
    _reset(Client(HTTP_ACCEPT_LANGUAGE="en"), "carla@acme.test", django_capture_on_commit_callbacks)
    [mail] = _sent(mailoutbox)
    assert mail.subject == "گذرواژهٔ تازه انتخاب کنید"
    _assert_persian_mail(mail)


def test_a_password_reset_mail_follows_the_contacts_language_when_the_login_has_none(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    Contact.objects.filter(user=customer).update(language="fa")
    _reset(Client(HTTP_ACCEPT_LANGUAGE="en"), "carla@acme.test", django_capture_on_commit_callbacks)
    _assert_persian_mail(_sent(mailoutbox)[0])


def test_an_invitation_to_a_persian_contact_is_persian_and_right_to_left(agent, phone_contact, mailoutbox):
    agent.language = "en"
    agent.save()
    phone_contact.language = "fa"
    phone_contact.save()
    accounts.contact_invite(contact=phone_contact, invited_by=agent)
    [mail] = _sent(mailoutbox)
    assert mail.subject == "دعوت شما به درگاه پشتیبانی ما"
    _assert_persian_mail(mail)


def test_signing_up_in_persian_gives_the_login_and_its_contact_persian(acme_signup, organization, mailoutbox):
    earlier = factories.ContactFactory(email="nina@acme.test", organization=organization)
    client = Client()
    client.post("/i18n/setlang/", {"language": "fa", "next": "/account/signup/"})
    _signup(client, "nina@acme.test")
    _assert_persian_mail(_sent(mailoutbox)[0])
    client.post(
        _link(_sent(mailoutbox)[0], "/account/verify/"), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    earlier.refresh_from_db()
    assert earlier.user.language == "fa" and earlier.language == "fa"


def test_signup_drops_a_right_to_left_override_from_the_name(client, acme_signup, mailoutbox):
    _signup(client, "bob@acme.test", name="Bob \u202egnp.exe")
    assert "\u202e" not in _sent(mailoutbox)[0].body
    client.post(
        _link(_sent(mailoutbox)[0], "/account/verify/"), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert User.objects.get(email="bob@acme.test").full_name == "Bob gnp.exe"
