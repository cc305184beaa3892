"""aria-describedby / aria-labelledby / aria-controls name ids that exist on the page (help texts linked
to their fields), on the pages with forms, for every persona that sees them."""

import pytest

from tests.factories import make_ticket
from tests.html_references import missing_references

pytestmark = pytest.mark.django_db

CUSTOMER_PAGES = ("/portal/", "/portal/requests/", "/portal/requests/new/", "/profile/", "/portal/contract/")
AGENT_PAGES = ("/agent/", "/profile/")
ANONYMOUS_PAGES = ("/login/",)


def _check(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert missing_references(response.content.decode()) == [], path


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_customer_pages_refer_to_existing_ids(client, customer, path, language):
    customer.language = language
    customer.save(update_fields=["language"])
    client.force_login(customer)
    _check(client, path)


def test_customer_request_page_refers_to_existing_ids(client, customer):
    from customers.models import Contact

    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer)
    client.force_login(customer)
    _check(client, f"/portal/requests/{ticket.pk}/")


@pytest.mark.parametrize("path", AGENT_PAGES)
def test_agent_pages_refer_to_existing_ids(client, agent, path):
    client.force_login(agent)
    _check(client, path)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages_refer_to_existing_ids(client, path):
    _check(client, path)


def test_the_new_request_description_is_described_by_its_help():
    """The id the widget names (Django's <id>_helptext) is the help paragraph's."""
    from django.template.loader import render_to_string

    from tickets.portal.forms import NewRequestForm

    html = render_to_string("tickets/portal/_field.html", {"field": NewRequestForm()["description"]})
    assert 'aria-describedby="id_description_helptext"' in html
    assert 'id="id_description_helptext"' in html


def test_the_checker_finds_a_dangling_reference():
    assert missing_references('<input aria-describedby="a b"><p id="a"></p>') == [("input", "aria-describedby", "b")]
