"""The admin's user forms refuse an email another login has, in any letter case, with one clear message
(the service's own), never a database constraint's name."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from helpdesk import services
from helpdesk.models import User

pytestmark = pytest.mark.django_db

TAKEN = "A user with this email address already exists."
PASSWORD = "a-long-enough-passphrase-7"


@pytest.fixture
def browser(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def add_user(browser: Client, email: str):
    return browser.post(
        "/admin/helpdesk/user/add/",
        {
            "email": email,
            "full_name": "",
            "role": "agent",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def change_data(browser: Client, user: User) -> dict:
    """The change form as it stands, ready to post back."""
    form = browser.get(f"/admin/helpdesk/user/{user.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"teams": [t.pk for t in user.teams.all()], "groups": [], "user_permissions": []})
    data["last_login_0"], data["last_login_1"] = "", ""
    data["date_joined_0"] = user.date_joined.strftime("%Y-%m-%d")
    data["date_joined_1"] = user.date_joined.strftime("%H:%M:%S")
    return data


def test_the_service_refuses_an_email_differing_only_in_letter_case(agent):
    with pytest.raises(ValidationError) as exc:
        services.user_create(email=agent.email.upper(), password=None)
    assert exc.value.message_dict == {"email": [TAKEN]}


@pytest.mark.parametrize("typed", ["Agent@Test.Example", "agent@test.example", " AGENT@test.example "])
def test_adding_a_user_with_a_taken_email_says_so_once(browser, agent, typed):
    response = add_user(browser, typed)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [TAKEN]}
    page = response.content.decode()
    assert "user_email_ci_unique" not in page and "User with this Email address" not in page
    assert User.objects.filter(email__iexact="agent@test.example").count() == 1


def test_a_new_user_added_in_the_admin_is_stored_lower_cased_as_the_service_stores_it(browser):
    response = add_user(browser, "New.Agent@Test.Example")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.filter(email="new.agent@test.example").exists()


def test_changing_a_users_email_to_another_logins_in_other_letter_case_says_so_once(browser, agent, customer):
    data = change_data(browser, customer) | {"email": "AGENT@test.example"}
    response = browser.post(f"/admin/helpdesk/user/{customer.pk}/change/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [TAKEN]}
    assert "user_email_ci_unique" not in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "carla@acme.test"


def test_saving_a_user_with_their_own_email_in_other_letter_case_is_fine(browser, agent):
    data = change_data(browser, agent) | {"email": "Agent@Test.Example", "full_name": "Renamed"}
    response = browser.post(f"/admin/helpdesk/user/{agent.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    agent.refresh_from_db()
    assert (agent.email, agent.full_name) == ("agent@test.example", "Renamed")
