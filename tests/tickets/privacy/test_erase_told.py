"""An erasure asked for by mail, phone or letter: the administrator ticks "tell them" and the customer is
mailed that it is done, as after a request made on the portal, before their address is erased. The
request is recorded as asked on their behalf; someone with no address cannot be told (400, nothing
erased); a portal request is told once, whatever is ticked."""

import pytest
from django.core import mail as django_mail

from customers import services as customer_services
from customers.models import ErasureRequest
from helpdesk.models import NotificationLog
from tests.conftest import send_outbox_mail

from .conftest import EMAIL, NAME, contact_fresh

pytestmark = pytest.mark.django_db


def _erase_url(contact) -> str:
    return f"/agent/contacts/{contact.pk}/erase/"


def test_an_administrator_tells_someone_who_asked_by_mail(world, client):
    client.force_login(world["admin"])
    page = client.get(_erase_url(world["zelda"])).content.decode()
    assert 'name="tell"' in page and "They asked for it by mail, phone or letter" in page
    response = client.post(_erase_url(world["zelda"]), {"confirm": EMAIL, "tell": "on"})
    assert response.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.state, request.requested_by, request.decided_by) == ("done", world["admin"], world["admin"])
    assert contact_fresh(world["zelda"]).erased_at is not None
    row = NotificationLog.objects.get(template="erasure_done")
    assert row.recipient == EMAIL and row.context["requested_at"] == ""  # the day they asked is not known
    assert send_outbox_mail(template_prefix="erasure_") == 1
    (sent,) = django_mail.outbox
    assert sent.to == [EMAIL] and sent.subject == "Your personal data has been erased"
    body = sent.body
    assert "As you asked, we have erased your personal data" in body and "As you asked on" not in body
    assert NAME not in body
    contact_page = client.get(f"/agent/contacts/{world['zelda'].pk}/").content.decode()
    assert "Asked by mail, phone or letter; carried out on" in contact_page


def test_without_the_tick_nobody_is_mailed(world, client):
    client.force_login(world["admin"])
    assert client.post(_erase_url(world["zelda"]), {"confirm": EMAIL}).status_code == 302
    assert not ErasureRequest.objects.exists()
    assert not NotificationLog.objects.filter(template="erasure_done").exists()


def test_the_mail_is_in_the_customers_language(world, client):
    user = world["zelda"].user
    user.language = "fa"
    user.save(update_fields=["language"])
    client.force_login(world["admin"])
    client.post(_erase_url(world["zelda"]), {"confirm": EMAIL, "tell": "on"})
    send_outbox_mail(template_prefix="erasure_")
    (sent,) = django_mail.outbox
    assert "پاک" in sent.subject and "همان‌گونه که درخواست کردید" in sent.body


def test_a_portal_request_is_told_once_and_the_page_does_not_offer_the_tick(world, client):
    client.force_login(world["zelda"].user)
    client.post("/portal/privacy/erasure/", {"confirm": EMAIL})
    client.force_login(world["admin"])
    page = client.get(_erase_url(world["zelda"])).content.decode()
    assert 'name="tell"' not in page and "They asked on the portal" in page
    client.post(_erase_url(world["zelda"]), {"confirm": EMAIL, "tell": "on"})
    request = ErasureRequest.objects.get()
    assert request.state == "done" and request.requested_by == world["zelda"].user
    assert NotificationLog.objects.filter(template="erasure_done").count() == 1
    assert NotificationLog.objects.get(template="erasure_done").context["requested_at"] != ""


def test_the_api_tells_and_someone_without_an_address_cannot_be_told(world, as_user):
    api = as_user(world["admin"])
    response = api.post(f"/api/v1/contacts/{world['zelda'].pk}/erase/", {"confirm": EMAIL, "tell": True}, format="json")
    assert response.status_code == 200
    assert NotificationLog.objects.filter(template="erasure_done", recipient=EMAIL).count() == 1

    caller = customer_services.contact_create(full_name="Phone Only", phone="+98 21 5555 0101")
    response = api.post(
        f"/api/v1/contacts/{caller.pk}/erase/", {"confirm": "+98 21 5555 0101", "tell": True}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"]["tell"] == [
        "This contact has no email address to tell."
    ]
    assert contact_fresh(caller).erased_at is None  # nothing erased
    assert not ErasureRequest.objects.filter(contact=caller).exists()


def test_an_agent_cannot_erase_or_tell(world, client, as_user):
    client.force_login(world["agent"])
    assert client.post(_erase_url(world["zelda"]), {"confirm": EMAIL, "tell": "on"}).status_code == 403
    response = as_user(world["agent"]).post(
        f"/api/v1/contacts/{world['zelda'].pk}/erase/", {"confirm": EMAIL, "tell": True}, format="json"
    )
    assert response.status_code == 403
    assert contact_fresh(world["zelda"]).erased_at is None
    assert not NotificationLog.objects.filter(template="erasure_done").exists()
