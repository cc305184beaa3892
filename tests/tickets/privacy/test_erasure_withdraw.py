"""A customer takes back her pending erasure request, on the portal or through the API: nothing is
erased, the request reads "withdrawn" everywhere, and she may ask again later. Only she may: another
customer, an agent and an administrator are refused, and a request decided meanwhile stays decided."""

import pytest
from django.test import Client

from customers import services as customer_services
from customers.models import Contact, ErasureRequest
from helpdesk.exceptions import Conflict, NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db

PAGE, ASK, WITHDRAW = "/portal/privacy/", "/portal/privacy/erasure/", "/portal/privacy/erasure/withdraw/"


@pytest.fixture
def pending(customer) -> ErasureRequest:
    contact = Contact.objects.get(user=customer)
    return customer_services.erasure_request_create(contact=contact, actor=customer, confirm=customer.email)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_customer_withdraws_from_the_portal_and_may_ask_again(customer, pending):
    client = _signed_in(customer)
    assert "Withdraw my request" in client.get(PAGE).content.decode()
    response = client.post(WITHDRAW, follow=True)
    assert "You withdrew your request: nothing will be erased." in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == ErasureRequest.State.WITHDRAWN and pending.decided_by == customer
    contact = Contact.objects.get(user=customer)
    assert contact.erased_at is None and contact.email == customer.email
    page = client.get(PAGE).content.decode()
    assert "nothing was erased" in page and "Ask to erase my data" in page
    assert client.post(ASK, {"confirm": customer.email}).status_code == 302  # a new request is allowed
    assert ErasureRequest.objects.filter(contact=contact, state="pending").count() == 1


def test_withdrawing_with_nothing_pending_says_so(customer):
    response = _signed_in(customer).post(WITHDRAW, follow=True)
    assert "You have no pending request to withdraw." in response.content.decode()


def test_the_portal_address_only_ever_reaches_the_signed_in_customers_own_request(customer, pending):
    other = factories.ContactFactory(email="otto@elsewhere.test", with_login=True).user
    _signed_in(other).post(WITHDRAW)
    pending.refresh_from_db()
    assert pending.state == ErasureRequest.State.PENDING  # Otto has none; Carla's is untouched
    anonymous = Client().post(WITHDRAW)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert _signed_in(customer).get(WITHDRAW).status_code == 405


def test_only_the_customer_herself_may_withdraw(customer, pending, agent, admin_user):
    other = factories.ContactFactory(email="otto@elsewhere.test", with_login=True).user
    for actor in (other, agent, admin_user):
        with pytest.raises(NotAllowed):
            customer_services.erasure_request_withdraw(erasure_request=pending, actor=actor)
    pending.refresh_from_db()
    assert pending.state == ErasureRequest.State.PENDING


def test_a_request_decided_meanwhile_stays_decided(customer, pending, admin_user):
    customer_services.erasure_request_decline(erasure_request=pending, actor=admin_user, reason="Open invoices")
    with pytest.raises(Conflict):
        customer_services.erasure_request_withdraw(erasure_request=pending, actor=customer)
    pending.refresh_from_db()
    assert pending.state == ErasureRequest.State.DECLINED and pending.reason == "Open invoices"


def test_the_api_withdraws_for_the_customer_and_refuses_everyone_else(customer, pending, agent, as_user):
    contact_id = pending.contact_id
    url = f"/api/v1/contacts/{contact_id}/erasure-requests/{pending.pk}/withdraw/"
    other = factories.ContactFactory(email="otto@elsewhere.test", with_login=True).user
    assert as_user(other).post(url).status_code == 404  # another customer does not see Carla's contact
    assert as_user(agent).post(url).status_code == 403
    assert as_user(None).post(url).status_code in (401, 403)
    response = as_user(customer).post(url)
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert as_user(customer).post(url).status_code == 409  # decided: withdrawn already
    listed = as_user(agent).get(f"/api/v1/contacts/{contact_id}/erasure-requests/").json()
    assert [row["state"] for row in listed["results"]] == ["withdrawn"]


def test_the_contact_page_says_the_customer_withdrew_it(customer, pending, agent):
    customer_services.erasure_request_withdraw(erasure_request=pending, actor=customer)
    page = _signed_in(agent).get(f"/agent/contacts/{pending.contact_id}/").content.decode()
    assert "withdrawn by the customer on" in page and "Nothing was erased." in page
    assert "carried out on" not in page


def test_the_erasure_also_blanks_the_reasons_earlier_requests_were_declined(customer, pending, admin_user):
    """A reason is written about the person ("Carla still owes invoice 7"): it goes with the erasure."""
    customer_services.erasure_request_decline(
        erasure_request=pending, actor=admin_user, reason="Carla still owes invoice 7"
    )
    from tickets.privacy.erase import contact_erase

    contact = Contact.objects.get(user=customer)
    contact_erase(contact=contact, actor=admin_user, confirm=customer.email)
    pending.refresh_from_db()
    assert pending.state == ErasureRequest.State.DECLINED and pending.reason == ""
