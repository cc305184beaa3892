"""A customer's own privacy on the portal (`/portal/privacy/`): downloading their data (the agents' export,
for their own contact only, limited per login) and asking for its erasure, which an administrator
carries out (the one erasure, `contact_erase`) or declines with a reason; each step mailed to them in
their language. Every boundary is tried: another customer, an agent, anonymous visitors."""

import io
import json
import zipfile

import pytest
from django.core import mail as django_mail

from customers import services as customer_services
from customers.models import ErasureRequest, PrivacyAction
from helpdesk.exceptions import NotAllowed
from helpdesk.models import NotificationLog
from tests.conftest import send_outbox_mail
from tickets.privacy.export import EXPORTS_PER_HOUR

from .conftest import EMAIL, NAME, OTHER_EMAIL, contact_fresh

pytestmark = pytest.mark.django_db

PAGE, EXPORT, ERASURE = "/portal/privacy/", "/portal/privacy/export/", "/portal/privacy/erasure/"


def _zip_json(response, name: str):
    if not hasattr(response, "zip_bytes"):  # the stream is read once
        response.zip_bytes = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(response.zip_bytes)) as archive:
        return json.loads(archive.read(name))


def _ask(client, world, confirm: str = EMAIL):
    client.force_login(world["zelda"].user)
    return client.post(ERASURE, {"confirm": confirm})


def _decline_url(contact_id: int, request_id: int) -> str:
    return f"/agent/contacts/{contact_id}/erasure-requests/{request_id}/decline/"


# --- download my data ----------------------------------------------------------------------------


def test_a_customer_downloads_their_own_data_and_the_record_names_them(world, client):
    zelda = world["zelda"]
    client.force_login(zelda.user)
    response = client.post(EXPORT)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert _zip_json(response, "contact.json")["email"] == EMAIL
    tickets = _zip_json(response, "tickets.json")
    assert [t["id"] for t in tickets if t["role"] == "requester"] == [world["mine"].pk]
    messages = _zip_json(response, "messages.json")
    assert not any("sounded upset" in m["body_text"] for m in messages)  # the internal note stays out
    action = PrivacyAction.objects.get()
    assert (action.kind, action.actor, action.contact_ref) == ("export", zelda.user, zelda.pk)


def test_the_download_is_a_post_and_anonymous_visitors_sign_in_first(world, client):
    for url in (PAGE, EXPORT, ERASURE):
        response = client.post(url) if url != PAGE else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(world["zelda"].user)
    assert client.get(EXPORT).status_code == 405
    assert not PrivacyAction.objects.exists()


def test_another_customer_downloads_only_their_own_data(world, client, customer):
    client.force_login(customer)
    response = client.post(EXPORT)
    assert response.status_code == 200
    assert _zip_json(response, "contact.json")["email"] == customer.email
    assert PrivacyAction.objects.get().contact_ref == customer.contact.pk
    # nor through the API with Zelda's id, nor may the service be called for her
    assert client.get(f"/api/v1/contacts/{world['zelda'].pk}/export/").status_code == 404
    from tickets.privacy.export import contact_export

    with pytest.raises(NotAllowed):
        contact_export(contact=world["zelda"], actor=customer)


def test_downloads_are_limited_per_login(world, client, as_user):
    client.force_login(world["zelda"].user)
    for _ in range(EXPORTS_PER_HOUR):
        assert client.post(EXPORT).status_code == 200
    refused = client.post(EXPORT)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Please try again in" in refused.content.decode()
    api = as_user(world["zelda"].user).get(f"/api/v1/contacts/{world['zelda'].pk}/export/")
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    assert PrivacyAction.objects.count() == EXPORTS_PER_HOUR
    # administrators are not limited, and do not use up the customer's downloads
    admin = as_user(world["admin"]).get(f"/api/v1/contacts/{world['zelda'].pk}/export/")
    assert admin.status_code == 200


def test_agents_opening_the_portal_page_go_to_their_workspace(world, client):
    client.force_login(world["agent"])
    assert client.get(PAGE).status_code == 302
    assert client.post(EXPORT).status_code == 302
    assert not PrivacyAction.objects.exists()


# --- ask to erase ------------------------------------------------------------------------------


def test_the_page_offers_both_with_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world["zelda"].user)
    # session, user, contact (+ organization), the latest erasure request
    with django_assert_max_num_queries(5):
        response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200 and EXPORT in html and ERASURE in html
    _ask(client, world)
    with django_assert_max_num_queries(5):
        assert "is pending" in client.get(PAGE).content.decode()


