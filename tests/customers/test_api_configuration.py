"""Products, contracts, SLA policies and calendars: read by scope, written by administrators only."""

import pytest

from customers.models import BusinessCalendar, Product, ServiceContract, SlaPolicy

from .conftest import PERSONAS

pytestmark = pytest.mark.django_db

CUSTOMER_VIEW = {
    # persona: (contracts, products, policies) it may read
    "customer": ({"acme_contract"}, {"cloud"}, {"standard"}),
    "colleague": ({"acme_contract", "colleague_contract"}, {"cloud", "mail"}, {"standard"}),
    "private_colleague": ({"initech_contract"}, {"erp"}, {"standard"}),
    "other_customer": ({"globex_contract"}, {"erp"}, {"premium"}),
}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("name", PERSONAS)
def test_reading_configuration_by_persona(world, as_user, persona, name):
    user = persona(name)
    client = as_user(user)
    if user is None:
        for path in ("products", "contracts", "sla-policies", "calendars"):
            assert client.get(f"/api/v1/{path}/").status_code == 401
        return
    if user.is_agent:
        assert ids(client.get("/api/v1/products/")) == set(Product.objects.values_list("pk", flat=True))
        assert ids(client.get("/api/v1/contracts/")) == set(ServiceContract.objects.values_list("pk", flat=True))
        assert ids(client.get("/api/v1/sla-policies/")) == set(SlaPolicy.objects.values_list("pk", flat=True))
        assert ids(client.get("/api/v1/calendars/")) == {world.standard.calendar_id}
        return
    contracts, products, policies = CUSTOMER_VIEW[name]
    assert ids(client.get("/api/v1/contracts/")) == {getattr(world, c).pk for c in contracts}
    assert ids(client.get("/api/v1/products/")) == {getattr(world, p).pk for p in products}
    assert ids(client.get("/api/v1/sla-policies/")) == {getattr(world, p).pk for p in policies}
    assert ids(client.get("/api/v1/calendars/")) == set()


@pytest.mark.parametrize("name", list(CUSTOMER_VIEW))
def test_customers_get_404_for_configuration_not_theirs(world, as_user, persona, name):
    client = as_user(persona(name))
    contracts, products, policies = CUSTOMER_VIEW[name]
    for attr in ("acme_contract", "colleague_contract", "initech_contract", "globex_contract"):
        expected = 200 if attr in contracts else 404
        assert client.get(f"/api/v1/contracts/{getattr(world, attr).pk}/").status_code == expected, attr
    for attr in ("cloud", "mail", "erp"):
        expected = 200 if attr in products else 404
        assert client.get(f"/api/v1/products/{getattr(world, attr).pk}/").status_code == expected, attr
    for attr in ("standard", "premium"):
        expected = 200 if attr in policies else 404
        assert client.get(f"/api/v1/sla-policies/{getattr(world, attr).pk}/").status_code == expected, attr
    assert client.get(f"/api/v1/calendars/{world.standard.calendar_id}/").status_code == 404


def test_customers_get_the_small_output_without_notes_or_escalation(world, as_user, customer, agent):
    contract = as_user(customer).get(f"/api/v1/contracts/{world.acme_contract.pk}/").json()
    assert "notes" not in contract
    assert contract["products"] == [{"id": world.cloud.pk, "name": "Cloud hosting", "code": "cloud"}]
    policy = as_user(customer).get(f"/api/v1/sla-policies/{world.standard.pk}/").json()
    assert set(policy) == {"id", "name", "name_fa", "description", "targets"}
    assert {t["priority"] for t in policy["targets"]} == {"normal", "urgent"}
    assert as_user(agent).get(f"/api/v1/contracts/{world.acme_contract.pk}/").json()["notes"] == "Renewal in March"
    assert as_user(agent).get(f"/api/v1/sla-policies/{world.standard.pk}/").json()["escalation_steps"] == [
        {"minutes_after_breach": 0, "action": "notify_team_lead", "team": None, "user": None}
    ]


