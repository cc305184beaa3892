"""A contact the helpdesk knows from her mail, with no login yet, claims one through sign-up: the
verification mail proves the address, and the new login is linked to that contact, so she sees her
requests. An unknown address outside the sign-up domains stays refused, with the same answer (no
enumeration); an address whose contact already has a login gets the "already have an account" mail."""

import re

import pytest
from django.test import Client

from customers import accounts
from customers.models import Contact
from helpdesk.models import NotificationLog, User
from helpdesk.outbox.sending import notification_send
from tests import factories
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

PASSWORD = "a-long unusual passphrase 42"
ALI = "ali.karimi@gmail.com"


@pytest.fixture
def ali(settings) -> Contact:
    settings.HELPDESK_OPEN_SIGNUP = False
    return factories.ContactFactory(email=ALI, full_name="Ali Karimi", organization=None)


def _sent(mailoutbox) -> list:
    for pk in NotificationLog.objects.filter(sent_at__isnull=True, template__startswith="account_").values_list(
        "pk", flat=True
    ):
        notification_send(notification_id=pk)
    return mailoutbox


def _link(mail, prefix: str) -> str:
    match = re.search(rf"https?://[^\s\"]+({re.escape(prefix)}[^\s\"]+)", mail.body)
    assert match, mail.body
    return match.group(1)


def _signup(client, email):
    return client.post("/account/signup/", {"full_name": "Ali K", "email": email})


def test_a_known_contact_claims_her_login_through_sign_up_and_sees_her_requests(ali, client, mailoutbox):
    ticket = make_ticket(requester=ali, subject="My invoice is wrong")
    response = _signup(client, "Ali.Karimi@gmail.com")
    assert response.status_code == 302 and response["Location"] == "/account/signup/done/"
    assert not User.objects.filter(email=ALI).exists()  # nothing before the address is proven
    [mail] = _sent(mailoutbox)
    assert mail.to == [ALI]
    path = _link(mail, "/account/verify/")

    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    user = User.objects.get(email=ALI)
    ali.refresh_from_db()
    assert ali.user == user and user.is_customer
    assert Contact.objects.filter(email__iexact=ALI).count() == 1  # her contact, not a new one
    assert client.get(f"/portal/requests/{ticket.pk}/").status_code == 200


def test_a_strangers_address_stays_refused_with_the_same_answer_as_a_known_one(ali, mailoutbox):
    known = _signup(Client(), ALI)
    stranger = _signup(Client(), "stranger@gmail.com")
    assert known.status_code == stranger.status_code == 302
    assert known["Location"] == stranger["Location"]
    assert [mail.to for mail in _sent(mailoutbox)] == [[ALI]]  # the stranger gets nothing
    assert not User.objects.filter(email="stranger@gmail.com").exists()
    assert not Contact.objects.filter(email="stranger@gmail.com").exists()


def test_a_forged_claim_for_a_strangers_address_is_refused(ali, client):
    url = accounts._signup_url(email="stranger@gmail.com", full_name="X", language="")
    assert client.get(url).status_code == 400
    assert not User.objects.filter(email="stranger@gmail.com").exists()


def test_a_claim_link_stops_working_once_the_contact_has_a_login(ali, client, mailoutbox):
    _signup(client, ALI)
    path = _link(_sent(mailoutbox)[0], "/account/verify/")
    client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    again = Client().post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 302 and again["Location"] == "/login/"
    assert User.objects.filter(email=ALI).count() == 1


def test_an_address_whose_contact_has_a_login_gets_the_already_have_an_account_mail(customer, client, mailoutbox):
    response = _signup(client, "carla@acme.test")
    assert response.status_code == 302 and response["Location"] == "/account/signup/done/"
    [mail] = _sent(mailoutbox)
    assert "already have an account" in mail.body and "/account/verify/" not in mail.body


def test_a_password_reset_for_a_known_contact_without_a_login_sends_the_claim_link(ali, client, mailoutbox):
    known = Client().post("/account/password-reset/", {"email": ALI})
    stranger = Client().post("/account/password-reset/", {"email": "stranger@gmail.com"})
    assert known["Location"] == stranger["Location"] == "/account/password-reset/done/"
    [mail] = _sent(mailoutbox)
    assert mail.to == [ALI] and "no support account yet" in mail.body
    path = _link(mail, "/account/verify/")
    client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    ali.refresh_from_db()
    assert ali.user is not None and ali.user.email == ALI
