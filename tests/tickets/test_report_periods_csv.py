"""A report's CSV names each period twice: its first day in ISO (for programs) and as the page reads
it (Jalali months and dates in Persian); a bucket that began before the report is shown from the
report's start."""

import csv
import io
from datetime import UTC, datetime

import pytest

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of

pytestmark = pytest.mark.django_db

RANGE = {"start": "2026-11-10", "end": "2026-11-20"}  # a Tuesday to a Friday


@pytest.fixture
def created(customer, agent, team):
    """One ticket on 2026-11-14 (a Saturday; Jalali 1405/08/23)."""
    return make_ticket(
        requester=contact_of(customer), actor=agent, team=team, now=datetime(2026, 11, 14, 9, tzinfo=UTC)
    )


def _by_channel(response) -> list[list[str]]:
    """The header and rows of the CSV's 'by channel' table (the first table, after the figures)."""
    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = next(i for i, row in enumerate(rows) if len(row) > 2)
    end = rows.index([], header)
    return rows[header:end]


def _get(as_user, agent, language: str, bucket: str):
    client = as_user(agent)
    return client.get(
        "/api/v1/reports/volume/", {"format": "csv", "bucket": bucket, **RANGE}, HTTP_ACCEPT_LANGUAGE=language
    )


def test_an_english_csv_gives_the_month_as_read_beside_its_iso_start(created, as_user, agent):
    header, *rows = _by_channel(_get(as_user, agent, "en", "month"))
    assert header[:2] == ["Period", "Period, as on the page"]
    assert [row[:2] for row in rows] == [["2026-11-10", "November 2026"]]
    assert rows[0][-1] == "1"  # the total


def test_a_persian_csv_labels_the_jalali_month_as_the_page_does(created, as_user, agent):
    header, *rows = _by_channel(_get(as_user, agent, "fa", "month"))
    assert header[:2] == ["دوره", "دوره، همان‌گونه که در صفحه است"]
    # the Jalali month Aban 1405 began on 2026-10-23, before the report: shown from the report's start
    assert [row[:2] for row in rows] == [["2026-11-10", "آبان ۱۴۰۵"]]


def test_weeks_start_no_earlier_than_the_report_in_english(created, as_user, agent):
    _header, *rows = _by_channel(_get(as_user, agent, "en", "week"))
    # Monday weeks: the one of Nov 9 shows from the 10th; the ticket of the 14th counts in it
    assert [(row[0], row[1], row[-1]) for row in rows] == [
        ("2026-11-10", "Nov. 10, 2026", "1"),
        ("2026-11-16", "Nov. 16, 2026", "0"),
    ]


def test_weeks_start_no_earlier_than_the_report_in_persian(created, as_user, agent):
    _header, *rows = _by_channel(_get(as_user, agent, "fa", "week"))
    # Saturday weeks: the one of Nov 7 shows from the 10th (1405/08/19); the ticket of Saturday the 14th
    # opens the next one
    assert [(row[0], row[1], row[-1]) for row in rows] == [
        ("2026-11-10", "۱۴۰۵/۰۸/۱۹", "0"),
        ("2026-11-14", "۱۴۰۵/۰۸/۲۳", "1"),
    ]


def test_the_page_shows_the_first_week_from_the_reports_start(created, client, agent):
    client.force_login(agent)
    page = client.get("/agent/reports/volume/", {"bucket": "week", **RANGE}, HTTP_ACCEPT_LANGUAGE="fa")
    text = page.content.decode()
    assert "۱۴۰۵/۰۸/۱۹" in text and "۱۴۰۵/۰۸/۱۶" not in text  # not the Saturday before the start