def test_a_wrong_address_asks_for_nothing(world, client):
    response = _ask(client, world, confirm=OTHER_EMAIL)
    assert response.status_code == 400
    assert "Type your email address exactly to confirm." in response.content.decode()
    assert not ErasureRequest.objects.exists() and not NotificationLog.objects.filter(template="erasure_received")


def test_asking_records_a_pending_request_erases_nothing_and_mails_the_customer(world, client):
    response = _ask(client, world, confirm=f" {EMAIL.upper()} ")
    assert response.status_code == 302 and response["Location"] == PAGE
    request = ErasureRequest.objects.get()
    assert (
        request.state == "pending" and request.contact == world["zelda"] and request.requested_by == world["zelda"].user
    )
    assert contact_fresh(world["zelda"]).full_name == NAME and contact_fresh(world["zelda"]).erased_at is None
    html = client.get(PAGE).content.decode()
    assert "Your request is pending" in html and 'name="confirm"' not in html
    again = client.post(ERASURE, {"confirm": EMAIL})
    assert again.status_code == 400 and "already asked" in again.content.decode()
    assert ErasureRequest.objects.count() == 1
    assert send_outbox_mail(template_prefix="erasure_") == 1
    (sent,) = django_mail.outbox
    assert sent.to == [EMAIL] and sent.subject == "We received your request to erase your data"
    assert "Nothing has been erased yet" in sent.body and "/portal/privacy/" in sent.body


def test_the_mail_is_in_persian_with_a_jalali_date_for_a_persian_customer(world, client):
    zelda = world["zelda"]
    zelda.user.language = "fa"
    zelda.user.save(update_fields=["language"])
    _ask(client, world)
    send_outbox_mail(template_prefix="erasure_")
    (sent,) = django_mail.outbox
    assert sent.extra_headers["Content-Language"] == "fa" and sent.body.startswith("\u200f")
    request = ErasureRequest.objects.get()
    from helpdesk import dates

    assert dates.format_date(request.created_at, "fa") in sent.body  # Jalali, Persian digits
    assert "۱۴" in sent.body  # a Jalali year: 14xx


def test_only_the_customer_themself_may_ask(world, customer, admin_user):
    for actor in (customer, world["agent"], admin_user):  # another customer, an agent, an administrator
        with pytest.raises(NotAllowed):
            customer_services.erasure_request_create(contact=world["zelda"], actor=actor, confirm=EMAIL)
    assert not ErasureRequest.objects.exists()


def test_another_customer_sees_nothing_of_the_request(world, client, customer):
    _ask(client, world)
    client.force_login(customer)
    html = client.get(PAGE).content.decode()
    assert "is pending" not in html and 'name="confirm"' in html
    request = ErasureRequest.objects.get()
    # the workspace's decline is not part of a customer's world, with her own id or Zelda's
    for contact_id in (world["zelda"].pk, customer.contact.pk):
        assert client.post(_decline_url(contact_id, request.pk), {"reason": "no"}).status_code == 404
    assert ErasureRequest.objects.get().state == "pending"


# --- agents and administrators ------------------------------------------------------------------


