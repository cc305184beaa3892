"""Issue #15: the demo (load_demo) gives every report something to show, through the services."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpdesk.models import User
from helpdesk.outbox.models import NotificationLog
from tickets.models import Deflection, Opportunity
from tickets.reports import REPORTS, report_run
from tickets.reports.params import ReportForm
from tickets.reports.summary import report_summary_refresh


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    report_summary_refresh()
    return User.objects.get(email="admin@example.com")


def _run(slug: str, user: User):
    start = (timezone.localdate() - timedelta(days=90)).isoformat()
    form = ReportForm({"start": start}, report=REPORTS[slug])
    assert form.is_valid(), form.errors
    return report_run(REPORTS[slug], form.params(user=user))


def test_every_report_has_rows_in_every_table_of_the_demo(demo):
    for slug in REPORTS:
        result = _run(slug, demo)
        empty = [table.key for table in result.tables if not table.rows]
        assert not empty, (slug, empty)


def test_the_demo_has_real_rates_opportunities_in_every_state_and_deflected_requests(demo):
    satisfaction = {figure.key: figure.value for figure in _run("satisfaction", demo).figures}
    assert 0 < satisfaction["response_rate"] < 100
    assert set(Opportunity.objects.values_list("state", flat=True)) == set(Opportunity.State.values)
    assert Deflection.objects.filter(ticket__isnull=True).exists() and Deflection.objects.exclude(ticket=None).exists()
    resolution = {figure.key: figure.value for figure in _run("resolution", demo).figures}
    assert 0 < resolution["reopened_percent"] < 50 and 50 < resolution["first_contact_percent"] < 100
    sla = {figure.key: figure.value for figure in _run("sla", demo).figures}
    assert sla["deflected"] >= 1 and sla["converted"] >= 1
    assert not NotificationLog.objects.filter(sent_at__isnull=True).exists()  # the demo mails nobody