def test_contract_filters(world, as_user, agent):
    client = as_user(agent)
    assert ids(client.get("/api/v1/contracts/", {"organization": world.acme.pk})) == {world.acme_contract.pk}
    assert ids(client.get("/api/v1/contracts/", {"product": world.erp.pk})) == {
        world.initech_contract.pk,
        world.globex_contract.pk,
    }
    assert ids(client.get("/api/v1/contracts/", {"active_on": "2025-12-31"})) == set()
    assert len(ids(client.get("/api/v1/contracts/", {"active_on": "2026-06-01"}))) == 4
    assert client.get("/api/v1/contracts/", {"active_on": "not-a-date"}).status_code == 400


# --- writing ----------------------------------------------------------------------------------


def payloads(world) -> dict[str, dict]:
    return {
        "products": {"name": "Backup", "code": "backup"},
        "contracts": {
            "name": "New",
            "organization": world.acme.pk,
            "sla_policy": world.standard.pk,
            "valid_from": "2026-01-01",
            "products": [world.cloud.pk],
        },
        "sla-policies": {
            "name": "Gold",
            "calendar": world.standard.calendar_id,
            "targets": [
                {"priority": "high", "first_response_minutes": 15, "resolution_minutes": 120},
                {"priority": "urgent", "first_response_minutes": 10, "resolution_minutes": 60},
            ],
            "escalation_steps": [{"action": "raise_priority", "minutes_after_breach": 30}],
        },
        "calendars": {
            "name": "Berlin",
            "time_zone": "Europe/Berlin",
            "periods": [
                {"weekday": 0, "start": "09:00", "end": "12:30"},
                {"weekday": 0, "start": "13:30", "end": "18:00"},
            ],
            "holidays": [{"name": "New Year", "recurrence": "gregorian", "month": 1, "day": 1}],
        },
    }


RESOURCES = ["products", "contracts", "sla-policies", "calendars"]


@pytest.mark.parametrize("path", RESOURCES)
@pytest.mark.parametrize("name", ["agent", "customer", "colleague", "private_colleague", "other_customer", "anonymous"])
def test_only_admins_write_configuration(world, as_user, persona, name, path):
    client = as_user(persona(name))
    existing = {
        "products": world.cloud.pk,
        "contracts": world.acme_contract.pk,
        "sla-policies": world.standard.pk,
        "calendars": world.standard.calendar_id,
    }[path]
    refused = 401 if name == "anonymous" else 403  # not signed in; signed in without the right
    assert client.post(f"/api/v1/{path}/", payloads(world)[path], format="json").status_code == refused
    assert client.patch(f"/api/v1/{path}/{existing}/", {"name": "X"}, format="json").status_code == refused
    assert client.delete(f"/api/v1/{path}/{existing}/").status_code == refused


