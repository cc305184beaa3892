"""How long in-app notifications are kept: read ones HELPDESK_ALERTS_KEEP_READ_DAYS after they were
made (default 90), unread ones HELPDESK_ALERTS_KEEP_UNREAD_DAYS (default 365). The nightly beat task
`tickets.tasks.alerts_purge` deletes the older ones in batches of HELPDESK_ALERTS_PURGE_BATCH, one
transaction each, so the table never holds a long lock; 0 days switches a rule off."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from tickets.models import Notification


def alerts_expired(*, now: datetime) -> QuerySet[Notification]:
    """The notifications past their keeping time (through alert_created_idx: created_at < the cutoff)."""
    read_days, unread_days = settings.HELPDESK_ALERTS_KEEP_READ_DAYS, settings.HELPDESK_ALERTS_KEEP_UNREAD_DAYS
    kept = [days for days in (read_days, unread_days) if days > 0]
    if not kept:
        return Notification.objects.none()
    rules = Q(pk__in=[])
    if read_days > 0:
        rules |= Q(read_at__isnull=False, created_at__lt=now - timedelta(days=read_days))
    if unread_days > 0:
        rules |= Q(read_at__isnull=True, created_at__lt=now - timedelta(days=unread_days))
    # the bound both rules share, so the index range ends at the younger cutoff
    return Notification.objects.filter(rules, created_at__lt=now - timedelta(days=min(kept)))


def alerts_purge(*, now: datetime) -> int:
    """Delete the expired notifications, a batch per transaction (rows another run holds are skipped,
    so two beats never wait on each other); returns how many went."""
    batch = max(settings.HELPDESK_ALERTS_PURGE_BATCH, 1)
    total = 0
    while True:
        with transaction.atomic():
            claimed = alerts_expired(now=now).select_for_update(skip_locked=True).order_by("pk")
            ids = list(claimed.values_list("pk", flat=True)[:batch])
            if not ids:
                return total
            total += Notification.objects.filter(pk__in=ids).delete()[0]
