"""The "Time spent" report: hours per agent (who logged), team, organization, contract and activity,
over the days the work was done; CSV; agents only; the same queries whatever the data size."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets.reports import REPORTS
from tickets.reports.params import ReportForm


@pytest.fixture
def logged(agent, second_agent, acme_ticket, globex_ticket, log):
    today = timezone.localdate()
    log(acme_ticket, agent, 60)
    log(acme_ticket, second_agent, 30, activity="Phone call")
    log(globex_ticket, agent, 90, activity="Remote session")
    log(globex_ticket, agent, 600, day=today - timedelta(days=400))  # outside the default range


def run(user, **query):
    form = ReportForm(query, report=REPORTS["time"])
    assert form.is_valid(), form.errors
    return REPORTS["time"].compute(form.params(user=user))


def _hours(result, table=0):
    return {str(row["group"]): row["hours"] for row in result.tables[table].rows}


def test_hours_per_agent_are_who_logged_them(logged, agent):
    result = run(agent)
    assert _hours(result) == {"Second Agent": 0.5, agent.full_name or agent.email: 2.5}
    assert {f.key: f.value for f in result.figures} == {"hours": 3.0, "entries": 3, "tickets": 2}


def test_hours_per_organization_contract_and_activity(logged, agent):
    assert _hours(run(agent, group_by="organization")) == {"Acme": 1.5, "Globex": 1.5}
    by_contract = run(agent, group_by="contract")
    assert _hours(by_contract) == {"Acme support": 1.5, "Globex support": 1.5}
    banks = {row["contract"]: (row["bank"], row["used"], row["left"]) for row in by_contract.tables[1].rows}
    assert banks == {"Acme support": (2.0, 1.5, 0.5), "Globex support": (10.0, 11.5, -1.5)}
    assert _hours(run(agent, group_by="activity")) == {"Investigation": 1.0, "Phone call": 0.5, "Remote session": 1.5}
    assert _hours(run(agent, group_by="team")) == {"First line": 3.0}


def test_filters_and_the_date_range(logged, agent, second_agent, activities, other_customer):
    assert _hours(run(agent, agent=second_agent.pk)) == {"Second Agent": 0.5}
    assert _hours(run(agent, activity=activities["Remote session"].pk, group_by="activity")) == {"Remote session": 1.5}
    old = (timezone.localdate() - timedelta(days=400)).isoformat()
    assert _hours(run(agent, start=old, end=old, group_by="organization")) == {"Globex": 10.0}
    org = other_customer.contact.organization_id
    assert _hours(run(agent, organization=org, group_by="organization")) == {"Globex": 1.5}


def test_the_ticket_channel_and_category_filters(logged, agent, acme_ticket, globex_ticket):
    from tickets.models import Category, Ticket

    network = Category.objects.create(name="Network")
    wifi = Category.objects.create(name="Wi-Fi", parent=network)
    Ticket.objects.filter(pk=acme_ticket.pk).update(category=wifi, channel="phone")
    Ticket.objects.filter(pk=globex_ticket.pk).update(channel="email")
    by_org = {"group_by": "organization"}
    assert _hours(run(agent, category=network.pk, **by_org)) == {"Acme": 1.5}  # a parent keeps its children's
    assert _hours(run(agent, channel="phone", **by_org)) == {"Acme": 1.5}
    assert _hours(run(agent, channel="email", **by_org)) == {"Globex": 1.5}


def test_the_page_csv_and_api_are_for_agents_only(logged, client, agent, customer, as_user):
    client.force_login(agent)
    page = client.get("/agent/reports/time/", {"group_by": "contract"})
    assert page.status_code == 200 and b"<svg" in page.content and b"Hours banks of these contracts" in page.content
    csv = client.get("/agent/reports/time/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "Hours logged" in csv.content.decode("utf-8-sig")
    assert as_user(agent).get("/api/v1/reports/time/").json()["figures"][0]["value"] == 3.0
    client.force_login(customer)
    assert client.get("/agent/reports/time/").status_code in (302, 403, 404)
    assert as_user(customer).get("/api/v1/reports/time/").status_code == 404


def test_the_report_page_in_persian(logged, client, agent):
    client.force_login(agent)
    page = client.get("/agent/reports/time/", HTTP_ACCEPT_LANGUAGE="fa")
    assert page.status_code == 200


@pytest.mark.parametrize("group_by", ["agent", "contract", "activity"])
def test_the_report_runs_the_same_queries_whatever_the_entries(
    logged, client, agent, second_agent, acme_ticket, globex_ticket, log, group_by
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(agent)
    client.get("/agent/reports/time/", {"group_by": group_by})  # warm caches
    with CaptureQueriesContext(connection) as small:
        assert client.get("/agent/reports/time/", {"group_by": group_by}).status_code == 200
    for n in range(20):
        log(globex_ticket if n % 2 else acme_ticket, second_agent if n % 3 else agent, 5 + n, activity="Phone call")
    with CaptureQueriesContext(connection) as large:
        client.get("/agent/reports/time/", {"group_by": group_by})
    assert len(large) == len(small) <= 17  # the category filter reads its choices (one query)
