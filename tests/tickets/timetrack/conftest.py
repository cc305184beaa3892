"""Time tracking fixtures: a policy and contracts with hours banks (Acme 2 h, Globex 10 h), tickets
opened under them, and the default activity types (the data migration's)."""

from datetime import date

import pytest
from django.utils import timezone

from customers import services as customer_services
from tests import factories
from tests.factories import make_ticket
from tickets.models import ActivityType
from tickets.timetrack import services
from tickets.timetrack.services import TimeSpent


@pytest.fixture
def policy(db):
    calendar = customer_services.calendar_create(name="24/7", time_zone="UTC", always_open=True)
    return customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        is_default=True,
        targets=[{"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440}],
    )


@pytest.fixture
def acme_contract(customer, policy):
    return customer_services.contract_create(
        name="Acme support",
        organization=customer.contact.organization,
        sla_policy=policy,
        valid_from=date(2020, 1, 1),
        hours_bank=2,
    )


@pytest.fixture
def globex_contract(other_customer, policy):
    return customer_services.contract_create(
        name="Globex support",
        organization=other_customer.contact.organization,
        sla_policy=policy,
        valid_from=date(2020, 1, 1),
        hours_bank=10,
    )


@pytest.fixture
def acme_ticket(customer, team, acme_contract):
    """A ticket of the customer, opened under Acme's contract."""
    return make_ticket(requester=customer.contact, actor=customer, subject="Printer on fire", team=team)


@pytest.fixture
def globex_ticket(other_customer, team, globex_contract):
    return make_ticket(requester=other_customer.contact, actor=other_customer, subject="Globex issue", team=team)


@pytest.fixture
def activities(db):
    """The default activity types, by English name (the data migration made them)."""
    found = {a.name: a for a in ActivityType.objects.all()}
    if not found:  # a transactional test's flush removed them
        for n, name in enumerate(("Investigation", "Phone call", "Remote session"), start=1):
            found[name] = ActivityType.objects.create(name=name, position=n)
    return found


@pytest.fixture
def log(activities):
    """log(ticket, agent, minutes, activity="Investigation", day=None): an entry on its own."""

    def _log(ticket, agent, minutes, activity="Investigation", day=None):
        return services.time_entry_log(
            ticket=ticket,
            actor=agent,
            time=TimeSpent(minutes=minutes, activity=activities[activity], performed_on=day or timezone.localdate()),
        )

    return _log


@pytest.fixture
def second_agent(db, team):
    """Another agent of the same team."""
    user = factories.UserFactory(role="agent", email="second@test.example", full_name="Second Agent")
    user.teams.add(team)
    return user