def test_agents_see_the_pending_request_but_only_administrators_decide(world, client):
    _ask(client, world)
    request = ErasureRequest.objects.get()
    contact_url = f"/agent/contacts/{world['zelda'].pk}/"
    client.force_login(world["agent"])
    html = client.get(contact_url).content.decode()
    assert "Erasure request" in html and "Pending" in html
    assert _decline_url(world["zelda"].pk, request.pk) not in html
    assert client.post(_decline_url(world["zelda"].pk, request.pk), {"reason": "no"}).status_code == 403
    client.force_login(world["admin"])
    html = client.get(contact_url).content.decode()
    assert _decline_url(world["zelda"].pk, request.pk) in html and f"{contact_url}erase/" in html
    client.logout()
    response = client.post(_decline_url(world["zelda"].pk, request.pk), {"reason": "no"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert ErasureRequest.objects.get().state == "pending"


def test_the_contact_page_keeps_its_queries_with_a_request(world, client, django_assert_max_num_queries):
    _ask(client, world)
    client.force_login(world["admin"])
    # as before (session, user, contact, ticket rows, layout, privacy actions) + the erasure request
    with django_assert_max_num_queries(14):
        assert client.get(f"/agent/contacts/{world['zelda'].pk}/").status_code == 200


def test_the_admin_lists_the_requests(world, client):
    _ask(client, world)
    client.force_login(world["admin"])
    response = client.get("/admin/customers/erasurerequest/?state__exact=pending")
    assert response.status_code == 200 and f"/agent/contacts/{world['zelda'].pk}/#erasure-request" in (
        response.content.decode()
    )
    client.force_login(world["agent"])
    assert client.get("/admin/customers/erasurerequest/").status_code in (302, 403, 404)


def test_an_administrator_declines_with_a_reason_the_customer_is_mailed(world, client):
    _ask(client, world)
    send_outbox_mail(template_prefix="erasure_")
    request = ErasureRequest.objects.get()
    client.force_login(world["admin"])
    url = _decline_url(world["zelda"].pk, request.pk)
    client.post(url, {"reason": "  "})
    assert ErasureRequest.objects.get().state == "pending"  # a reason is required
    reason = "Your open invoice 2026-114 must be kept for seven years."
    assert client.post(url, {"reason": reason}).status_code == 302
    declined = ErasureRequest.objects.get()
    assert (declined.state, declined.decided_by, declined.reason) == ("declined", world["admin"], reason)
    assert client.post(url, {"reason": "twice"}, follow=True).content.decode().count("decided already") == 1
    assert ErasureRequest.objects.get().reason == reason
    assert send_outbox_mail(template_prefix="erasure_") == 1
    sent = django_mail.outbox[-1]
    assert sent.to == [EMAIL] and "declined" in sent.subject and reason in sent.body
    assert contact_fresh(world["zelda"]).full_name == NAME  # nothing erased
    client.force_login(world["zelda"].user)
    html = client.get(PAGE).content.decode()
    assert "was declined" in html and "seven years" in html and 'name="confirm"' in html  # may ask again


def test_a_request_of_another_contact_is_not_found_by_its_id(world, client, customer):
    _ask(client, world)
    request = ErasureRequest.objects.get()
    client.force_login(world["admin"])
    response = client.post(_decline_url(customer.contact.pk, request.pk), {"reason": "wrong contact"})
    assert response.status_code == 404
    assert ErasureRequest.objects.get().state == "pending"


def test_carrying_it_out_is_the_erasure_and_the_customer_hears_it_is_done(world, client):
    _ask(client, world)
    client.force_login(world["admin"])
    response = client.post(f"/agent/contacts/{world['zelda'].pk}/erase/", {"confirm": EMAIL})
    assert response.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.state, request.decided_by) == ("done", world["admin"]) and request.decided_at is not None
    zelda = contact_fresh(world["zelda"])
    assert zelda.erased_at is not None and zelda.full_name == "" and not zelda.user.is_active
    assert PrivacyAction.objects.get().kind == "erase"
    # the "received" mail not sent yet was dropped with the rest of her mail; the "done" mail goes out
    assert NotificationLog.objects.get(template="erasure_received").dropped
    assert send_outbox_mail(template_prefix="erasure_") == 1
    (sent,) = django_mail.outbox
    assert sent.to == [EMAIL] and sent.subject == "Your personal data has been erased"
    assert NAME not in sent.body and NAME not in json.dumps(
        NotificationLog.objects.get(template="erasure_done").context
    )
    html = client.get(f"/agent/contacts/{world['zelda'].pk}/").content.decode()
    assert "carried out on" in html


def test_the_api_erasure_closes_the_request_too(world, client, as_user):
    _ask(client, world)
    response = as_user(world["admin"]).post(
        f"/api/v1/contacts/{world['zelda'].pk}/erase/", {"confirm": EMAIL}, format="json"
    )
    assert response.status_code == 200
    assert ErasureRequest.objects.get().state == "done"
    assert NotificationLog.objects.filter(template="erasure_done", recipient=EMAIL).count() == 1


# --- the profile -----------------------------------------------------------------------------------


def test_the_profile_leads_customers_to_their_data_and_not_agents(world, client):
    client.force_login(world["zelda"].user)
    assert PAGE in client.get("/profile/").content.decode()
    client.force_login(world["agent"])
    assert PAGE not in client.get("/profile/").content.decode()


# --- a real worker ---------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_the_request_and_its_outcome_in_persian(customer, admin_user, smtp_server, tmp_path):
    from django.test import Client

    from tests.conftest import start_worker, stop_worker, wait_for

    address = customer.email
    customer.language = "fa"
    customer.save(update_fields=["language"])
    portal = Client()
    portal.force_login(customer)
    assert portal.post(ERASURE, {"confirm": address})["Location"] == PAGE
    assert not smtp_server.messages  # nothing is sent in the request
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}")
    try:
        assert wait_for(lambda: len(smtp_server.messages) == 1, timeout=60)
        staff = Client()
        staff.force_login(admin_user)
        contact_id = customer.contact.pk
        assert staff.post(f"/agent/contacts/{contact_id}/erase/", {"confirm": address}).status_code == 302
        assert wait_for(lambda: len(smtp_server.messages) == 2, timeout=60)
    finally:
        stop_worker(worker)
    (first_envelope, received), (done_envelope, done) = smtp_server.messages
    assert first_envelope.rcpt_tos == [address] and done_envelope.rcpt_tos == [address]
    assert received["Content-Language"] == "fa" and "پاک" in received["Subject"]
    assert done["Content-Language"] == "fa" and "۱۴" in done.get_body(("plain",)).get_content()
    assert ErasureRequest.objects.get().state == "done"


