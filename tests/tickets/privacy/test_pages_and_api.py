"""The contact page and its two-step erasure, and `POST /api/v1/contacts/{id}/erase/`: who may do what,
what a wrong confirmation does, and the audit record each leaves."""

import pytest

from customers.models import PrivacyAction
from tickets.models import Message

from .conftest import EMAIL, NAME, contact_fresh

pytestmark = pytest.mark.django_db


def test_agents_see_the_contact_page_without_the_privacy_actions(world, client, django_assert_max_num_queries):
    client.force_login(world["agent"])
    # session, user, contact (+ organization), the ticket rows, the saved views and counts of the layout
    with django_assert_max_num_queries(12):
        response = client.get(f"/agent/contacts/{world['zelda'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert NAME in html and EMAIL in html and "Invoice of" in html
    assert "/export/" not in html and "/erase/" not in html


def test_admins_see_export_erase_and_the_record(world, client):
    client.force_login(world["admin"])
    url = f"/agent/contacts/{world['zelda'].pk}/"
    client.get(f"{url}export/")
    html = client.get(url).content.decode()
    assert f"{url}export/" in html and f"{url}erase/" in html
    assert "Data exported" in html


def test_the_ticket_page_links_to_the_contact_page(world, client):
    client.force_login(world["agent"])
    html = client.get(f"/agent/tickets/{world['mine'].pk}/").content.decode()
    assert f"/agent/contacts/{world['zelda'].pk}/" in html


def test_customers_do_not_reach_the_contact_page(world, client):
    client.force_login(world["zelda"].user)
    assert client.get(f"/agent/contacts/{world['zelda'].pk}/").status_code == 404


def test_the_erase_page_is_for_admins_only(world, client):
    url = f"/agent/contacts/{world['zelda'].pk}/erase/"
    client.force_login(world["agent"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": EMAIL}).status_code == 403
    assert contact_fresh(world["zelda"]).full_name == NAME


def test_the_erase_page_asks_for_the_address_and_a_wrong_one_changes_nothing(world, client):
    client.force_login(world["admin"])
    url = f"/agent/contacts/{world['zelda'].pk}/erase/"
    page = client.get(url)
    assert page.status_code == 200 and "Erase for good" in page.content.decode()
    response = client.post(url, {"confirm": "zelda@wrong.test"})
    assert response.status_code == 400
    assert "Type the contact&#x27;s email address exactly to confirm." in response.content.decode()
    assert contact_fresh(world["zelda"]).full_name == NAME and not PrivacyAction.objects.exists()


def test_the_erase_page_erases_with_the_address_and_shows_the_erased_contact(world, client):
    client.force_login(world["admin"])
    response = client.post(
        f"/agent/contacts/{world['zelda'].pk}/erase/", {"confirm": f" {EMAIL.upper()} "}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erased contact" in html and NAME not in html
    assert PrivacyAction.objects.get().kind == "erase"
    assert not Message.objects.filter(body_text__icontains="zelda").exists()


def test_the_api_erases_for_admins(world, as_user):
    response = as_user(world["admin"]).post(
        f"/api/v1/contacts/{world['zelda'].pk}/erase/", {"confirm": EMAIL}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["contact"] == world["zelda"].pk and body["erased"]["tickets"] == 1
    again = as_user(world["admin"]).post(
        f"/api/v1/contacts/{world['zelda'].pk}/erase/", {"confirm": contact_fresh(world["zelda"]).email}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_erased"


def test_the_api_wants_the_confirmation(world, as_user):
    url = f"/api/v1/contacts/{world['zelda'].pk}/erase/"
    missing = as_user(world["admin"]).post(url, {}, format="json")
    assert missing.status_code == 400 and "confirm" in missing.json()["errors"]
    wrong = as_user(world["admin"]).post(url, {"confirm": "nope@x.test"}, format="json")
    assert wrong.status_code == 400 and "confirm" in wrong.json()["errors"]
    assert contact_fresh(world["zelda"]).full_name == NAME


def test_the_api_refuses_agents_and_customers(world, as_user, customer):
    url = f"/api/v1/contacts/{world['zelda'].pk}/erase/"
    assert as_user(world["agent"]).post(url, {"confirm": EMAIL}, format="json").status_code == 403
    assert as_user(world["zelda"].user).post(url, {"confirm": EMAIL}, format="json").status_code == 403
    assert as_user(customer).post(url, {"confirm": EMAIL}, format="json").status_code == 404
    assert as_user(None).post(url, {"confirm": EMAIL}, format="json").status_code == 401
    assert contact_fresh(world["zelda"]).full_name == NAME and not PrivacyAction.objects.exists()


def test_deleting_a_contact_with_tickets_is_still_refused(world, as_user):
    response = as_user(world["admin"]).delete(f"/api/v1/contacts/{world['zelda'].pk}/")
    assert response.status_code == 409
