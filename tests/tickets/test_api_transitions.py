"""Every (old, new) status pair through PATCH, for agents and for customers, against tickets.transitions."""

import itertools

import pytest

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets.models import Status, Ticket
from tickets.transitions import can_transition

pytestmark = pytest.mark.django_db

PAIRS = list(itertools.product(Status.values, Status.values))


def _expected(old: str, new: str, *, by_customer: bool) -> int:
    if old == new:
        return 200  # setting the status it already has changes nothing
    return 200 if can_transition(old, new, by_customer=by_customer) else 409


def _ticket_in(status: str, requester) -> Ticket:
    ticket = make_ticket(requester=requester)
    Ticket.objects.filter(pk=ticket.pk).update(status=status)  # set up directly, not through the table
    return ticket


@pytest.mark.parametrize("old,new", PAIRS)
def test_agent_status_change_follows_the_table(as_user, agent, customer, old, new):
    ticket = _ticket_in(old, contact_of(customer))
    response = as_user(agent).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": new}, format="json")
    expected = _expected(old, new, by_customer=False)
    assert response.status_code == expected, response.content
    ticket.refresh_from_db()
    if expected == 200:
        assert response.json()["status"] == new == ticket.status
    else:
        assert response.json()["code"] == "invalid_transition"
        assert ticket.status == old


@pytest.mark.parametrize("old,new", PAIRS)
def test_customer_status_change_follows_the_customer_table(as_user, customer, old, new):
    ticket = _ticket_in(old, contact_of(customer))
    response = as_user(customer).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": new}, format="json")
    expected = _expected(old, new, by_customer=True)
    assert response.status_code == expected, response.content
    ticket.refresh_from_db()
    if expected == 200:
        assert response.json()["status"] == new == ticket.status
    else:
        assert response.json()["code"] == "invalid_transition"
        assert ticket.status == old


def test_the_table_lets_customers_only_solve_or_reopen():
    allowed = {(old, new) for old, new in PAIRS if can_transition(old, new, by_customer=True)}
    assert {new for _old, new in allowed} == {Status.SOLVED, Status.OPEN}