# --- the API ------------------------------------------------------------------------------------


def _api_url(contact_id: int) -> str:
    return f"/api/v1/contacts/{contact_id}/erasure-requests/"


def test_a_customer_asks_through_the_api_for_themself_only(world, as_user, customer, django_assert_max_num_queries):
    zelda = world["zelda"]
    api = as_user(zelda.user)
    wrong = api.post(_api_url(zelda.pk), {"confirm": OTHER_EMAIL}, format="json")
    assert wrong.status_code == 400 and "confirm" in wrong.json()["errors"]
    made = api.post(_api_url(zelda.pk), {"confirm": EMAIL}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["state"] == "pending" and made.json()["contact"] == zelda.pk
    again = api.post(_api_url(zelda.pk), {"confirm": EMAIL}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "erasure_pending"
    # token auth: the contact, the page of requests (and its count)
    with django_assert_max_num_queries(6):
        listed = api.get(_api_url(zelda.pk))
    assert [row["id"] for row in listed.json()["results"]] == [made.json()["id"]]
    other = as_user(customer)  # another customer: Zelda's contact does not exist for her
    assert other.get(_api_url(zelda.pk)).status_code == 404
    assert other.post(_api_url(zelda.pk), {"confirm": EMAIL}, format="json").status_code == 404
    assert as_user(None).get(_api_url(zelda.pk)).status_code == 401
    assert ErasureRequest.objects.count() == 1


def test_staff_cannot_ask_for_a_customer_and_only_administrators_decline(world, as_user):
    zelda = world["zelda"]
    assert as_user(world["agent"]).post(_api_url(zelda.pk), {"confirm": EMAIL}, format="json").status_code == 403
    as_user(zelda.user).post(_api_url(zelda.pk), {"confirm": EMAIL}, format="json")
    request = ErasureRequest.objects.get()
    assert as_user(world["agent"]).get(_api_url(zelda.pk)).json()["results"][0]["state"] == "pending"
    decline = f"{_api_url(zelda.pk)}{request.pk}/decline/"
    assert as_user(zelda.user).post(decline, {"reason": "mine"}, format="json").status_code == 403
    assert as_user(world["agent"]).post(decline, {"reason": "no"}, format="json").status_code == 403
    missing = as_user(world["admin"]).post(decline, {"reason": ""}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    wrong_contact = f"{_api_url(world['otto'].pk)}{request.pk}/decline/"
    assert as_user(world["admin"]).post(wrong_contact, {"reason": "x"}, format="json").status_code == 404
    done = as_user(world["admin"]).post(decline, {"reason": "Contract until March."}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "declined"
    twice = as_user(world["admin"]).post(decline, {"reason": "again"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_decided"


def test_the_erasure_requests_are_in_the_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert set(paths["/api/v1/contacts/{id}/erasure-requests/"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/contacts/{id}/erasure-requests/{request_id}/decline/"]


def test_the_download_leaves_out_the_notes_agents_keep_on_the_contact(world, client):
    """The portal says "notes our team keeps for itself are not included": the contact's notes are such."""
    client.force_login(world["zelda"].user)
    response = client.post(EXPORT)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "notes" not in json.loads(archive.read("contact.json"))
    assert not any(b"VIP caller" in archive.read(name) for name in archive.namelist())
