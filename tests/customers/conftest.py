"""A small customer world on top of the suite's personas.

Acme (customer, colleague; shares tickets) has a contract covering Cloud; the colleague has a
personal contract covering Mail; Initech (private_customer, private_colleague) has one covering
ERP; Globex (other_customer) has a Premium contract covering ERP.
"""

from datetime import date, time
from types import SimpleNamespace

import pytest
from django.test import Client

from customers import services
from customers.models import Contact
from tests import factories

PERSONAS = ["admin_user", "agent", "customer", "colleague", "private_colleague", "other_customer", "anonymous"]


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def management(prefix: str, total: int, initial: int = 0) -> dict:
    """The management fields of an admin inline formset of `total` forms (`initial` of them saved)."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def calendar(db):
    return services.calendar_create(
        name="Tehran office",
        time_zone="Asia/Tehran",
        periods=[{"weekday": day, "start": time(8), "end": time(16)} for day in (5, 6, 0, 1, 2)],
        holidays=[{"name": "Nowruz", "recurrence": "jalali", "month": 1, "day": 1}],
    )


@pytest.fixture
def standard_policy(calendar):
    return services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        is_default=True,
        targets=[
            {"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440},
            {"priority": "urgent", "first_response_minutes": 30, "resolution_minutes": 240},
        ],
        escalation_steps=[{"action": "notify_team_lead", "minutes_after_breach": 0}],
    )


@pytest.fixture
def premium_policy(calendar):
    return services.sla_policy_create(
        name="Premium",
        calendar=calendar,
        targets=[{"priority": "normal", "first_response_minutes": 60}],
    )


@pytest.fixture
def world(
    db,
    admin_user,
    agent,
    customer,
    colleague,
    private_customer,
    private_colleague,
    other_customer,
    standard_policy,
    premium_policy,
):
    cloud = services.product_create(name="Cloud hosting", code="cloud")
    mail = services.product_create(name="Business email", code="mail")
    erp = services.product_create(name="ERP suite", code="erp")
    acme = customer.contact.organization
    acme.notes = "Key account"
    acme.save()
    acme_contract = services.contract_create(
        name="Acme 2026",
        organization=acme,
        sla_policy=standard_policy,
        valid_from=date(2026, 1, 1),
        products=[cloud],
        notes="Renewal in March",
    )
    colleague_contract = services.contract_create(
        name="Bob personal",
        contact=colleague.contact,
        sla_policy=standard_policy,
        valid_from=date(2026, 1, 1),
        products=[mail],
    )
    initech_contract = services.contract_create(
        name="Initech basic",
        organization=private_customer.contact.organization,
        sla_policy=standard_policy,
        valid_from=date(2026, 1, 1),
        products=[erp],
    )
    globex_contract = services.contract_create(
        name="Globex premium",
        organization=other_customer.contact.organization,
        sla_policy=premium_policy,
        valid_from=date(2026, 1, 1),
        products=[erp],
    )
    return SimpleNamespace(
        cloud=cloud,
        mail=mail,
        erp=erp,
        acme=acme,
        initech=private_customer.contact.organization,
        globex=other_customer.contact.organization,
        acme_contract=acme_contract,
        colleague_contract=colleague_contract,
        initech_contract=initech_contract,
        globex_contract=globex_contract,
        standard=standard_policy,
        premium=premium_policy,
    )


def make_contacts(organization, count: int) -> list[Contact]:
    return [factories.ContactFactory(organization=organization) for _ in range(count)]
