"""Every account's password: at least 12 characters and not a common one (ASVS 2.1.1, 2.1.7), on every
path that sets one: sign-up, invitation, reset link, profile, admin, createsuperuser."""

import os
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from customers import accounts
from customers.models import OrganizationDomain
from helpdesk import services
from helpdesk.models import User
from tests import factories
from tests.conftest import send_outbox_mail

pytestmark = pytest.mark.django_db

ELEVEN = "tq7vexolupa"
TWELVE = "tq7vexolupa9"
COMMON = "password1234"


def _link(mail, prefix: str) -> str:
    return re.search(rf"https?://[^\s\"]+({re.escape(prefix)}[^\s\"]+)", mail.body).group(1)


@pytest.mark.parametrize(("password", "accepted"), [(ELEVEN, False), (TWELVE, True), (COMMON, False)])
def test_the_service_that_sets_a_password_applies_the_rules(customer, password, accepted):
    if accepted:
        services.user_set_password(user=customer, password=password)
        customer.refresh_from_db()
        assert customer.check_password(password)
    else:
        with pytest.raises(Exception, match="too short|too common"):
            services.user_set_password(user=customer, password=password)


@pytest.mark.parametrize(("password", "accepted"), [(ELEVEN, False), (TWELVE, True), (COMMON, False)])
def test_sign_up_applies_the_rules(client, organization, mailoutbox, password, accepted):
    OrganizationDomain.objects.create(organization=organization, domain="acme.test", allow_signup=True)
    client.post("/account/signup/", {"full_name": "Nina New", "email": "nina@acme.test"})
    send_outbox_mail()
    client.post(_link(mailoutbox[0], "/account/verify/"), {"password1": password, "password2": password})
    assert User.objects.filter(email="nina@acme.test").exists() is accepted


@pytest.mark.parametrize(("password", "accepted"), [(ELEVEN, False), (TWELVE, True), (COMMON, False)])
def test_an_invitation_applies_the_rules(client, agent, organization, mailoutbox, password, accepted):
    contact = factories.ContactFactory(organization=organization, email="phil@acme.test")
    accounts.contact_invite(contact=contact, invited_by=agent)
    send_outbox_mail(template_prefix="account_")
    client.post(_link(mailoutbox[0], "/account/invite/"), {"password1": password, "password2": password})
    assert User.objects.filter(email="phil@acme.test").exists() is accepted


@pytest.mark.parametrize(("password", "accepted"), [(ELEVEN, False), (TWELVE, True), (COMMON, False)])
def test_the_reset_link_applies_the_rules(client, customer, mailoutbox, password, accepted):
    accounts.password_reset_request(email=customer.email)
    send_outbox_mail()
    page = client.get(_link(mailoutbox[0], "/account/password-reset/"), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    customer.refresh_from_db()
    assert customer.check_password(password) is accepted


def test_a_weak_new_password_is_refused_under_the_field_it_was_typed_in(client, customer, mailoutbox):
    accounts.password_reset_request(email=customer.email)
    send_outbox_mail()
    page = client.get(_link(mailoutbox[0], "/account/password-reset/"), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": ELEVEN, "new_password2": ELEVEN})
    form = response.context["form"]
    assert form.errors["new_password1"] and "new_password2" not in form.errors
    mismatch = client.post(page.redirect_chain[-1][0], {"new_password1": TWELVE, "new_password2": TWELVE + "x"})
    assert list(mismatch.context["form"].errors) == ["new_password2"]  # a mismatch is the confirmation's


def test_the_persian_reset_page_says_what_to_type_in_one_word_for_password_and_persian_digits(
    client, customer, mailoutbox
):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    accounts.password_reset_request(email=customer.email)
    send_outbox_mail()
    page = client.get(_link(mailoutbox[0], "/account/password-reset/"), follow=True, HTTP_ACCEPT_LANGUAGE="fa")
    client.cookies["django_language"] = "fa"
    form = client.get(page.redirect_chain[-1][0]).content.decode()
    assert "همان گذرواژهٔ تازه را دوباره بنویسید" in form and "رمز عبور قبلی" not in form
    assert "دست‌کم ۱۲ نویسه" in form and "رمز عبور" not in form and "12" not in re.sub(r"<[^>]*>", "", form)
    refused = client.post(page.redirect_chain[-1][0], {"new_password1": ELEVEN, "new_password2": ELEVEN})
    text = refused.content.decode()
    assert "این گذرواژه کوتاه است: باید دست‌کم ۱۲ نویسه باشد." in text and "too short" not in text


@pytest.mark.parametrize(("password", "accepted"), [(ELEVEN, False), (TWELVE, True), (COMMON, False)])
def test_the_profile_page_applies_the_rules(agent, password, accepted):
    browser = Client()
    browser.force_login(agent)
    response = browser.post(
        "/profile/password/", {"old_password": "secret-pass-1", "new_password1": password, "new_password2": password}
    )
    assert response.status_code == (302 if accepted else 400)
    agent.refresh_from_db()
    assert agent.check_password(password) is accepted


@pytest.mark.parametrize(("password", "accepted"), [(ELEVEN, False), (TWELVE, True), (COMMON, False)])
def test_the_admin_applies_the_rules_to_new_users_and_new_passwords(admin_user, agent, password, accepted):
    browser = Client()
    browser.force_login(admin_user)
    browser.post(
        "/admin/helpdesk/user/add/",
        {
            "email": "new@test.example",
            "role": "agent",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert User.objects.filter(email="new@test.example").exists() is accepted
    browser.post(
        f"/admin/helpdesk/user/{agent.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )
    agent.refresh_from_db()
    assert agent.check_password(password) is accepted


@pytest.mark.parametrize(("password", "accepted"), [(ELEVEN, False), (TWELVE, True), (COMMON, False)])
def test_createsuperuser_applies_the_rules_to_the_password_from_the_environment(monkeypatch, password, accepted):
    monkeypatch.setitem(os.environ, "DJANGO_SUPERUSER_PASSWORD", password)
    if accepted:
        call_command("createsuperuser", "--noinput", "--email", "root@test.example", verbosity=0)
        assert User.objects.get(email="root@test.example").check_password(password)
    else:
        with pytest.raises(CommandError, match="too short|too common"):
            call_command("createsuperuser", "--noinput", "--email", "root@test.example", verbosity=0)
        assert not User.objects.filter(email="root@test.example").exists()


def test_changepassword_revokes_the_api_tokens(agent, monkeypatch):
    key = services.api_token_create(user=agent, name="ci")[1]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": TWELVE)
    call_command("changepassword", agent.email, verbosity=0)
    agent.refresh_from_db()
    assert agent.check_password(TWELVE)
    assert services.api_token_authenticate(key=key, now=agent.date_joined) is None
