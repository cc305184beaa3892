"""Links to choose a password (helpdesk.passwords): an administrator invites any active login (the user
list's action, the user page's button, and automatically for an agent added without a password), and a
password reset for an active login without a usable password sends the link too. Mail goes through the
outbox; the reset page answers the same either way."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from helpdesk import passwords
from helpdesk.exceptions import NotAllowed
from helpdesk.models import NotificationLog, User
from tests import factories
from tests.conftest import send_outbox_mail

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long unusual passphrase 42"


@pytest.fixture
def admin_browser(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def newcomer(db):
    user = factories.UserFactory(role="agent", email="nima@test.example", full_name="Nima")
    user.set_unusable_password()
    user.save()
    return user


def _link(mail) -> str:
    match = re.search(r"https?://[^\s\"]+(/account/password-reset/[^\s\"]+)", mail.body)
    assert match, mail.body
    return match.group(1)


def _choose_password_and_sign_in(mail, email: str) -> Client:
    browser = Client()
    page = browser.get(_link(mail), follow=True)
    assert page.status_code == 200
    done = browser.post(page.redirect_chain[-1][0], {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert done["Location"] == "/account/password-reset/complete/"
    signed_in = Client()
    response = signed_in.post("/login/", {"username": email, "password": GOOD_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert signed_in.session.get("_auth_user_id") == str(User.objects.get(email=email).pk)
    return signed_in


def test_an_invitation_mails_a_link_that_sets_the_password_and_the_person_signs_in(
    admin_browser, newcomer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_browser.post(f"/admin/helpdesk/user/{newcomer.pk}/password-link/")
    assert response.status_code == 302
    assert not mailoutbox  # only an outbox row in the request
    assert send_outbox_mail(template_prefix="account_set_password") == 1
    [mail] = mailoutbox
    assert mail.to == ["nima@test.example"] and "Choose your password" in mail.subject
    _choose_password_and_sign_in(mail, "nima@test.example")
    newcomer.refresh_from_db()
    assert newcomer.check_password(GOOD_PASSWORD)
    # the link worked once: the password changed, so the token no longer matches
    page = Client().get(_link(mail), follow=True)
    assert "new_password1" not in page.content.decode()


def test_the_user_page_shows_the_button_and_the_list_has_the_action(admin_browser, newcomer):
    page = admin_browser.get(f"/admin/helpdesk/user/{newcomer.pk}/change/").content.decode()
    assert f'action="/admin/helpdesk/user/{newcomer.pk}/password-link/"' in page
    listing = admin_browser.get("/admin/helpdesk/user/").content.decode()
    assert 'value="send_password_links"' in listing


def test_the_list_action_invites_the_selected_users(admin_browser, newcomer, agent, mailoutbox):
    response = admin_browser.post(
        "/admin/helpdesk/user/",
        {"action": "send_password_links", "_selected_action": [newcomer.pk, agent.pk]},
    )
    assert response.status_code == 302
    assert send_outbox_mail(template_prefix="account_set_password") == 2
    assert sorted(mail.to[0] for mail in mailoutbox) == ["agent@test.example", "nima@test.example"]


def test_an_agent_added_in_the_admin_without_a_password_is_mailed_the_link(admin_browser, mailoutbox):
    response = admin_browser.post(
        "/admin/helpdesk/user/add/",
        {"email": "new.agent@test.example", "full_name": "", "role": "agent", "usable_password": "false"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="new.agent@test.example")
    assert not user.has_usable_password()
    assert send_outbox_mail(template_prefix="account_set_password") == 1
    _choose_password_and_sign_in(mailoutbox[0], "new.agent@test.example")


def test_a_password_reset_for_a_login_without_a_password_sends_the_link(newcomer, mailoutbox):
    response = Client().post("/account/password-reset/", {"email": "NIMA@test.example"})
    assert response["Location"] == "/account/password-reset/done/"
    assert send_outbox_mail(template_prefix="account_password_reset") == 1
    [mail] = mailoutbox
    assert "has no password yet" in mail.body
    _choose_password_and_sign_in(mail, "nima@test.example")


def test_an_inactive_login_gets_nothing(admin_browser, newcomer, mailoutbox):
    newcomer.is_active = False
    newcomer.save()
    Client().post("/account/password-reset/", {"email": "nima@test.example"})
    admin_browser.post(f"/admin/helpdesk/user/{newcomer.pk}/password-link/")
    admin_browser.post("/admin/helpdesk/user/", {"action": "send_password_links", "_selected_action": [newcomer.pk]})
    send_outbox_mail()
    assert not mailoutbox
    assert not NotificationLog.objects.filter(template="account_set_password").exists()
    with pytest.raises(ValidationError):
        passwords.user_password_invite(user=newcomer, invited_by=User.objects.get(role="admin"))


def test_a_login_deactivated_after_the_invitation_gets_no_mail(admin_user, newcomer, mailoutbox):
    passwords.user_password_invite(user=newcomer, invited_by=admin_user)
    User.objects.filter(pk=newcomer.pk).update(is_active=False)
    send_outbox_mail()
    assert not mailoutbox
    row = NotificationLog.objects.get(template="account_set_password")
    assert row.sent_at is not None and "nothing was sent" in row.last_error


def test_an_agent_cannot_invite(agent, newcomer, mailoutbox):
    with pytest.raises(NotAllowed):
        passwords.user_password_invite(user=newcomer, invited_by=agent)
    browser = Client()
    browser.force_login(agent)
    response = browser.post(f"/admin/helpdesk/user/{newcomer.pk}/password-link/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = browser.post(
        "/admin/helpdesk/user/", {"action": "send_password_links", "_selected_action": [newcomer.pk]}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not NotificationLog.objects.filter(template="account_set_password").exists()


def test_the_button_refuses_a_get(admin_browser, newcomer):
    assert admin_browser.get(f"/admin/helpdesk/user/{newcomer.pk}/password-link/").status_code == 403
    assert not NotificationLog.objects.filter(template="account_set_password").exists()


def test_the_reset_page_answers_the_same_for_a_login_without_a_password_and_an_unknown_address(newcomer):
    answers = [
        Client().post("/account/password-reset/", {"email": email})["Location"]
        for email in ("nima@test.example", "nobody@test.example")
    ]
    assert answers == ["/account/password-reset/done/"] * 2


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_invitation_is_in_the_persons_language(admin_user, newcomer, mailoutbox, language):
    newcomer.language = language
    newcomer.save()
    passwords.user_password_invite(user=newcomer, invited_by=admin_user)
    send_outbox_mail()
    body = mailoutbox[0].body
    assert ("گذرواژه" in body) == (language == "fa")
