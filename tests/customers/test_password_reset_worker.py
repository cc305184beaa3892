"""The password-reset mail is sent by a real worker, never in the request."""

import pytest
from django.test import Client

from tests.conftest import start_worker, stop_worker, wait_for


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_the_reset_link_to_a_known_address_and_nothing_to_an_unknown_one(
    customer, smtp_server, tmp_path
):
    for email in ("nobody@acme.test", customer.email):
        response = Client().post("/account/password-reset/", {"email": email})
        assert response["Location"] == "/account/password-reset/done/"
    assert not smtp_server.messages  # nothing was sent in the requests
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}")
    try:
        assert wait_for(lambda: smtp_server.messages, timeout=60)
    finally:
        stop_worker(worker)
    [(envelope, mail)] = smtp_server.messages
    assert envelope.rcpt_tos == [customer.email]
    assert "/account/password-reset/" in mail.get_body(("plain",)).get_content()
