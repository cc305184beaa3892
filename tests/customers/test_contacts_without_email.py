"""A contact known by phone only: an email address or a phone number, at least one, on every channel
(service, admin, API); the address stays unique in any letter case when there is one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers import accounts, services
from customers.models import Contact
from helpdesk.models import NotificationLog

pytestmark = pytest.mark.django_db

NEITHER = "Give an email address or a phone number."


def test_a_contact_may_have_a_phone_number_and_no_email_address():
    contact = services.contact_create(full_name="Reza Karimi", phone="0912 123 4567")

    contact.refresh_from_db()
    assert contact.email is None  # NULL, never "": the unique index holds any number of them
    assert contact.phone_digits == "09121234567"
    assert str(contact) == "Reza Karimi"


def test_an_empty_address_is_stored_as_none():
    contact = services.contact_create(email="  ", phone="021 555 0101")
    assert Contact.objects.filter(pk=contact.pk, email__isnull=True).exists()


def test_a_contact_with_neither_email_nor_phone_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        services.contact_create(full_name="Nobody")
    assert refused.value.message_dict == {"email": [NEITHER]}
    with pytest.raises(ValidationError):
        services.contact_create(full_name="Nobody", phone="n/a")  # a phone needs digits
    assert not Contact.objects.exists()


def test_removing_the_only_way_to_reach_a_contact_is_refused():
    contact = services.contact_create(email="only@mail.test")
    with pytest.raises(ValidationError) as refused:
        services.contact_update(contact=contact, data={"email": ""})
    assert refused.value.message_dict == {"email": [NEITHER]}
    services.contact_update(contact=contact, data={"email": "", "phone": "+98 21 555 0101"})
    contact.refresh_from_db()
    assert (contact.email, contact.phone_digits) == (None, "98215550101")


def test_two_contacts_without_email_coexist():
    first = services.contact_create(full_name="Reza", phone="0912 000 0001")
    second = services.contact_create(full_name="Sara", phone="0912 000 0002")
    same_phone = services.contact_create(full_name="Sara's brother", phone="0912 000 0002")
    assert Contact.objects.filter(email__isnull=True).count() == 3
    assert len({first.pk, second.pk, same_phone.pk}) == 3


def test_the_email_stays_unique_in_any_letter_case():
    services.contact_create(email="Case@Example.test")
    with pytest.raises(ValidationError) as refused:
        services.contact_create(email="CASE@example.TEST", phone="0912 000 0003")
    assert "email" in refused.value.message_dict
    assert Contact.objects.with_email("case@EXAMPLE.test").get().email == "case@example.test"


def test_a_lookup_by_address_never_finds_a_contact_without_one():
    services.contact_create(full_name="Phone only", phone="0912 000 0004")
    assert not Contact.objects.with_email("").exists()
    assert not Contact.objects.with_email(None).exists()


def test_the_lookup_by_address_reads_the_lower_email_index():
    with CaptureQueriesContext(connection) as queries:
        list(Contact.objects.with_email("Someone@Mail.test"))
    sql = queries.captured_queries[0]["sql"]
    assert 'LOWER("customers_contact"."email") =' in sql and "UPPER(" not in sql


def test_find_or_create_by_phone_reuses_the_same_caller_and_keeps_others_apart():
    first, created = services.contact_get_or_create(email="", full_name="Reza Karimi", phone="0912 123 4567")
    again, created_again = services.contact_get_or_create(email=None, full_name="reza karimi", phone="09121234567")
    other, created_other = services.contact_get_or_create(email="", full_name="Sara Karimi", phone="0912 123 4567")
    assert created and not created_again and again == first
    assert created_other and other != first
    with pytest.raises(ValidationError):
        services.contact_get_or_create(email="", full_name="No number")


def test_a_contact_is_named_by_name_else_email_else_phone_else_number():
    assert str(Contact(full_name="", email=None, phone="0912 1")) == "0912 1"
    assert str(Contact(full_name="", email="a@b.test", phone="0912 1")) == "a@b.test"
    assert str(Contact(pk=7, full_name="", email=None, phone="")) == "#7"


# --- admin ------------------------------------------------------------------------------------


def test_the_admin_creates_a_contact_with_a_phone_only(admin_client):
    data = {"full_name": "Caller", "email": "", "phone": "0912 765 4321", "language": "", "time_zone": "", "notes": ""}
    response = admin_client.post("/admin/customers/contact/add/", data)
    assert response.status_code == 302, response.content.decode()
    assert Contact.objects.get(full_name="Caller").email is None
    second = admin_client.post("/admin/customers/contact/add/", data | {"full_name": "Second caller"})
    assert second.status_code == 302
    assert admin_client.get("/admin/customers/contact/").status_code == 200


def test_the_admin_refuses_a_contact_with_neither(admin_client):
    data = {"full_name": "Nobody", "email": "", "phone": "", "language": "", "time_zone": "", "notes": ""}
    response = admin_client.post("/admin/customers/contact/add/", data)
    assert response.status_code == 200
    assert NEITHER in response.content.decode()
    assert not Contact.objects.filter(full_name="Nobody").exists()


# --- API --------------------------------------------------------------------------------------


def test_the_api_creates_a_phone_only_contact_and_shows_its_email_as_null(world, as_user, agent):
    api = as_user(agent)
    response = api.post("/api/v1/contacts/", {"email": None, "full_name": "Caller", "phone": "0912 1"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["email"] is None
    detail = api.get(f"/api/v1/contacts/{response.json()['id']}/").json()
    listed = [row for row in api.get("/api/v1/contacts/", {"q": "Caller"}).json()["results"]]
    assert detail["email"] is None and [row["email"] for row in listed] == [None]
    blank = api.post("/api/v1/contacts/", {"email": "", "phone": "0912 2"}, format="json")
    assert blank.status_code == 201 and blank.json()["email"] is None


def test_the_api_refuses_a_contact_with_neither(world, as_user, agent):
    response = as_user(agent).post("/api/v1/contacts/", {"email": None, "full_name": "Nobody"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["email"] == [NEITHER]


def test_the_api_email_filter_finds_any_letter_case(world, as_user, agent, other_customer):
    found = as_user(agent).get("/api/v1/contacts/", {"email": other_customer.email.upper()}).json()["results"]
    assert [row["id"] for row in found] == [other_customer.contact.pk]


def test_the_schema_says_the_contact_email_may_be_null(world, as_user, agent):
    schema = as_user(agent).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    output = schema["components"]["schemas"]["ContactOutput"]["properties"]["email"]
    assert output.get("nullable") is True


# --- portal invitation ------------------------------------------------------------------------


def test_a_contact_without_email_cannot_be_invited_to_the_portal(agent):
    contact = services.contact_create(full_name="Caller", phone="0912 765 4321")
    with pytest.raises(ValidationError) as refused:
        accounts.contact_invite(contact=contact, invited_by=agent)
    assert "no email address" in refused.value.message_dict["contact"][0]
    assert not NotificationLog.objects.exists()
