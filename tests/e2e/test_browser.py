"""The browser fixture itself: what it opens, it closes."""

import pytest
from django.db import connection, connections

from helpdesk.models import Team

from .conftest import CHROMIUM, chromium

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")]


def test_database_connections_opened_while_the_browser_runs_are_closed_with_it(transactional_db):
    """While Playwright's event loop runs in this thread, Django gives ORM calls another connection than
    the test's; left open, it keeps PostgreSQL from dropping the test database at the end of the run."""
    Team.objects.count()
    own = connection.connection
    with chromium():
        Team.objects.count()
        during = connections["default"]
        assert during.connection is not None and during.connection is not own
    assert during.connection is None
    assert connection.connection is own  # the test's own connection is left alone
