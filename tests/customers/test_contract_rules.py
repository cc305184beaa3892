"""Rules of contracts and SLA targets, through the service, the API and the admin alike.

A contract naming an organization and a contact covers a contact of that organization; its dates are
plausible Gregorian ones (the same rule as one-off holidays); a target's resolution is not due before
its first response.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from customers import services
from customers.models import ServiceContract, SlaPolicy
from tests.customers.conftest import management

pytestmark = pytest.mark.django_db

NOT_IN_INITECH = (
    "This contact is not in Initech: choose one of its contacts, or leave the organization empty for the "
    "contact's own contract."
)
NOT_IN_ACME = NOT_IN_INITECH.replace("Initech", "Acme")
# 1404/09/15 in the Jalali calendar is 6 December 2025
JALALI_LOOKING = (
    "“1404-09-15” looks like a Jalali date, but this date is Gregorian: 1404-09-15 in the Jalali calendar is "
    "2025-12-06. Enter the Gregorian date, or type it as a Jalali one in the admin in Persian."
)
RESOLUTION_TOO_SOON = "The resolution target must be at least the first response target (600 minutes)."


def errors_of(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def contract_post(**fields) -> dict:
    return {"name": "Initech gold", "products": [], **fields}


def policy_post(calendar, targets: list[dict], **fields) -> dict:
    data = {"name": "Admin policy", "calendar": calendar.pk, "warning_percent": "75", "is_active": "on", **fields}
    data |= management("targets", len(targets))
    for i, target in enumerate(targets):
        data |= {f"targets-{i}-{key}": value for key, value in target.items()}
    return data | management("escalation_steps", 0)


# --- A. a contract's contact belongs to its organization ---------------------------------------


def test_a_contract_cannot_name_a_contact_of_another_organization(world, customer):
    with pytest.raises(ValidationError) as exc:
        services.contract_create(
            name="Initech gold",
            organization=world.initech,
            contact=customer.contact,
            sla_policy=world.premium,
            valid_from=date(2026, 12, 1),
        )
    assert errors_of(exc) == {"contact": [NOT_IN_INITECH]}
    assert not ServiceContract.objects.filter(name="Initech gold").exists()


def test_a_contract_may_name_a_contact_of_its_own_organization_or_a_contact_alone(world, customer, private_customer):
    mine = services.contract_create(
        name="Initech gold",
        organization=world.initech,
        contact=private_customer.contact,
        sla_policy=world.premium,
        valid_from=date(2026, 12, 1),
    )
    personal = services.contract_create(
        name="Carla personal", contact=customer.contact, sla_policy=world.premium, valid_from=date(2026, 12, 1)
    )
    assert (mine.contact, personal.organization) == (private_customer.contact, None)


@pytest.fixture
def carla_at_acme(world, customer):
    """A contract of Acme naming Carla, a contact of Acme."""
    return services.contract_create(
        name="Carla at Acme",
        organization=world.acme,
        contact=customer.contact,
        sla_policy=world.standard,
        valid_from=date(2026, 1, 1),
    )


def test_moving_a_contract_to_another_organization_while_its_contact_stays_is_refused(world, carla_at_acme):
    contract = carla_at_acme
    with pytest.raises(ValidationError) as exc:
        services.contract_update(contract=contract, data={"organization": world.initech})
    assert errors_of(exc) == {"contact": [NOT_IN_INITECH]}
    contract.refresh_from_db()
    assert contract.organization == world.acme


def test_the_api_refuses_a_contact_of_another_organization_with_a_400_on_contact(world, as_user, admin_user, customer):
    data = {
        "name": "Initech gold",
        "organization": world.initech.pk,
        "sla_policy": world.premium.pk,
        "valid_from": "2026-12-01",
        "contact": customer.contact.pk,
    }
    response = as_user(admin_user).post("/api/v1/contracts/", data, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"contact": [NOT_IN_INITECH]}
    assert not ServiceContract.objects.filter(name="Initech gold").exists()


def test_the_api_refuses_changing_the_organization_under_a_contact_of_the_old_one(
    world, as_user, admin_user, colleague
):
    contract = world.colleague_contract  # Bob's own contract, no organization
    client = as_user(admin_user)
    moved = client.patch(f"/api/v1/contracts/{contract.pk}/", {"organization": world.acme.pk}, format="json")
    assert moved.status_code == 200, moved.content
    response = client.patch(f"/api/v1/contracts/{contract.pk}/", {"organization": world.initech.pk}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"contact": [NOT_IN_INITECH]}
    contract.refresh_from_db()
    assert contract.organization == world.acme


def test_the_admin_refuses_a_contact_of_another_organization_on_the_contact_field(world, admin_client, customer):
    data = contract_post(
        organization=world.initech.pk,
        contact=customer.contact.pk,
        sla_policy=world.premium.pk,
        valid_from="2026-12-01",
    )
    response = admin_client.post("/admin/customers/servicecontract/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"contact": [NOT_IN_INITECH]}
    assert not ServiceContract.objects.filter(name="Initech gold").exists()


def test_the_admin_refuses_changing_the_organization_under_a_contact_of_the_old_one(
    world, admin_client, customer, carla_at_acme
):
    contract = carla_at_acme
    data = contract_post(
        name="Carla at Acme",
        organization=world.initech.pk,
        contact=customer.contact.pk,
        sla_policy=world.standard.pk,
        valid_from="2026-01-01",
    )
    response = admin_client.post(f"/admin/customers/servicecontract/{contract.pk}/change/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"contact": [NOT_IN_INITECH]}
    contract.refresh_from_db()
    assert contract.organization == world.acme
    moved = admin_client.post(
        f"/admin/customers/servicecontract/{contract.pk}/change/", data | {"organization": world.acme.pk}
    )
    assert moved.status_code == 302, moved.content.decode()[:3000]


# --- B. contract dates are plausible Gregorian dates ------------------------------------------


def test_a_contract_date_in_a_jalali_year_is_refused_with_its_gregorian_date(world):
    with pytest.raises(ValidationError) as exc:
        services.contract_create(
            name="Initech gold", organization=world.initech, sla_policy=world.premium, valid_from=date(1404, 9, 15)
        )
    assert errors_of(exc) == {"valid_from": [JALALI_LOOKING]}
    with pytest.raises(ValidationError) as exc:
        services.contract_update(contract=world.acme_contract, data={"valid_to": date(1066, 10, 14)})
    assert errors_of(exc) == {
        "valid_to": ["“1066-10-14” is not a plausible date: dates are Gregorian, from 1900 to 2199."]
    }
    assert not ServiceContract.objects.filter(valid_from__year__lt=1900).exists()
    assert not ServiceContract.objects.filter(valid_to__year__lt=1900).exists()


def test_the_api_refuses_a_jalali_looking_contract_date_with_a_400_on_the_field(world, as_user, admin_user):
    client = as_user(admin_user)
    data = {"name": "Initech gold", "organization": world.initech.pk, "sla_policy": world.premium.pk}
    response = client.post("/api/v1/contracts/", data | {"valid_from": "1404-09-15"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"valid_from": [JALALI_LOOKING]}
    response = client.patch(f"/api/v1/contracts/{world.acme_contract.pk}/", {"valid_to": "1404-09-15"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"valid_to": [JALALI_LOOKING]}
    assert not ServiceContract.objects.filter(valid_from__year__lt=1900).exists()
    assert not ServiceContract.objects.filter(valid_to__year__lt=1900).exists()


def test_the_admin_in_english_refuses_a_jalali_looking_contract_date_on_the_field(world, admin_client):
    data = contract_post(organization=world.initech.pk, sla_policy=world.premium.pk, valid_from="1404-09-15")
    response = admin_client.post("/admin/customers/servicecontract/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"valid_from": [JALALI_LOOKING]}
    assert not ServiceContract.objects.filter(name="Initech gold").exists()


def test_holidays_and_contracts_share_the_one_date_rule(world):
    """The holiday's message adds where a Jalali date can be given; the rule (years 1900–2199) is one."""
    with pytest.raises(ValidationError) as exc:
        services.calendar_update(
            calendar=world.standard.calendar, data={"holidays": [{"name": "Azar 15", "date": date(1404, 9, 15)}]}
        )
    [message] = errors_of(exc)["holidays"]
    assert message.startswith("Azar 15: “1404-09-15” looks like a Jalali date") and "2025-12-06" in message
    assert "jalali_date" in message


