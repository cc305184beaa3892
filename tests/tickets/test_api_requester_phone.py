"""`POST /api/v1/tickets/` with `requester_phone`: a phone system opens a ticket for a caller by number, through
the same find-or-create as every channel (tickets.services.RequesterDetails → contact_get_or_create)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers import services as customer_services
from customers.models import Contact
from helpdesk.models import NotificationLog
from tickets.models import Channel, Ticket
from tickets.notifications import CUSTOMER_TEMPLATES

pytestmark = pytest.mark.django_db

TOO_SHORT = "This phone number is too short: a number needs at least 5 digits."


def _open(client, **requester):
    return client.post(
        "/api/v1/tickets/",
        {"subject": "Called about the router", "body": "It blinks red.", "channel": "phone", **requester},
        format="json",
    )


@pytest.mark.parametrize("number", ["۰۹۱۲ ۱۲۳ ۴۵۶۷", "+98 912 123 4567", "0098-912-123-4567", "09121234567"])
def test_a_phone_system_opens_a_ticket_for_a_known_caller_by_number(token_client, agent, caller, number):
    response = _open(token_client(agent), requester_phone=number)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requester"] == {"id": caller.pk, "name": "Reza Karimi", "email": None}
    assert body["channel"] == Channel.PHONE
    assert Contact.objects.count() == 1  # found, not made again


def test_the_number_finds_a_contact_who_has_an_email_address_too(as_user, agent):
    carla = customer_services.contact_create(email="carla@acme.test", full_name="Carla", phone="+98 21 8888 1234")
    response = _open(as_user(agent), requester_phone="021 8888 1234")
    assert response.status_code == 201, response.content
    assert response.json()["requester"]["id"] == carla.pk


def test_an_unknown_number_makes_a_contact_without_an_address_and_mails_nobody(as_user, agent, caller):
    response = _open(as_user(agent), requester_phone="0935 000 1122", requester_name="Sara Ahmadi")

    assert response.status_code == 201, response.content
    requester = response.json()["requester"]
    contact = Contact.objects.get(pk=requester["id"])
    assert (requester["name"], requester["email"]) == ("Sara Ahmadi", None)
    assert (contact.phone, contact.phone_digits, contact.email) == ("0935 000 1122", "09350001122", None)
    mail = NotificationLog.objects.filter(ticket_id=response.json()["id"], template__in=CUSTOMER_TEMPLATES)
    assert not mail.exists()  # no address: no acknowledgement


def test_a_name_keeps_people_who_share_a_number_apart(as_user, agent, caller):
    same = _open(as_user(agent), requester_phone="+98 912 123 4567", requester_name="reza karimi")
    other = _open(as_user(agent), requester_phone="+98 912 123 4567", requester_name="Ali Karimi")
    assert same.json()["requester"]["id"] == caller.pk
    assert other.status_code == 201 and other.json()["requester"]["id"] != caller.pk
    assert Contact.objects.get(pk=other.json()["requester"]["id"]).phone == "+98 912 123 4567"


def test_with_an_email_address_the_address_finds_the_contact(as_user, agent, caller):
    known = customer_services.contact_create(email="mina@x.test", full_name="Mina")
    by_address = _open(as_user(agent), requester_email="MINA@x.test", requester_phone="0912 123 4567")
    assert by_address.json()["requester"]["id"] == known.pk  # not the caller who has that number

    new = _open(as_user(agent), requester_email="new@x.test", requester_phone="0912 123 4567", requester_name="New")
    assert new.status_code == 201, new.content
    made = Contact.objects.get(pk=new.json()["requester"]["id"])
    assert (made.email, made.phone, made.full_name) == ("new@x.test", "0912 123 4567", "New")


@pytest.mark.parametrize("number", ["1234", "0000-12", "n/a"])
def test_too_short_a_number_is_a_400_on_requester_phone(as_user, agent, number):
    response = _open(as_user(agent), requester_phone=number)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "phone_too_short"
    assert response.json()["errors"] == {"requester_phone": [TOO_SHORT]}
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_the_refusal_reads_in_persian_for_a_client_that_asks_for_it(as_user, agent):
    response = as_user(agent).post(
        "/api/v1/tickets/",
        {"subject": "s", "body": "b", "requester_phone": "12"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.json()["errors"]["requester_phone"] == ["این شماره تلفن کوتاه است: شماره دست‌کم ۵ رقم لازم دارد."]


def test_a_requester_is_needed_and_an_id_goes_alone(as_user, agent, caller):
    missing = as_user(agent).post("/api/v1/tickets/", {"subject": "s", "body": "b"}, format="json")
    assert missing.status_code == 400
    assert "requester_phone" in missing.json()["errors"]["requester"][0]

    both = _open(as_user(agent), requester=caller.pk, requester_phone="0912 123 4567")
    assert both.status_code == 400 and "requester_phone" in both.json()["errors"]
    blank = _open(as_user(agent), requester_phone="")
    assert blank.status_code == 400 and "requester_phone" in blank.json()["errors"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("field,value", [("requester_phone", "0912 123 4567"), ("requester_email", "a@b.test")])
def test_a_customer_token_cannot_name_a_requester_by_phone_as_by_email(token_client, customer, caller, field, value):
    response = token_client(customer).post(
        "/api/v1/tickets/", {"subject": "For someone", "body": "b", field: value}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {field: ["Only agents may set this."]}
    assert not Ticket.objects.exists()


def test_a_multipart_request_takes_the_number_too(as_user, agent, caller):
    response = as_user(agent).post(
        "/api/v1/tickets/", {"subject": "s", "body": "b", "requester_phone": "+98 912 123 4567"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["requester"]["id"] == caller.pk


def test_opening_by_number_runs_as_many_queries_however_many_contacts_there_are(as_user, agent, caller):
    client = as_user(agent)
    _open(client, requester_phone="0912 123 4567")  # warm: the default team, the routing rules' cache

    def queries_to_open() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _open(client, requester_phone="+98 912 123 4567").status_code == 201
        return len(captured.captured_queries)

    few = queries_to_open()
    for i in range(40):
        customer_services.contact_create(full_name=f"Caller {i}", phone=f"0912 123 {i:04d}")
    assert queries_to_open() == few


def test_the_schema_documents_requester_phone_for_json_and_multipart(as_user, agent):
    schema = as_user(agent).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/tickets/"]["post"]
    assert "requester_phone" in operation["description"]
    for media in ("application/json", "multipart/form-data"):
        component = operation["requestBody"]["content"][media]["schema"]["$ref"].rsplit("/", 1)[-1]
        field = schema["components"]["schemas"][component]["properties"]["requester_phone"]
        assert field["type"] == "string" and field["maxLength"] == 40
        assert "Persian digits" in field["description"] and "5 digits" in field["description"]
