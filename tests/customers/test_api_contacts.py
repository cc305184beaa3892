import pytest

from customers import services
from customers.models import Contact, Organization
from tests import factories
from tickets.models import Ticket

from .conftest import PERSONAS

pytestmark = pytest.mark.django_db

AGENT_FIELDS = {
    "id",
    "full_name",
    "email",
    "phone",
    "organization",
    "language",
    "time_zone",
    "has_login",
    "notes",
    "created_at",
}
CUSTOMER_FIELDS = {"id", "full_name", "email", "phone", "organization", "language", "time_zone"}


def emails(response) -> set[str]:
    return {row["email"] for row in response.json()["results"]}


# --- contacts: reading ------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSONAS)
def test_contact_list_by_persona(world, as_user, persona, name):
    user = persona(name)
    response = as_user(user).get("/api/v1/contacts/")
    if user is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    if user.is_agent:
        assert emails(response) == set(Contact.objects.values_list("email", flat=True))
        assert set(response.json()["results"][0]) == AGENT_FIELDS
    else:
        assert emails(response) == {user.email}
        assert set(response.json()["results"][0]) == CUSTOMER_FIELDS  # never notes


@pytest.mark.parametrize("name", ["customer", "colleague", "private_colleague", "other_customer"])
def test_customers_cannot_read_another_contact_by_guessing_its_id(world, as_user, persona, name, private_customer):
    user = persona(name)
    client = as_user(user)
    assert client.get(f"/api/v1/contacts/{user.contact.pk}/").status_code == 200
    for other in Contact.objects.exclude(pk=user.contact.pk):
        assert client.get(f"/api/v1/contacts/{other.pk}/").status_code == 404
    assert client.get("/api/v1/contacts/999999/").status_code == 404


def test_agents_read_any_contact_with_notes(world, as_user, agent, other_customer):
    contact = other_customer.contact
    services.contact_update(contact=contact, data={"notes": "VIP"})
    body = as_user(agent).get(f"/api/v1/contacts/{contact.pk}/").json()
    assert body["notes"] == "VIP"
    assert body["organization"] == {"id": contact.organization_id, "name": "Globex"}
    assert body["has_login"] is True


def test_contact_filters_search_and_ordering(world, as_user, agent, customer):
    services.contact_update(contact=customer.contact, data={"phone": "+98 912 123 4567"})
    client = as_user(agent)
    assert emails(client.get("/api/v1/contacts/", {"q": "۰۹۱۲ ۱۲۳ ۴۵۶۷"})) == {customer.email}
    assert emails(client.get("/api/v1/contacts/", {"email": customer.email.upper()})) == {customer.email}
    assert emails(client.get("/api/v1/contacts/", {"organization": world.initech.pk})) == {
        "pat@initech.test",
        "quinn@initech.test",
    }
    ordered = client.get("/api/v1/contacts/", {"ordering": "-email"}).json()["results"]
    assert [r["email"] for r in ordered] == sorted((r["email"] for r in ordered), reverse=True)


def test_bad_filter_values_are_400_not_500(world, as_user, agent):
    client = as_user(agent)
    assert client.get("/api/v1/contacts/", {"organization": "abc"}).status_code == 400
    assert client.get("/api/v1/contacts/", {"organization": 999999}).status_code == 400


# --- contacts: writing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("admin_user", 201),
        ("agent", 201),
        ("customer", 403),
        ("colleague", 403),
        ("private_colleague", 403),
        ("other_customer", 403),
        ("anonymous", 403),
    ],
)
def test_contact_create_by_persona(world, as_user, persona, name, status):
    response = as_user(persona(name)).post(
        "/api/v1/contacts/", {"email": "New@Acme.test", "phone": "۰۹۱۲ ۰۰۰ ۱۱۱۱"}, format="json"
    )
    assert response.status_code == status if name != "anonymous" else response.status_code == 401
    if status == 201:
        body = response.json()
        assert body["email"] == "new@acme.test"
        assert Contact.objects.get(pk=body["id"]).phone_digits == "09120001111"


