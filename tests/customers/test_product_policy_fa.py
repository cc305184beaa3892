"""A product's support policy in Persian: Persian readers get it on the portal's contract page and in
the agent's customer panel; English readers the English one; either language falls back to the other."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from customers import services
from customers.models import Contact, Product
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db

ENGLISH, PERSIAN = "Covered: uptime and backups.", "پوشش داده می‌شود: دسترس‌پذیری و پشتیبان‌گیری."


@pytest.fixture
def cloud(db) -> Product:
    return services.product_create(
        name="Cloud hosting", name_fa="میزبانی ابری", code="cloud", policy_text=ENGLISH, policy_text_fa=PERSIAN
    )


@pytest.fixture
def contract(customer, cloud, standard_policy):
    return services.contract_create(
        name="Acme Care",
        organization=Contact.objects.get(user=customer).organization,
        sla_policy=standard_policy,
        valid_from=date(2020, 1, 1),
        products=[cloud],
    )


def test_the_policy_is_read_in_the_readers_language_and_falls_back_to_the_other(cloud):
    with translation.override("fa"):
        assert cloud.display_policy == PERSIAN
    with translation.override("en"):
        assert cloud.display_policy == ENGLISH
    only_english = services.product_create(name="Mail", code="mail", policy_text=ENGLISH)
    only_persian = services.product_create(name="ERP", code="erp", policy_text_fa=PERSIAN)
    with translation.override("fa"):
        assert only_english.display_policy == ENGLISH
    with translation.override("en"):
        assert only_persian.display_policy == PERSIAN


@pytest.mark.parametrize(("language", "shown", "hidden"), [("fa", PERSIAN, ENGLISH), ("en", ENGLISH, PERSIAN)])
def test_the_portal_contract_page_shows_the_policy_in_the_customers_language(
    client, customer, contract, language, shown, hidden
):
    customer.language = language
    customer.save(update_fields=["language"])
    client.force_login(customer)
    html = client.get("/portal/contract/").content.decode()
    assert shown in html and hidden not in html


def test_the_agents_customer_panel_shows_the_policy_in_the_agents_language(client, agent, customer, contract, team):
    ticket = ticket_services.ticket_open(
        actor=agent, requester=Contact.objects.get(user=customer), subject="Backups", body="Restore please"
    )
    agent.language = "fa"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    body = client.get(reverse("agent:ticket-side", args=[ticket.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert PERSIAN in body and ENGLISH not in body


def test_administrators_set_the_persian_policy_over_the_api_and_customers_cannot(as_user, admin_user, customer):
    created = as_user(admin_user).post(
        "/api/v1/products/",
        {"name": "Cloud", "code": "cloud", "policy_text": ENGLISH, "policy_text_fa": PERSIAN},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["policy_text_fa"] == PERSIAN
    assert Product.objects.get(code="cloud").policy_text_fa == PERSIAN
    refused = as_user(customer).patch(
        f"/api/v1/products/{created.json()['id']}/", {"policy_text_fa": "x"}, format="json"
    )
    assert refused.status_code in (403, 404)
    assert Product.objects.get(code="cloud").policy_text_fa == PERSIAN
