"""`/api/v1/time-entries/`, time with a reply or note, and `/api/v1/contracts/{id}/hours/`: who may
read and write what, bad input as 400, lists of a fixed query count."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tickets.models import TimeEntry

URL = "/api/v1/time-entries/"


def test_an_agent_logs_time_typed_as_hours_and_minutes(as_user, agent, acme_ticket, activities):
    answer = as_user(agent).post(
        URL,
        {"ticket": acme_ticket.pk, "minutes": "۱:۳۰", "activity": activities["Phone call"].pk, "note": "Call"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["minutes"], body["activity"]["name"], body["agent"]["id"], body["message"]) == (
        90,
        "Phone call",
        agent.pk,
        None,
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"minutes": "abc"}, "minutes"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"minutes": 30, "performed_on": "2099-01-01"}, "performed_on"),
        ({"minutes": 30, "activity": 999999}, "activity"),
        ({"minutes": 30, "performed_on": "yesterday"}, "performed_on"),
    ],
)
def test_bad_time_input_is_a_400_naming_the_field(as_user, agent, acme_ticket, activities, data, field):
    answer = as_user(agent).post(URL, {"ticket": acme_ticket.pk, **data}, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_time_on_a_missing_ticket_is_a_404(as_user, agent, activities):
    assert as_user(agent).post(URL, {"ticket": 987654, "minutes": 5}, format="json").status_code == 404


@pytest.mark.parametrize("who", ["customer", "other_customer", "anonymous"])
def test_time_entries_do_not_exist_for_customers(persona, as_user, agent, acme_ticket, log, who):
    entry = log(acme_ticket, agent, 30)
    client = as_user(persona(who))
    expected = 401 if who == "anonymous" else 404
    assert client.get(URL).status_code in (expected, 403)
    assert client.get(f"{URL}{entry.pk}/").status_code in (expected, 403)
    assert client.post(URL, {"ticket": acme_ticket.pk, "minutes": 5}, format="json").status_code in (expected, 403)
    assert client.patch(f"{URL}{entry.pk}/", {"minutes": 5}, format="json").status_code in (expected, 403)
    assert client.delete(f"{URL}{entry.pk}/").status_code in (expected, 403)
    if who != "anonymous":
        assert client.get(URL).status_code == 404
        assert client.get("/api/v1/time-activities/").status_code == 404
    assert TimeEntry.objects.get().minutes == 30


def test_an_agent_cannot_change_another_agents_entry_but_an_admin_can(
    as_user, agent, second_agent, admin_user, acme_ticket, log
):
    entry = log(acme_ticket, agent, 30)
    other = as_user(second_agent)
    assert other.get(f"{URL}{entry.pk}/").status_code == 200  # agents read every entry
    refused = other.patch(f"{URL}{entry.pk}/", {"minutes": 5}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert other.delete(f"{URL}{entry.pk}/").status_code == 403
    assert as_user(admin_user).patch(f"{URL}{entry.pk}/", {"minutes": "0:45"}, format="json").json()["minutes"] == 45
    assert as_user(agent).delete(f"{URL}{entry.pk}/").status_code == 204
    assert not TimeEntry.objects.exists()


def test_the_list_filters_by_ticket_agent_organization_and_days(
    as_user, agent, second_agent, acme_ticket, globex_ticket, log, other_customer
):
    today = timezone.localdate()
    log(acme_ticket, agent, 10)
    log(acme_ticket, second_agent, 20, day=today - timedelta(days=10))
    log(globex_ticket, agent, 40)
    client = as_user(agent)

    def minutes(**query):
        answer = client.get(URL, query)
        assert answer.status_code == 200
        return sorted(row["minutes"] for row in answer.json()["results"])

    assert minutes() == [10, 20, 40]
    assert minutes(ticket=acme_ticket.pk) == [10, 20]
    assert minutes(agent=second_agent.pk) == [20]
    assert minutes(organization=other_customer.contact.organization_id) == [40]
    assert minutes(date_from=(today - timedelta(days=1)).isoformat()) == [10, 40]
    assert minutes(date_to=(today - timedelta(days=1)).isoformat()) == [20]
    assert client.get(URL, {"date_from": "nope"}).status_code == 400
    assert client.get(URL, {"ticket": "x"}).status_code == 400


def test_the_list_costs_the_same_queries_whatever_its_size(
    as_user, agent, second_agent, acme_ticket, globex_ticket, log, django_assert_max_num_queries
):
    client = as_user(agent)
    log(acme_ticket, agent, 10)
    client.get(URL)  # warm up
    for n in range(30):
        log(globex_ticket if n % 2 else acme_ticket, second_agent if n % 3 else agent, 5 + n)
    # 1 user's token/session is forced: the count, the page (entries + agent, activity, ticket joined)
    with django_assert_max_num_queries(2):
        answer = client.get(URL)
    assert answer.status_code == 200 and answer.json()["count"] == 31


def test_a_reply_through_the_api_logs_its_time(as_user, agent, acme_ticket, activities):
    answer = as_user(agent).post(
        f"/api/v1/tickets/{acme_ticket.pk}/messages/",
        {"body": "Fixed", "minutes": "0:20", "activity": activities["Remote session"].pk},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    entry = TimeEntry.objects.get()
    assert (entry.message_id, entry.minutes, entry.activity.name) == (answer.json()["id"], 20, "Remote session")


def test_required_time_makes_an_agent_reply_without_it_a_400(settings, as_user, agent, customer, acme_ticket):
    settings.HELPDESK_REQUIRE_TIME = True
    url = f"/api/v1/tickets/{acme_ticket.pk}/messages/"
    answer = as_user(agent).post(url, {"body": "Fixed", "internal": True}, format="json")
    assert answer.status_code == 400 and "minutes" in answer.json()["errors"]
    assert as_user(agent).post(url, {"body": "Fixed", "minutes": 5}, format="json").status_code == 201
    assert as_user(customer).post(url, {"body": "Thanks"}, format="json").status_code == 201


def test_a_customer_cannot_send_time_with_a_reply(as_user, customer, acme_ticket):
    url = f"/api/v1/tickets/{acme_ticket.pk}/messages/"
    answer = as_user(customer).post(url, {"body": "Thanks", "minutes": 5}, format="json")
    assert answer.status_code == 400
    assert not TimeEntry.objects.exists()


def test_a_contracts_hours_are_read_by_agents_and_its_own_customers_only(
    as_user, agent, customer, colleague, other_customer, acme_ticket, acme_contract, globex_contract, log
):
    log(acme_ticket, agent, 150)  # 2.5 h of a 2 h bank
    url = f"/api/v1/contracts/{acme_contract.pk}/hours/"
    for user in (agent, customer, colleague):
        body = as_user(user).get(url).json()
        assert body == {
            "contract": acme_contract.pk,
            "hours_bank": "2.00",
            "used_minutes": 150,
            "used_hours": "2.50",
            "left_hours": "-0.50",
            "over_budget": True,
        }
    assert as_user(other_customer).get(url).status_code == 404
    assert as_user(customer).get(f"/api/v1/contracts/{globex_contract.pk}/hours/").status_code == 404
    assert as_user(customer).get(f"/api/v1/contracts/{acme_contract.pk}/").json()["hours_bank"] == "2.00"


def test_only_time_on_the_contracts_tickets_within_its_dates_counts(
    as_user, agent, customer, acme_ticket, acme_contract, policy, log
):
    from customers import services as customer_services
    from tests.factories import make_ticket

    log(acme_ticket, agent, 60)
    log(acme_ticket, agent, 30, day=date(2019, 12, 31))  # before the contract began
    customer_services.contract_update(contract=acme_contract, data={"valid_to": timezone.localdate()})
    # a ticket of the same organization opened when no contract covered it
    acme_contract.valid_from = timezone.localdate() + timedelta(days=1)
    acme_contract.valid_to = None
    acme_contract.save()
    uncovered = make_ticket(requester=customer.contact, actor=customer, subject="Uncovered")
    assert uncovered.contract_id is None
    log(uncovered, agent, 45)
    acme_contract.valid_from = date(2020, 1, 1)
    acme_contract.save()
    assert as_user(agent).get(f"/api/v1/contracts/{acme_contract.pk}/hours/").json()["used_minutes"] == 60


def test_contract_input_takes_an_hours_bank(as_user, admin_user, customer, policy):
    answer = as_user(admin_user).post(
        "/api/v1/contracts/",
        {
            "name": "Banked",
            "organization": customer.contact.organization_id,
            "sla_policy": policy.pk,
            "valid_from": "2026-01-01",
            "hours_bank": "12.5",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["hours_bank"] == "12.50"
    bad = as_user(admin_user).post(
        "/api/v1/contracts/",
        {
            "name": "Bad",
            "organization": customer.contact.organization_id,
            "sla_policy": policy.pk,
            "valid_from": "2026-01-01",
            "hours_bank": "-1",
        },
        format="json",
    )
    assert bad.status_code == 400 and "hours_bank" in bad.json()["errors"]
