"""The category tree: two levels (validated everywhere), agents read and set it (page, bulk, API),
administrators write the tree, customers never see it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.models import NotificationLog, WebhookEndpoint
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets import services
from tickets.models import Category, EventKind, Ticket, TicketEvent
from tickets.problems import categories as category_services

pytestmark = pytest.mark.django_db


def test_a_child_of_a_child_is_refused(categories, admin_user):
    deeper = Category(name="Split tunnel", parent=categories["vpn"])
    with pytest.raises(ValidationError) as caught:
        deeper.full_clean()
    assert "parent" in caught.value.message_dict
    with pytest.raises(ValidationError):
        category_services.category_create(actor=admin_user, name="Split tunnel", parent=categories["vpn"])
    assert not Category.objects.filter(name="Split tunnel").exists()


def test_a_parent_with_children_cannot_move_under_another(categories, admin_user):
    with pytest.raises(ValidationError) as caught:
        category_services.category_update(
            actor=admin_user, category=categories["network"], changes={"parent": categories["billing"]}
        )
    assert "parent" in caught.value.message_dict
    categories["network"].refresh_from_db()
    assert categories["network"].parent is None


def test_a_category_cannot_be_its_own_parent(categories, admin_user):
    with pytest.raises(ValidationError):
        category_services.category_update(
            actor=admin_user, category=categories["billing"], changes={"parent": categories["billing"]}
        )


def test_names_show_in_the_readers_language(categories):
    from django.utils import translation

    vpn = Category.objects.select_related("parent").get(pk=categories["vpn"].pk)
    with translation.override("fa"):
        assert str(vpn) == "شبکه › وی‌پی‌ان"
    with translation.override("en"):
        assert str(vpn) == "Network › VPN"


# --- the API ----------------------------------------------------------------------------------


def test_agents_read_the_tree(as_user, agent, categories):
    response = as_user(agent).get("/api/v1/categories/")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert rows["VPN"]["parent"] == categories["network"].pk and rows["Network"]["parent"] is None


def test_agents_cannot_write_the_tree_and_admins_can(as_user, agent, admin_user, categories):
    assert as_user(agent).post("/api/v1/categories/", {"name": "Hardware"}, format="json").status_code == 403
    url = f"/api/v1/categories/{categories['billing'].pk}/"
    assert as_user(agent).patch(url, {"name": "Money"}, format="json").status_code == 403
    assert as_user(agent).delete(url).status_code == 403
    response = as_user(admin_user).post(
        "/api/v1/categories/",
        {"name": "Invoices", "name_fa": "فاکتورها", "parent": categories["billing"].pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Category.objects.get(pk=response.json()["id"]).parent == categories["billing"]


def test_a_third_level_is_a_400_on_parent(as_user, admin_user, categories):
    response = as_user(admin_user).post(
        "/api/v1/categories/", {"name": "Split tunnel", "parent": categories["vpn"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]


def test_deleting_a_category_in_use_is_a_409(as_user, admin_user, agent, categories, ticket):
    services.ticket_edit(ticket=ticket, actor=agent, changes={"category": categories["billing"]})
    response = as_user(admin_user).delete(f"/api/v1/categories/{categories['billing'].pk}/")
    assert response.status_code == 409
    assert Category.objects.filter(pk=categories["billing"].pk).exists()


@pytest.mark.parametrize("persona", ["customer", "anonymous"])
def test_customers_and_strangers_never_see_categories(request, as_user, persona, categories):
    client = as_user(request.getfixturevalue(persona))
    assert client.get("/api/v1/categories/").status_code in (401, 404)
    assert client.get(f"/api/v1/categories/{categories['vpn'].pk}/").status_code in (401, 404)
    assert client.get("/api/v1/root-causes/").status_code in (401, 404)


def test_agents_set_the_category_over_the_api(as_user, agent, categories, ticket):
    response = as_user(agent).patch(f"/api/v1/tickets/{ticket.pk}/", {"category": categories["vpn"].pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["category"] == categories["vpn"].pk
    listed = as_user(agent).get("/api/v1/tickets/").json()["results"]
    assert [row["category"] for row in listed if row["id"] == ticket.pk] == [categories["vpn"].pk]


def test_a_customer_never_sees_the_category_of_their_ticket(as_user, agent, customer, categories, acme_ticket):
    services.ticket_edit(ticket=acme_ticket, actor=agent, changes={"category": categories["vpn"]})
    row = as_user(customer).get(f"/api/v1/tickets/{acme_ticket.pk}/").json()
    assert "category" not in row and "root_cause" not in row and "problem" not in row


def test_an_inactive_category_cannot_be_chosen(agent, categories, ticket):
    Category.objects.filter(pk=categories["billing"].pk).update(is_active=False)
    categories["billing"].refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.ticket_edit(ticket=ticket, actor=agent, changes={"category": categories["billing"]})
    assert "category" in caught.value.message_dict


# --- the pages --------------------------------------------------------------------------------


def test_the_sidebar_sets_the_category_as_an_event_with_its_webhook(agent_client, categories, ticket):
    endpoint = WebhookEndpoint.objects.create(name="Reports", url="http://127.0.0.1:9/hook", events=[])
    response = agent_client.post(
        reverse("agent:ticket-properties", args=[ticket.pk]),
        {"status": ticket.status, "priority": ticket.priority, "type": ticket.type, "category": categories["vpn"].pk},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.category == categories["vpn"]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.FIELD_CHANGED, field="category")
    assert event.new_value == "Network › VPN" and event.public is False
    assert NotificationLog.objects.filter(key=f"webhook:{endpoint.pk}:{event.pk}").exists()
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "Network › VPN" in page


def test_bulk_set_category_changes_each_ticket_through_the_service(agent_client, categories, make):
    tickets = [make(subject=f"Slow {n}") for n in range(3)]
    response = agent_client.post(
        reverse("agent:ticket-bulk"),
        {"tickets": [t.pk for t in tickets], "action": "category", "category": categories["billing"].pk},
    )
    assert response.status_code == 302
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("category", flat=True)) == {
        categories["billing"].pk
    }
    assert TicketEvent.objects.filter(ticket__in=tickets, field="category").count() == 3


def test_a_mailbox_default_category_is_a_new_tickets(mailbox, categories, customer, team):
    mailbox.default_category = categories["vpn"]
    mailbox.save()
    ticket = make_ticket(requester=contact_of(customer), channel="email", mailbox=mailbox)
    assert ticket.category == categories["vpn"]