def test_duplicate_email_in_another_letter_case_is_a_400_on_email(world, as_user, agent, customer):
    response = as_user(agent).post("/api/v1/contacts/", {"email": customer.email.upper()}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["email"] == ["A contact with this email address already exists."]


def test_bad_contact_input_is_reported_per_field(world, as_user, agent):
    response = as_user(agent).post(
        "/api/v1/contacts/",
        {"email": "not-an-email", "organization": "x", "language": "xx", "phone": "1" * 100},
        format="json",
    )
    assert response.status_code == 400
    assert {"email", "organization", "language", "phone"} <= set(response.json()["errors"])


def test_agent_updates_a_contact_and_phone_digits_follow(world, as_user, agent, other_customer):
    contact = other_customer.contact
    response = as_user(agent).patch(
        f"/api/v1/contacts/{contact.pk}/", {"phone": "+49 30 123", "organization": world.acme.pk}, format="json"
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.phone_digits, contact.organization) == ("4930123", world.acme)


def test_contact_put_needs_the_email(world, as_user, agent, customer):
    response = as_user(agent).put(f"/api/v1/contacts/{customer.contact.pk}/", {"full_name": "X"}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


@pytest.mark.parametrize("name", ["customer", "colleague", "other_customer"])
def test_customers_cannot_change_even_their_own_contact(world, as_user, persona, name):
    user = persona(name)
    client = as_user(user)
    url = f"/api/v1/contacts/{user.contact.pk}/"
    assert client.patch(url, {"full_name": "Hacker"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403


def test_only_admins_delete_contacts_and_a_contact_with_tickets_is_409(world, as_user, agent, admin_user, customer):
    spare = services.contact_create(email="spare@x.test")
    assert as_user(agent).delete(f"/api/v1/contacts/{spare.pk}/").status_code == 403
    assert as_user(admin_user).delete(f"/api/v1/contacts/{spare.pk}/").status_code == 204
    Ticket.objects.create(subject="Help", requester=customer.contact)
    response = as_user(admin_user).delete(f"/api/v1/contacts/{customer.contact.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"


# --- organizations ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSONAS)
def test_organization_list_by_persona(world, as_user, persona, name):
    user = persona(name)
    response = as_user(user).get("/api/v1/organizations/")
    if user is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    if user.is_agent:
        assert names == set(Organization.objects.values_list("name", flat=True))
        assert "notes" in response.json()["results"][0]
    else:
        assert names == {user.contact.organization.name}
        assert "notes" not in response.json()["results"][0]
        assert "sla_policy" not in response.json()["results"][0]


@pytest.mark.parametrize("name", ["customer", "private_colleague", "other_customer"])
def test_customers_cannot_read_another_organization(world, as_user, persona, name):
    user = persona(name)
    client = as_user(user)
    assert client.get(f"/api/v1/organizations/{user.contact.organization_id}/").status_code == 200
    for other in Organization.objects.exclude(pk=user.contact.organization_id):
        assert client.get(f"/api/v1/organizations/{other.pk}/").status_code == 404


def test_agent_creates_an_organization_with_domains(world, as_user, agent):
    response = as_user(agent).post(
        "/api/v1/organizations/",
        {"name": "Hooli", "share_tickets": True, "domains": [{"domain": "@Hooli.test", "allow_signup": True}]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["domains"] == [{"domain": "hooli.test", "allow_signup": True}]


def test_a_domain_of_another_organization_is_a_400_on_domains(world, as_user, agent):
    services.organization_update(organization=world.acme, data={"domains": [{"domain": "acme.test"}]})
    response = as_user(agent).patch(
        f"/api/v1/organizations/{world.globex.pk}/", {"domains": [{"domain": "acme.test"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["domains"] == ["“acme.test” already belongs to Acme."]


def test_agents_cannot_choose_an_organizations_sla_policy_but_admins_can(world, as_user, agent, admin_user):
    url = f"/api/v1/organizations/{world.globex.pk}/"
    assert as_user(agent).patch(url, {"sla_policy": world.premium.pk}, format="json").status_code == 403
    response = as_user(admin_user).patch(url, {"sla_policy": world.premium.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["sla_policy"] == world.premium.pk


def test_organization_search(world, as_user, agent):
    services.organization_update(organization=world.initech, data={"domains": [{"domain": "initech.test"}]})
    client = as_user(agent)
    assert [r["name"] for r in client.get("/api/v1/organizations/", {"q": "initech.te"}).json()["results"]] == [
        "Initech"
    ]
    assert [r["name"] for r in client.get("/api/v1/organizations/", {"q": "glob"}).json()["results"]] == ["Globex"]


@pytest.mark.parametrize("name", ["customer", "colleague", "other_customer", "anonymous"])
def test_customers_cannot_write_organizations(world, as_user, persona, name):
    client = as_user(persona(name))
    assert client.post("/api/v1/organizations/", {"name": "Mine"}, format="json").status_code == (
        401 if name == "anonymous" else 403
    )
    assert client.patch(f"/api/v1/organizations/{world.acme.pk}/", {"name": "X"}, format="json").status_code in (
        401,
        403,
    )


def test_organization_delete_admin_only_and_409_when_in_use(world, as_user, agent, admin_user):
    empty = services.organization_create(name="Empty")
    assert as_user(agent).delete(f"/api/v1/organizations/{empty.pk}/").status_code == 403
    assert as_user(admin_user).delete(f"/api/v1/organizations/{empty.pk}/").status_code == 204
    response = as_user(admin_user).delete(f"/api/v1/organizations/{world.acme.pk}/")
    assert (response.status_code, response.json()["code"]) == (409, "in_use")


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_contact_list_runs_a_fixed_number_of_queries(as_user, agent, django_assert_num_queries, rows):
    org = factories.OrganizationFactory(name="Bulk")
    for _ in range(rows):
        factories.ContactFactory(organization=org)
    client = as_user(agent)
    # 1. COUNT(*) of contacts for the paginator
    # 2. SELECT the page of contacts JOIN organization
    with django_assert_num_queries(2):
        response = client.get("/api/v1/contacts/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_organization_list_runs_a_fixed_number_of_queries(as_user, agent, django_assert_num_queries, rows):
    for i in range(rows):
        services.organization_create(name=f"Org {i}", domains=[{"domain": f"org{i}.test"}, {"domain": f"o{i}.test"}])
    client = as_user(agent)
    # 1. COUNT(*) of organizations for the paginator
    # 2. SELECT the page of organizations
    # 3. SELECT their domains (prefetch)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/organizations/")
    assert response.json()["count"] == rows
