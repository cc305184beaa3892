"""A reply may be a file alone (a phone user sends a photo): the portal's reply and follow-up forms, the
agent composer and the API follow the one rule: text or at least one file, never neither."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from customers.models import Contact
from tests.conftest import api_as
from tests.factories import make_ticket
from tickets import services
from tickets.models import Message, Status, Ticket, TicketLink

pytestmark = pytest.mark.django_db

EMPTY = "Write a message or attach a file."


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"jpg-bytes", content_type="image/jpeg")


@pytest.fixture
def request_of_customer(customer, agent):
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, subject="Printer jam")
    services.ticket_reply(ticket=ticket, actor=agent, body="Send us a photo")
    return ticket


def test_a_portal_reply_with_only_a_file_is_added(client, customer, request_of_customer):
    client.force_login(customer)
    response = client.post(f"/portal/requests/{request_of_customer.pk}/reply/", {"body": "", "attachments": [_photo()]})
    assert response.status_code == 302
    message = Message.objects.filter(ticket=request_of_customer).latest("id")
    assert message.author_contact.user == customer and not message.internal
    assert message.body_text.strip() == ""
    assert message.attachments.get().original_name == "photo.jpg"


def test_a_portal_reply_of_spaces_and_no_file_is_refused_with_a_clear_message(client, customer, request_of_customer):
    client.force_login(customer)
    before = Message.objects.count()
    response = client.post(f"/portal/requests/{request_of_customer.pk}/reply/", {"body": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert EMPTY in page and "This field is required." not in page
    assert Message.objects.count() == before


def test_a_follow_up_with_only_a_file_opens_the_linked_request(client, customer, agent, request_of_customer, settings):
    settings.HELPDESK_REOPEN_DAYS = 3
    services.ticket_change_status(
        ticket=request_of_customer, actor=agent, status=Status.SOLVED, now=timezone.now() - timedelta(days=4)
    )
    client.force_login(customer)
    response = client.post(
        f"/portal/requests/{request_of_customer.pk}/follow-up/", {"body": "", "attachments": [_photo()]}
    )
    follow_up = Ticket.objects.exclude(pk=request_of_customer.pk).get()
    assert response["Location"] == f"/portal/requests/{follow_up.pk}/"
    assert TicketLink.objects.filter(from_ticket=follow_up, to_ticket=request_of_customer).exists()


def test_an_empty_follow_up_is_refused_with_a_clear_message(client, customer, agent, request_of_customer, settings):
    settings.HELPDESK_REOPEN_DAYS = 3
    services.ticket_change_status(
        ticket=request_of_customer, actor=agent, status=Status.SOLVED, now=timezone.now() - timedelta(days=4)
    )
    client.force_login(customer)
    response = client.post(f"/portal/requests/{request_of_customer.pk}/follow-up/", {"body": ""})
    assert response.status_code == 400
    assert EMPTY in response.content.decode()
    assert Ticket.objects.count() == 1


def test_the_api_takes_a_customer_reply_with_only_a_file_and_refuses_neither(customer, request_of_customer):
    api = api_as(customer)
    url = f"/api/v1/tickets/{request_of_customer.pk}/messages/"
    refused = api.post(url, {"body": ""}, format="multipart")
    assert refused.status_code == 400
    assert EMPTY in str(refused.json())
    added = api.post(url, {"body": "", "attachments": [_photo()]}, format="multipart")
    assert added.status_code == 201, added.content


def test_another_customer_cannot_reply_with_a_file_to_someone_elses_request(
    client, other_customer, request_of_customer
):
    client.force_login(other_customer)
    before = Message.objects.count()
    response = client.post(f"/portal/requests/{request_of_customer.pk}/reply/", {"body": "", "attachments": [_photo()]})
    assert response.status_code == 404
    assert Message.objects.count() == before
