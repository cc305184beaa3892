"""`Idempotency-Key` on ticket and message creation: one write per key, the same answer on retries."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tickets.models import IdempotencyKey, Message, Ticket

pytestmark = pytest.mark.django_db

PAYLOAD = {"subject": "VPN down", "body": "Since 9am"}


def test_the_same_key_twice_creates_one_ticket_and_replays_the_answer(as_user, customer):
    client = as_user(customer)
    first = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    second = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_409(as_user, customer):
    client = as_user(customer)
    client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="abc-2")
    response = client.post(
        "/api/v1/tickets/", {**PAYLOAD, "body": "changed"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-2"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_keys_belong_to_one_user(as_user, customer, colleague):
    as_user(customer).post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = as_user(colleague).post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201 and Ticket.objects.count() == 2


def test_a_refused_request_stores_no_key_so_it_can_be_retried(as_user, customer):
    client = as_user(customer)
    bad = client.post("/api/v1/tickets/", {"subject": ""}, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert bad.status_code == 400 and not IdempotencyKey.objects.exists()
    good = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert good.status_code == 201


def test_without_a_key_every_post_creates(as_user, customer):
    client = as_user(customer)
    client.post("/api/v1/tickets/", PAYLOAD, format="json")
    client.post("/api/v1/tickets/", PAYLOAD, format="json")
    assert Ticket.objects.count() == 2


def test_a_too_long_key_is_a_400(as_user, customer):
    response = as_user(customer).post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]


def test_message_creation_is_idempotent_per_ticket(as_user, agent, acme_ticket):
    client = as_user(agent)
    url = f"/api/v1/tickets/{acme_ticket.pk}/messages/"
    first = client.post(url, {"body": "Hello"}, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    second = client.post(url, {"body": "Hello"}, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert Message.objects.filter(ticket=acme_ticket, body_text="Hello").count() == 1
    reused = client.post(url, {"body": "Bye"}, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


def test_a_multipart_retry_with_the_same_file_replays(as_user, customer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(customer)

    def send(content: bytes):
        return client.post(
            "/api/v1/tickets/",
            {**PAYLOAD, "attachments": [SimpleUploadedFile("a.txt", content, content_type="text/plain")]},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="file-1",
        )

    assert send(b"one").status_code == 201
    assert send(b"one").status_code == 201
    assert send(b"two").status_code == 409
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_ticket(customer):
    """Two requests with the same key at the same moment: one creates, the other replays it."""
    barrier = threading.Barrier(4)
    results: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def post():
        client = APIClient()
        client.force_authenticate(customer)
        try:
            barrier.wait()
            response = client.post("/api/v1/tickets/", PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="race")
            results.append((response.status_code, response.json()))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Ticket.objects.count() == 1
    assert [status for status, _body in results] == [201] * 4
    assert len({body["id"] for _status, body in results}) == 1
