"""Old in-app notifications go nightly: read ones after HELPDESK_ALERTS_KEEP_READ_DAYS, unread ones
after HELPDESK_ALERTS_KEEP_UNREAD_DAYS, in batches; everything younger stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.celery import app
from tickets import tasks
from tickets.alerts.retention import alerts_purge
from tickets.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def _alert(user, *, days_old: int, read: bool) -> Notification:
    now = timezone.now()
    made = now - timedelta(days=days_old)
    return Notification.objects.create(
        recipient=user, kind=NotificationKind.ASSIGNED, created_at=made, read_at=made if read else None
    )


def test_read_notifications_go_after_90_days_and_unread_after_365(agent, other_agent):
    gone = [
        _alert(agent, days_old=91, read=True),
        _alert(other_agent, days_old=400, read=True),
        _alert(agent, days_old=366, read=False),
    ]
    kept = [
        _alert(agent, days_old=89, read=True),
        _alert(agent, days_old=200, read=False),
        _alert(other_agent, days_old=364, read=False),
        _alert(agent, days_old=0, read=False),
    ]
    assert alerts_purge(now=timezone.now()) == len(gone)
    assert set(Notification.objects.values_list("pk", flat=True)) == {n.pk for n in kept}
    assert alerts_purge(now=timezone.now()) == 0  # nothing left to do: running twice is harmless


def test_the_purge_works_in_batches_and_follows_the_settings(agent, settings, django_assert_max_num_queries):
    settings.HELPDESK_ALERTS_KEEP_READ_DAYS = 10
    settings.HELPDESK_ALERTS_KEEP_UNREAD_DAYS = 0  # switched off: unread ones stay however old
    settings.HELPDESK_ALERTS_PURGE_BATCH = 2
    for _ in range(5):
        _alert(agent, days_old=11, read=True)
    unread = _alert(agent, days_old=3000, read=False)
    # three batches of at most two and the empty fourth: a savepoint, a select and a delete each
    with django_assert_max_num_queries(4 * 5):
        assert alerts_purge(now=timezone.now()) == 5
    assert list(Notification.objects.values_list("pk", flat=True)) == [unread.pk]


def test_both_rules_off_deletes_nothing(agent, settings):
    settings.HELPDESK_ALERTS_KEEP_READ_DAYS = 0
    settings.HELPDESK_ALERTS_KEEP_UNREAD_DAYS = 0
    _alert(agent, days_old=5000, read=True)
    assert alerts_purge(now=timezone.now()) == 0 and Notification.objects.count() == 1


def test_the_nightly_beat_runs_the_purge_task(agent):
    assert app.conf.beat_schedule["alerts-purge"]["task"] == "tickets.tasks.alerts_purge"
    _alert(agent, days_old=100, read=True)
    assert tasks.alerts_purge.apply().get() == 1
