import json
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget
from tests.factories import make_ticket
from tickets import services
from tickets.reports.stats import sla_compliance
from tickets.sla.escalation import sla_sweep


@pytest.fixture
def two_tickets(db, customer, agent, team):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=600)
    contact = Contact.objects.get(user=customer)
    start = timezone.now() - timedelta(hours=5)
    quick = make_ticket(requester=contact, actor=customer, team=team, now=start, subject="Quick")
    services.ticket_reply(ticket=quick, actor=agent, body="Answer", now=start + timedelta(minutes=20))
    slow = make_ticket(requester=contact, actor=customer, team=team, now=start, subject="Slow")
    sla_sweep(now=start + timedelta(minutes=61))  # records the breach of "slow"
    services.ticket_reply(ticket=slow, actor=agent, body="Sorry", now=start + timedelta(minutes=90))
    return start


def test_compliance_counts_met_and_breached_first_responses(two_tickets, agent):
    now = timezone.now()
    [row] = sla_compliance(user=agent, start=now - timedelta(days=1), end=now + timedelta(days=1))
    assert (row.group, row.tickets) == ("Gold", 2)
    assert (row.first_response_met, row.first_response_breached) == (1, 1)
    assert row.first_response_met_percent == 50.0
    assert row.first_response_median_minutes == 55.0  # of 20 and 90


def test_customers_get_no_report(two_tickets, customer):
    now = timezone.now()
    assert sla_compliance(user=customer, start=now - timedelta(days=1), end=now) == []


def test_report_api_is_for_agents_only(two_tickets, as_user, agent, customer):
    response = as_user(agent).get("/api/v1/reports/sla/", {"group_by": "team"})
    assert response.status_code == 200
    assert response.json()[0]["tickets"] == 2
    assert as_user(customer).get("/api/v1/reports/sla/").status_code == 404  # reports are hidden from customers
    assert as_user(agent).get("/api/v1/reports/sla/", {"start": "2026-02-30"}).status_code == 400


def test_report_page_renders_for_agents_and_404s_for_customers(two_tickets, client, agent, customer):
    client.force_login(agent)
    response = client.get("/agent/reports/sla/")
    assert response.status_code == 200 and b"Gold" in response.content
    client.force_login(customer)
    assert client.get("/agent/reports/sla/").status_code == 404


def test_the_sla_report_in_the_framework_keeps_its_address_and_exports_csv(two_tickets, client, as_user, agent):
    client.force_login(agent)
    page = client.get("/agent/reports/sla/", {"group_by": "team"}).content.decode()
    assert "First line" in page and "<svg" in page  # the compliance chart
    csv = as_user(agent).get("/api/v1/reports/sla/", {"format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    rows = [line.split(",") for line in csv.content.decode("utf-8-sig").splitlines()]
    gold = next(row for row in rows if row[0] == "Gold")
    assert gold[1:4] == ["2", "1", "1"]  # tickets, first response met, breached
    refused = as_user(agent).get("/api/v1/reports/sla/", {"format": "csv", "group_by": "nope"})
    assert refused.status_code == 400 and json.loads(refused.content)["code"] == "invalid"