@pytest.mark.parametrize("path", RESOURCES)
def test_admin_creates_updates_and_deletes_configuration(world, as_user, admin_user, path):
    client = as_user(admin_user)
    created = client.post(f"/api/v1/{path}/", payloads(world)[path], format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/{path}/{created.json()['id']}/"
    changed = client.patch(url, {"name": "Renamed"}, format="json")
    assert (changed.status_code, changed.json()["name"]) == (200, "Renamed")
    assert client.get(url).json() == changed.json()
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_admin_created_nested_rows_come_back(world, as_user, admin_user):
    body = as_user(admin_user).post("/api/v1/calendars/", payloads(world)["calendars"], format="json").json()
    assert body["periods"] == [
        {"weekday": 0, "start": "09:00:00", "end": "12:30:00"},
        {"weekday": 0, "start": "13:30:00", "end": "18:00:00"},
    ]
    assert body["holidays"] == [
        {"name": "New Year", "name_fa": "", "recurrence": "gregorian", "date": None, "month": 1, "day": 1, "days": 1}
    ]


def test_configuration_in_use_cannot_be_deleted(world, as_user, admin_user):
    client = as_user(admin_user)
    for url in (
        f"/api/v1/products/{world.cloud.pk}/",
        f"/api/v1/sla-policies/{world.standard.pk}/",
        f"/api/v1/calendars/{world.standard.calendar_id}/",
    ):
        response = client.delete(url)
        assert (response.status_code, response.json()["code"]) == (409, "in_use"), url


# --- validation -------------------------------------------------------------------------------


def test_overlapping_hours_are_a_400_on_periods(world, as_user, admin_user):
    response = as_user(admin_user).patch(
        f"/api/v1/calendars/{world.standard.calendar_id}/",
        {
            "periods": [
                {"weekday": 2, "start": "08:00", "end": "12:00"},
                {"weekday": 2, "start": "11:00", "end": "14:00"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["periods"] == ["Wednesday: 08:00–12:00 overlaps 11:00–14:00."]
    assert BusinessCalendar.objects.get(pk=world.standard.calendar_id).periods.count() == 5  # unchanged


def test_bad_jalali_date_is_a_400_on_holidays(world, as_user, admin_user):
    response = as_user(admin_user).post(
        "/api/v1/calendars/",
        {"name": "Tehran 2", "holidays": [{"name": "Mehr 31", "recurrence": "jalali", "month": 7, "day": 31}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["holidays"] == ["Mehr 31: Month 7 has no day 31."]


def test_contract_ending_before_it_starts_is_a_400_on_valid_to(world, as_user, admin_user):
    response = as_user(admin_user).patch(
        f"/api/v1/contracts/{world.acme_contract.pk}/", {"valid_to": "2025-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["valid_to"] == ["The end date cannot be before the start date."]


def test_contract_without_customer_is_a_400(world, as_user, admin_user):
    data = payloads(world)["contracts"] | {"organization": None}
    response = as_user(admin_user).post("/api/v1/contracts/", data, format="json")
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]


def test_target_of_zero_minutes_is_a_400_on_targets(world, as_user, admin_user):
    response = as_user(admin_user).patch(
        f"/api/v1/sla-policies/{world.standard.pk}/",
        {"targets": [{"priority": "urgent", "first_response_minutes": 0}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["targets"] == [
        "Urgent: A target must be at least one minute; leave it empty for no target."
    ]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("calendars", {"name": "X", "periods": "not a list"}),
        ("calendars", {"name": "X", "periods": [{"weekday": 9, "start": "25:00", "end": "x"}]}),
        ("calendars", {"name": "X", "time_zone": "Nowhere/Land"}),
        ("calendars", {"name": "X" * 500}),
        ("sla-policies", {"name": "X", "calendar": "abc"}),
        ("sla-policies", {"name": "X", "calendar": 1, "warning_percent": 10**12}),
        ("sla-policies", {"name": "X", "calendar": 1, "targets": [{"priority": "huge"}]}),
        ("sla-policies", {"name": "X", "calendar": 1, "targets": [{"priority": "low", "resolution_minutes": 10**12}]}),
        ("contracts", {"name": "X", "sla_policy": 1, "valid_from": "yesterday"}),
        ("contracts", {"name": "X", "sla_policy": 1, "valid_from": "2026-01-01", "products": [999999]}),
        ("products", {"name": "X", "code": "not a slug!"}),
        ("products", ["a", "list"]),
    ],
)
def test_bad_input_is_400_never_500(world, as_user, admin_user, path, data):
    response = as_user(admin_user).post(f"/api/v1/{path}/", data, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_api_root_lists_the_customers_resources(as_user, agent):
    resources = as_user(agent).get("/api/v1/").json()["resources"]
    for label in ("contacts", "organizations", "products", "contracts", "sla-policies"):
        assert resources[label].endswith(f"/api/v1/{label}/")


def test_schema_documents_the_customers_endpoints(as_user, agent):
    response = as_user(agent).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/sla-policies/{id}/" in paths
    assert "requestBody" in paths["/api/v1/contacts/"]["post"]


def test_nested_input_errors_are_named_by_their_dotted_path(world, as_user, admin_user):
    response = as_user(admin_user).post(
        "/api/v1/calendars/",
        {"name": "X", "periods": [{"weekday": 0, "start": "09:00", "end": "10:00"}, {"weekday": 9, "start": "9"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "periods.1.weekday": ['"9" is not a valid choice.'],
        "periods.1.start": ["Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."],
        "periods.1.end": ["This field is required."],
    }


# --- calendars the SLA maths can answer (issue 13) --------------------------------------------

NIGHT_SHIFT = [
    {"weekday": 0, "start": "22:00", "end": "00:00"},
    {"weekday": 1, "start": "00:00", "end": "06:00"},
    {"weekday": 1, "start": "22:00", "end": "24:00"},
]


def test_a_calendar_without_working_hours_is_a_400(world, as_user, admin_user):
    client = as_user(admin_user)
    response = client.post("/api/v1/calendars/", {"name": "Empty", "periods": []}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["periods"] == [
        "A calendar needs working hours: add at least one working period, or mark it open 24/7."
    ]
    in_use = f"/api/v1/calendars/{world.standard.calendar_id}/"
    response = client.patch(in_use, {"periods": []}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert len(client.get(in_use).json()["periods"]) == 5


def test_an_overnight_shift_split_at_midnight_is_accepted_with_00_00_or_24_00(world, as_user, admin_user):
    response = as_user(admin_user).post(
        "/api/v1/calendars/", {"name": "Night desk", "time_zone": "Asia/Tehran", "periods": NIGHT_SHIFT}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["periods"] == [
        {"weekday": 0, "start": "22:00:00", "end": "00:00:00"},
        {"weekday": 1, "start": "00:00:00", "end": "06:00:00"},
        {"weekday": 1, "start": "22:00:00", "end": "00:00:00"},
    ]


def test_a_target_the_calendar_cannot_reach_is_a_400_not_a_500_later(world, as_user, admin_user):
    response = as_user(admin_user).patch(
        f"/api/v1/sla-policies/{world.standard.pk}/",
        {"targets": [{"priority": "low", "resolution_minutes": 2_000_000_000}]},
        format="json",
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["targets"]
    assert "more working time than calendar “Tehran office” has in two years" in message


@pytest.mark.parametrize("typed", ["1403-12-30", "۱۴۰۳-۱۲-۳۰", "١٤٠٣-١٢-٣٠"])
def test_a_one_off_holiday_date_in_a_jalali_year_is_a_400_never_stored_as_gregorian(world, as_user, admin_user, typed):
    payload = payloads(world)["calendars"] | {"holidays": [{"name": "Esfand 30", "date": typed}]}
    response = as_user(admin_user).post("/api/v1/calendars/", payload, format="json")
    assert response.status_code == 400
    [message] = response.json()["errors"]["holidays"]
    assert "looks like a Jalali date" in message and "2025-03-20" in message
    assert not BusinessCalendar.objects.filter(name="Berlin").exists()


@pytest.mark.parametrize(
    "holiday",
    [
        {"date": "2025-03-20"},
        {"date": "۲۰۲۵-۰۳-۲۰"},  # Persian digits
        {"jalali_date": "1403-12-30"},
        {"jalali_date": "۱۴۰۳/۱۲/۳۰"},
    ],
)
def test_a_one_off_holiday_is_taken_as_a_gregorian_date_or_an_explicit_jalali_one(world, as_user, admin_user, holiday):
    payload = payloads(world)["calendars"] | {"holidays": [{"name": "Esfand 30"} | holiday]}
    response = as_user(admin_user).post("/api/v1/calendars/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["holidays"] == [
        {
            "name": "Esfand 30",
            "name_fa": "",
            "recurrence": "once",
            "date": "2025-03-20",
            "month": None,
            "day": None,
            "days": 1,
        }
    ]


@pytest.mark.parametrize(
    ("holiday", "field_message"),
    [
        ({"jalali_date": "1404-12-30"}, "not a Jalali date"),  # 1404 is not a leap year
        ({"jalali_date": "2025-03-20"}, "not a Jalali date"),  # a Gregorian date in the Jalali field
        ({"jalali_date": "someday"}, "not a Jalali date"),
        ({"date": "2025-03-20", "jalali_date": "1403-12-30"}, "either"),
    ],
)
def test_a_bad_jalali_holiday_date_is_a_clear_400(world, as_user, admin_user, holiday, field_message):
    payload = payloads(world)["calendars"] | {"holidays": [{"name": "Esfand 30"} | holiday]}
    response = as_user(admin_user).post("/api/v1/calendars/", payload, format="json")
    assert response.status_code == 400
    [message] = response.json()["errors"]["holidays.0.jalali_date"]
    assert field_message in message
