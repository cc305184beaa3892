"""Each source's statuses and priorities onto ours: solved and closed stay so, nothing unknown slips in."""

from datetime import UTC, datetime

import pytest

from tickets.imports import django_helpdesk, osticket, zammad
from tickets.models import Status


@pytest.mark.parametrize(
    ("status", "on_hold", "assigned", "followups", "expected"),
    [
        (1, False, None, [], Status.NEW),
        (1, False, 7, [], Status.OPEN),
        (2, False, None, [{"new_status": 2}], Status.OPEN),
        (1, True, 7, [], Status.ON_HOLD),
        (3, False, 7, [], Status.SOLVED),
        (4, False, 7, [], Status.CLOSED),
        (5, False, None, [], Status.CLOSED),
        (9, False, None, [], None),
    ],
)
def test_django_helpdesk_statuses(status, on_hold, assigned, followups, expected):
    row = {"status": status, "on_hold": on_hold, "assigned_to_id": assigned}
    assert django_helpdesk._status(row, followups) == expected


def test_zammad_and_osticket_statuses_keep_finished_tickets_finished():
    assert zammad.STATES["closed"] == zammad.STATES["merged"] == Status.CLOSED
    assert zammad.STATES["pending reminder"] == zammad.STATES["pending close"] == Status.PENDING
    assert "removed" not in zammad.STATES
    assert osticket.STATUSES == {
        "open": Status.OPEN,
        "resolved": Status.SOLVED,
        "closed": Status.CLOSED,
        "archived": Status.CLOSED,
    }
    assert django_helpdesk.PRIORITIES[1] == "urgent" and django_helpdesk.PRIORITIES[5] == "low"


def test_django_helpdesk_times_from_any_database_become_aware_utc():
    aware = datetime(2021, 3, 1, 9, 30, tzinfo=UTC)
    assert django_helpdesk._aware(aware) == aware
    assert django_helpdesk._aware(datetime(2021, 3, 1, 9, 30)) == aware  # noqa: DTZ001 - what SQLite gives
    assert django_helpdesk._aware("2021-03-01 09:30:00") == aware
