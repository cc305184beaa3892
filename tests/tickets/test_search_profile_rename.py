"""A customer who renames themself on the profile page is renamed as a contact too, through the one
service that has a renamed contact's tickets searched under the new name (customers.services.
contact_update, helpdesk.services.user_rename); so is a customer login renamed by an admin."""

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import Contact
from tests.factories import make_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def ids(as_user, user, query) -> list[int]:
    response = as_user(user).get("/api/v1/tickets/", {"q": query})
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def carlas_ticket(customer):
    contact = Contact.objects.get(user=customer)
    contact.full_name = customer.full_name = "Carla Gomez"
    contact.save(update_fields=["full_name"])
    customer.save(update_fields=["full_name"])
    return make_ticket(requester=contact, subject="Printer")


def test_a_customer_renamed_on_the_profile_page_is_found_by_agents_under_the_new_name(
    as_user, agent, customer, carlas_ticket, run_queued
):
    browser = Client()
    browser.force_login(customer)
    assert ids(as_user, agent, "Gomez") == [carlas_ticket.pk]
    with run_queued():
        response = browser.post("/profile/", {"full_name": "Carla Montaño", "language": "", "time_zone": ""})
    assert response.status_code == 302
    assert Contact.objects.get(user=customer).full_name == "Carla Montaño"
    assert ids(as_user, agent, "Montaño") == [carlas_ticket.pk]
    assert ids(as_user, agent, "Gomez") == []


def test_a_persian_name_chosen_on_the_profile_is_searched_with_its_letter_variants(
    as_user, agent, customer, carlas_ticket, run_queued
):
    browser = Client()
    browser.force_login(customer)
    with run_queued():
        browser.post("/profile/", {"full_name": "کارلا یزدی", "language": "fa", "time_zone": ""})
    assert ids(as_user, agent, "يزدي") == [carlas_ticket.pk]  # Arabic yeh, as a keyboard may type it


def test_the_profile_saved_with_the_same_name_queues_no_rebuild(
    customer, carlas_ticket, django_capture_on_commit_callbacks
):
    browser = Client()
    browser.force_login(customer)
    with django_capture_on_commit_callbacks() as queued:
        browser.post("/profile/", {"full_name": "Carla Gomez", "language": "fa", "time_zone": ""})
    assert queued == []


def test_an_agent_renaming_themself_renames_no_contact(agent_client, agent, customer, carlas_ticket):
    agent_client.post("/profile/", {"full_name": "Carla Gomez Agent", "language": "", "time_zone": ""})
    agent.refresh_from_db()
    assert agent.full_name == "Carla Gomez Agent"
    assert Contact.objects.get(user=customer).full_name == "Carla Gomez"


def test_an_admin_renaming_a_customer_login_renames_the_contact_and_reindexes(
    as_user, agent, admin_user, customer, carlas_ticket, run_queued
):
    browser = Client()
    browser.force_login(admin_user)
    page = browser.get(f"/admin/helpdesk/user/{customer.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, []) and name != "password"}
    joined = timezone.localtime(data.pop("date_joined"))
    data.update(full_name="Carla Ruiz", date_joined_0=f"{joined:%Y-%m-%d}", date_joined_1=f"{joined:%H:%M:%S}")
    data.pop("last_login", None)
    with run_queued():
        response = browser.post(f"/admin/helpdesk/user/{customer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Contact.objects.get(user=customer).full_name == "Carla Ruiz"
    assert ids(as_user, agent, "Ruiz") == [carlas_ticket.pk]
    assert Ticket.objects.filter(pk=carlas_ticket.pk).exists()


def test_an_agent_renaming_a_contact_renames_their_portal_login(as_user, agent, customer, carlas_ticket, run_queued):
    contact = Contact.objects.get(user=customer)
    with run_queued():
        response = as_user(agent).patch(f"/api/v1/contacts/{contact.pk}/", {"full_name": "Carla Gómez"}, format="json")
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert customer.full_name == "Carla Gómez"
    portal = Client()
    portal.force_login(customer)
    assert "Carla Gómez" in portal.get("/portal/").content.decode()
    assert ids(as_user, agent, "Gómez") == [carlas_ticket.pk]


def test_a_contact_name_cleared_leaves_the_login_its_name(as_user, agent, customer, carlas_ticket):
    contact = Contact.objects.get(user=customer)
    response = as_user(agent).patch(f"/api/v1/contacts/{contact.pk}/", {"full_name": ""}, format="json")
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (Contact.objects.get(pk=contact.pk).full_name, customer.full_name) == ("", "Carla Gomez")


def test_a_customer_cannot_rename_another_contact_or_its_login(as_user, customer, other_customer):
    other = Contact.objects.get(user=other_customer)
    response = as_user(customer).patch(f"/api/v1/contacts/{other.pk}/", {"full_name": "Hijacked"}, format="json")
    assert response.status_code in (403, 404)
    other_customer.refresh_from_db()
    assert other_customer.full_name != "Hijacked"
