"""An average score of 3.625 reads 3.63 (half up, helpdesk.rounding), in the summary, the
Satisfaction report's API and CSV, where Python's round said 3.62."""

import csv
import io
from datetime import UTC, datetime

import pytest

from customers.models import Contact
from tests.factories import make_ticket
from tests.tickets.satisfaction.conftest import solve
from tickets import ratings
from tickets.satisfaction.stats import satisfaction_summary

pytestmark = pytest.mark.django_db
SCORES = [5, 5, 4, 4, 3, 3, 3, 2]  # 29 / 8 = 3.625


@pytest.fixture
def rated(customer, agent):
    contact = Contact.objects.get(user=customer)
    for i, score in enumerate(SCORES):
        ticket = solve(make_ticket(requester=contact, actor=customer, subject=f"T{i}"), agent)
        ratings.rating_submit(ticket=ticket, contact=contact, score=score, now=datetime(2026, 3, 2, 10, tzinfo=UTC))


def test_an_average_of_3_625_is_3_63_in_the_summary_api_and_csv(rated, as_user, agent):
    assert satisfaction_summary(group="team").total.average == 3.63
    query = {"start": "2026-03-01", "end": "2026-03-31"}
    report = as_user(agent).get("/api/v1/reports/satisfaction/", query).json()
    assert [f["value"] for f in report["figures"] if f["key"] == "average"] == [3.63]
    text = as_user(agent).get("/api/v1/reports/satisfaction/", {**query, "format": "csv"}).content
    cells = [cell for row in csv.reader(io.StringIO(text.decode("utf-8-sig"))) for cell in row]
    assert "3.63" in cells and "3.62" not in cells
