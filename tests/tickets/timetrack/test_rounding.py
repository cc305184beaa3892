"""One rounding for every figure shown (helpdesk.rounding: half up, in Decimal): 135 minutes are 2.3 hours
on the ticket's customer panel and in the Time spent report (page, CSV, API) alike, and an average of
3.625 is 3.63 (tests/tickets/satisfaction/test_average_rounding.py), where Python's round said 2.2 and
3.62."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.rounding import hours_of, round_half_up
from tickets.reports.query import hours, percent
from tickets.templatetags.reports import report_value
from tickets.templatetags.timetrack import hd_hours


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [(2.25, 1, "2.3"), (3.625, 2, "3.63"), (Decimal("2.35"), 1, "2.4"), (-2.25, 1, "-2.3"), (2.24, 1, "2.2")],
)
def test_halves_round_up_away_from_zero(value, places, rounded):
    assert round_half_up(value, places) == Decimal(rounded)


def test_the_reports_and_the_pages_say_the_same_hours():
    assert hours_of(135) == Decimal("2.3") and hours(135) == 2.3 and hd_hours(135) == "2.3"
    assert hours(105) == 1.8 and hd_hours(105) == "1.8"  # 1.75 h
    assert percent(1, 8) == 12.5 and percent(1, 16) == 6.3  # 6.25 %
    with translation.override("fa"):
        assert hd_hours(135) == "۲٫۳" and report_value(2.25, "number") == "۲٫۳"
    assert report_value(2.25, "number") == "2.3" and report_value(6.25, "percent") == "6.3%"


@pytest.mark.django_db
def test_135_minutes_are_2_3_hours_on_the_panel_and_in_the_report(
    acme_contract, acme_ticket, agent, log, agent_client, as_user
):
    log(acme_ticket, agent, 135)
    side = reverse("agent:ticket-side", args=[acme_ticket.pk])  # the customer panel of the ticket page
    panel = agent_client.get(side, HTTP_HX_REQUEST="true").content.decode()
    assert "2.3 h" in panel and "2.2 h" not in panel
    page = agent_client.get("/agent/reports/time/", {"group_by": "contract"}).content.decode()
    assert "2.3" in page and "2.2" not in page.replace("2.25", "")
    api = as_user(agent).get("/api/v1/reports/time/", {"group_by": "contract"}).json()
    by_contract, bank = api["tables"][0]["rows"], api["tables"][1]["rows"]
    assert by_contract[0]["hours"] == 2.3 and bank[0]["used"] == 2.3
    text = as_user(agent).get("/api/v1/reports/time/", {"group_by": "contract", "format": "csv"}).content
    cells = [cell for row in csv.reader(io.StringIO(text.decode("utf-8-sig"))) for cell in row]
    assert "2.3" in cells and "2.2" not in cells
