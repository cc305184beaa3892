"""A number several contacts share (a household, an office) names nobody by itself: every channel that finds a
requester by phone (customers.selectors.contact_with_number, through contact_get_or_create) refuses it and
names the contacts, so the ticket never lands on whichever of them is newest; a name that picks one of them
still finds that one. Making a second contact on a number someone already has stays allowed."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from customers import services as customer_services
from customers.models import Contact
from tickets import calls, services
from tickets.models import ImportRecord, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(db) -> Contact:
    acme = customer_services.organization_create(name="Acme Builders")
    return customer_services.contact_create(full_name="Bob Builder", phone="+1 555 0101", organization=acme)


def _open(client, **requester):
    return client.post(
        "/api/v1/tickets/", {"subject": "Called", "body": "About the order.", **requester}, format="json"
    )


def _shared(ids) -> str:
    return (
        f"Several contacts have this phone number (ids {', '.join(str(pk) for pk in ids)}): "
        "give the contact's id (`requester`) instead."
    )


def test_a_second_contact_on_a_number_is_allowed_and_then_the_number_alone_is_refused(as_user, agent, bob):
    client = as_user(agent)
    alice = _open(client, requester_phone="+1 555 0101", requester_name="Alice Builder")
    assert alice.status_code == 201, alice.content
    alice_id = alice.json()["requester"]["id"]
    assert alice_id != bob.pk and Contact.objects.get(pk=alice_id).phone == "+1 555 0101"

    response = _open(client, requester_phone="+1-555-0101")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "phone_shared"
    assert response.json()["errors"] == {"requester_phone": [_shared([bob.pk, alice_id])]}
    assert response.json()["detail"] == _shared([bob.pk, alice_id])
    assert Ticket.objects.count() == 1 and Contact.objects.count() == 2  # nothing opened, nobody made


def test_a_name_picks_its_contact_among_those_sharing_the_number(as_user, agent, bob):
    alice = customer_services.contact_create(full_name="Alice Builder", phone="1 555 0101")
    client = as_user(agent)

    for_bob = _open(client, requester_phone="+1-555-0101", requester_name="bob builder")
    for_alice = _open(client, requester_phone="15550101", requester_name="Alice Builder")

    assert for_bob.status_code == 201, for_bob.content
    ticket = Ticket.objects.get(pk=for_bob.json()["id"])
    assert ticket.requester == bob and ticket.organization == bob.organization  # Bob's, not the newest's
    assert for_alice.json()["requester"]["id"] == alice.pk
    assert Contact.objects.count() == 2


def test_the_contact_id_opens_the_ticket_whoever_shares_the_number(as_user, agent, bob):
    customer_services.contact_create(full_name="Alice Builder", phone="+1 555 0101")
    response = _open(as_user(agent), requester=bob.pk)
    assert response.status_code == 201 and response.json()["requester"]["id"] == bob.pk


def test_one_contact_with_the_number_is_found_by_the_number_alone(as_user, agent, bob):
    response = _open(as_user(agent), requester_phone="+1 (555) 0101")
    assert response.status_code == 201 and response.json()["requester"]["id"] == bob.pk


def test_two_contacts_of_the_same_name_on_one_number_are_refused_even_with_the_name(as_user, agent, bob):
    twin = customer_services.contact_create(full_name="Bob Builder", phone="+1 555 0101")
    response = _open(as_user(agent), requester_phone="+1 555 0101", requester_name="Bob Builder")
    assert response.status_code == 400
    assert response.json()["errors"] == {"requester_phone": [_shared([bob.pk, twin.pk])]}


def test_the_refusal_reads_in_persian_with_persian_digits(as_user, agent, bob):
    alice = customer_services.contact_create(full_name="Alice Builder", phone="+1 555 0101")
    response = as_user(agent).post(
        "/api/v1/tickets/",
        {"subject": "s", "body": "b", "requester_phone": "+1 555 0101"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    message = response.json()["errors"]["requester_phone"][0]
    assert message.startswith("چند مخاطب") and "requester" in message
    persian = "۰۱۲۳۴۵۶۷۸۹"
    for pk in (bob.pk, alice.pk):
        assert "".join(persian[int(d)] for d in str(pk)) in message


def test_a_call_logged_for_a_shared_number_alone_is_refused(agent, bob):
    customer_services.contact_create(full_name="Alice Builder", phone="+1 555 0101")
    with pytest.raises(ValidationError) as refused:
        calls.call_log(
            actor=agent,
            contact=services.RequesterDetails(email="", phone="+1 555 0101"),
            direction=calls.Direction.INBOUND,
            duration_minutes=5,
            notes="Asked about the order.",
        )
    assert refused.value.message_dict["phone"][0].startswith("Several contacts have this phone number")
    assert not Ticket.objects.exists()


def _run_csv(folder: Path, text: str) -> str:
    path = folder / "calls.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_tickets", "csv", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def _imported(source_id: str) -> Ticket:
    record = ImportRecord.objects.get(source__startswith="csv:", kind="ticket", source_id=source_id)
    return Ticket.objects.get(pk=record.object_id)


def test_the_csv_import_refuses_a_row_whose_number_is_shared_and_imports_the_rest(tmp_path, bob):
    alice = customer_services.contact_create(full_name="Alice Builder", phone="+1 555 0101")
    report = _run_csv(
        tmp_path,
        "ticket_id,subject,requester_phone,requester_name,message_date,author_role,internal,body\n"
        "S1,Which of them,+1-555-0101,,2024-03-01T09:00:00Z,customer,no,Hello.\n"
        "S2,Bob by name,+1-555-0101,Bob Builder,2024-03-01T09:00:00Z,customer,no,Hello.\n"
        "S3,Someone else,+1 555 0199,Carol,2024-03-01T09:00:00Z,customer,no,Hello.\n",
    )

    assert f"ticket S1: Its requester cannot be imported: {_shared([bob.pk, alice.pk])}" in report
    assert not ImportRecord.objects.filter(kind="ticket", source_id="S1").exists()
    assert _imported("S2").requester == bob and _imported("S2").organization == bob.organization
    assert _imported("S3").requester.full_name == "Carol"
    assert "ticket: 2 imported, 0 already there, 1 skipped" in report


def test_the_log_a_call_page_lists_everyone_on_the_number_and_refuses_it_unchosen(agent_client, bob):
    alice = customer_services.contact_create(full_name="Alice Builder", phone="+1 555 0101")
    page = agent_client.get(reverse("agent:call-new"), {"caller": "+1 555 0101"}).content.decode()
    assert "Bob Builder" in page and "Alice Builder" in page  # the agent chooses among the matches

    data = {
        "phone": "+1 555 0101",
        "direction": "inbound",
        "duration": "5",
        "notes": "n",
        "subject": "Order",
        "priority": "normal",
    }
    response = agent_client.post(reverse("agent:call-new"), data)
    assert response.status_code == 400
    assert _shared([bob.pk, alice.pk]).replace("'", "&#x27;") in response.content.decode()
    assert not Ticket.objects.exists()

    chosen = agent_client.post(reverse("agent:call-new"), {**data, "contact": alice.pk})
    assert chosen.status_code == 302 and Ticket.objects.get().requester == alice