# --- C. a target is not resolved before it is first answered -----------------------------------


def test_a_resolution_target_sooner_than_the_first_response_is_refused_per_priority(calendar):
    with pytest.raises(ValidationError) as exc:
        services.sla_policy_create(
            name="Backwards",
            calendar=calendar,
            targets=[
                {"priority": "normal", "first_response_minutes": 600, "resolution_minutes": 60},
                {"priority": "high", "first_response_minutes": 600, "resolution_minutes": 599},
                {"priority": "low", "first_response_minutes": 600, "resolution_minutes": 600},
            ],
        )
    assert errors_of(exc) == {"targets": [f"Normal: {RESOLUTION_TOO_SOON}", f"High: {RESOLUTION_TOO_SOON}"]}
    assert not SlaPolicy.objects.filter(name="Backwards").exists()


def test_a_resolution_target_equal_to_the_first_response_or_alone_is_accepted(calendar):
    policy = services.sla_policy_create(
        name="Tight",
        calendar=calendar,
        targets=[
            {"priority": "normal", "first_response_minutes": 600, "resolution_minutes": 600},
            {"priority": "low", "resolution_minutes": 60},
            {"priority": "high", "first_response_minutes": 60},
        ],
    )
    assert policy.targets.count() == 3


def test_the_api_refuses_a_resolution_sooner_than_the_first_response_with_a_400(world, as_user, admin_user):
    client = as_user(admin_user)
    targets = [{"priority": "normal", "first_response_minutes": 600, "resolution_minutes": 60}]
    data = {"name": "Gold", "calendar": world.standard.calendar_id, "targets": targets}
    response = client.post("/api/v1/sla-policies/", data, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"targets": [f"Normal: {RESOLUTION_TOO_SOON}"]}
    response = client.patch(f"/api/v1/sla-policies/{world.standard.pk}/", {"targets": targets}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"targets": [f"Normal: {RESOLUTION_TOO_SOON}"]}
    assert world.standard.targets.get(priority="normal").resolution_minutes == 1440


