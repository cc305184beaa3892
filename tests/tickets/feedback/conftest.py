"""A small known data set for product feedback and sales: tickets of three organizations, contracts
with and without a value, one expired; the demand figures the tests expect are counted by hand."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers import services as customer_services
from customers.models import BusinessCalendar, Contact, SlaPolicy
from tests.factories import make_ticket
from tickets.feedback import services

DAY = timedelta(days=1)


@pytest.fixture
def policy(db):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    return SlaPolicy.objects.create(name="Basic", calendar=calendar)


@pytest.fixture
def contracts(policy, organization, other_organization, private_organization):
    today = timezone.localdate()
    create = customer_services.contract_create
    return {
        "acme": create(
            name="Acme gold",
            organization=organization,
            sla_policy=policy,
            valid_from=today - 30 * DAY,
            annual_value=Decimal("1200.00"),
        ),
        "acme_old": create(
            name="Acme 2020",
            organization=organization,
            sla_policy=policy,
            valid_from=date(2020, 1, 1),
            valid_to=date(2020, 12, 31),
            annual_value=Decimal("500.00"),
        ),
        "globex": create(name="Globex basic", organization=other_organization, sla_policy=policy, valid_from=today),
        "initech": create(
            name="Initech",
            organization=private_organization,
            sla_policy=policy,
            valid_from=today,
            annual_value=Decimal("250.00"),
        ),
    }


def contact(user) -> Contact:
    return Contact.objects.get(user=user)


@pytest.fixture
def known(db, contracts, customer, colleague, other_customer, private_customer, team):
    """Five tickets: four linked to one item (Carla twice, Bob, Otto of Globex), Pat's not linked.

    Hand count: 4 tickets, 3 customers (Carla, Bob, Otto), 2 organizations (Acme, Globex), active
    contracts Acme gold (1200) and Globex basic (no value): 1200; first request Carla's first ticket
    (start), latest Otto's (start + 3 days). Acme 2020 has expired; Initech's ticket is not linked.
    """
    start = timezone.now().replace(microsecond=0) - 10 * DAY
    t1 = make_ticket(requester=contact(customer), subject="Dark mode please", now=start, team=team)
    t2 = make_ticket(requester=contact(customer), subject="Dark mode again", now=start + DAY, team=team)
    t3 = make_ticket(requester=contact(colleague), subject="Night theme?", now=start + 2 * DAY, team=team)
    t4 = make_ticket(requester=contact(other_customer), subject="Dark UI", now=start + 3 * DAY, team=team)
    t5 = make_ticket(requester=contact(private_customer), subject="Unrelated", now=start + 4 * DAY, team=team)
    return {"tickets": [t1, t2, t3, t4], "unlinked": t5, "start": start}


@pytest.fixture
def item(agent, known):
    return services.feedback_item_create(
        actor=agent, title="Dark mode", kind="feature_request", tickets=known["tickets"]
    )
