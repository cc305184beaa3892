"""Fixtures for the agent workspace tests (import them with `from tests.tickets.agent_fixtures import *`)."""

import pytest

from customers.models import Contact
from tests.factories import make_ticket

__all__ = ["agent_client", "requester", "ticket", "make"]


@pytest.fixture
def requester(customer) -> Contact:
    return Contact.objects.get(user=customer)


@pytest.fixture
def make(requester, team):
    """make(subject=…, **kwargs): a ticket of the customer persona, in the agent's team."""

    def _make(**kwargs):
        kwargs.setdefault("requester", requester)
        kwargs.setdefault("team", team)
        return make_ticket(**kwargs)

    return _make


@pytest.fixture
def ticket(make):
    return make(subject="Printer on fire")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client
