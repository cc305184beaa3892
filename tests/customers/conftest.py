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


def calendar_change_post(calendar, *, delete: set[int] = frozenset(), extra_periods=(), extra_holidays=()) -> dict:
    """The admin change form of a saved calendar as the browser sends it, some periods ticked for
    deletion, with `extra_periods` ((weekday, "HH:MM", "HH:MM")) and `extra_holidays` (the fields of
    a holiday row) added."""
    periods = list(calendar.periods.all())
    data = {"name": calendar.name, "time_zone": calendar.time_zone}
    data |= management("periods", len(periods) + len(extra_periods), initial=len(periods))
    for i, period in enumerate(periods):
        data |= {
            f"periods-{i}-id": period.pk,
            f"periods-{i}-calendar": calendar.pk,
            f"periods-{i}-weekday": period.weekday,
            f"periods-{i}-start": f"{period.start:%H:%M}",
            f"periods-{i}-end": f"{period.end:%H:%M}",
        }
        if i in delete:
            data[f"periods-{i}-DELETE"] = "on"
    for j, (weekday, start, end) in enumerate(extra_periods, start=len(periods)):
        data |= {f"periods-{j}-weekday": weekday, f"periods-{j}-start": start, f"periods-{j}-end": end}
    holidays = list(calendar.holidays.all())
    data |= management("holidays", len(holidays) + len(extra_holidays), initial=len(holidays))
    for i, holiday in enumerate(holidays):
        data |= {
            f"holidays-{i}-id": holiday.pk,
            f"holidays-{i}-calendar": calendar.pk,
            f"holidays-{i}-name": holiday.name,
            f"holidays-{i}-recurrence": holiday.recurrence,
            f"holidays-{i}-date": holiday.date or "",
            f"holidays-{i}-month": holiday.month or "",
            f"holidays-{i}-day": holiday.day or "",
        }
    for j, holiday in enumerate(extra_holidays, start=len(holidays)):
        data |= {f"holidays-{j}-{key}": value for key, value in holiday.items()}
    return data


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


@pytest.fixture
def persian_admin_client(admin_user):
    """An administrator signed in with Persian as their language."""
    admin_user.language = "fa"
    admin_user.save(update_fields=["language"])
    client = Client()
    client.force_login(admin_user)
    return client