def test_the_admin_shows_the_error_on_each_rows_resolution_target(admin_user, admin_client, calendar):
    rows = [
        {"priority": "normal", "first_response_minutes": "600", "resolution_minutes": "60"},
        {"priority": "high", "first_response_minutes": "30", "resolution_minutes": "240"},
        {"priority": "urgent", "first_response_minutes": "600", "resolution_minutes": "10"},
    ]
    response = admin_client.post("/admin/customers/slapolicy/add/", policy_post(calendar, rows))
    assert response.status_code == 200
    [targets] = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "targets"]
    assert [form.errors for form in targets.forms] == [
        {"resolution_minutes": [RESOLUTION_TOO_SOON]},
        {},
        {"resolution_minutes": [RESOLUTION_TOO_SOON]},
    ]
    assert not SlaPolicy.objects.filter(name="Admin policy").exists()


def saved_rows(prefix: str, rows: list, fields: tuple[str, ...], policy) -> dict:
    """A change form's inline rows as they are saved, with the management form."""
    data = management(prefix, len(rows), initial=len(rows))
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-id": row.pk, f"{prefix}-{i}-policy": policy.pk}
        data |= {
            f"{prefix}-{i}-{field}": "" if getattr(row, field) is None else getattr(row, field) for field in fields
        }
    return data


def test_the_admin_change_form_refuses_a_resolution_sooner_than_the_first_response(
    admin_user, admin_client, standard_policy
):
    def form_data() -> dict:  # the rows as saved now (a save through the service replaces them)
        data = {
            "name": "Standard",
            "calendar": standard_policy.calendar_id,
            "warning_percent": "75",
            "is_default": "on",
        }
        targets = list(standard_policy.targets.order_by("pk"))
        data |= saved_rows("targets", targets, ("priority", *services.TARGET_FIELDS), standard_policy)
        steps = list(standard_policy.escalation_steps.all())
        return data | saved_rows("escalation_steps", steps, ("action", "minutes_after_breach"), standard_policy)

    assert admin_client.post(f"/admin/customers/slapolicy/{standard_policy.pk}/change/", form_data()).status_code == 302
    data = form_data()
    normal = next(i for i, target in enumerate(standard_policy.targets.order_by("pk")) if target.priority == "normal")
    data |= {f"targets-{normal}-first_response_minutes": "600", f"targets-{normal}-resolution_minutes": "60"}
    response = admin_client.post(f"/admin/customers/slapolicy/{standard_policy.pk}/change/", data)
    assert response.status_code == 200
    [formset] = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "targets"]
    assert formset.forms[normal].errors == {"resolution_minutes": [RESOLUTION_TOO_SOON]}
    assert standard_policy.targets.get(priority="normal").resolution_minutes == 1440
