"""What shows that the outbox is in trouble: the admins' mail when a row finally fails, and the
counts /healthz reports (`outbox_health`).

The admins' mail is itself an outbox row (template `outbox_failed`), one per active administrator
and day however many rows fail that day, and written when it is sent: it counts the failed rows then.
A failed admin notice does not cause another one.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from helpdesk.mail import recipient_locale
from helpdesk.models import Role, User
from helpdesk.outbox import registry
from helpdesk.outbox.headers import new_message_id
from helpdesk.outbox.models import NotificationLog
from helpdesk.outbox.schedule import MAX_ATTEMPTS, OVERDUE_AFTER, unclaimed

FAILED_TEMPLATE = "outbox_failed"


def failed_rows():
    """Rows that used every attempt and were never sent (the admin can retry them)."""
    return NotificationLog.objects.filter(sent_at__isnull=True, attempts__gte=MAX_ATTEMPTS)


def outbox_failed_notify(*, row: NotificationLog, now: datetime) -> int:
    """Tell every active administrator that outbox rows failed: one mail each per day (the key),
    written to the outbox, where the sweep sends it. Returns how many were new."""
    if row.template == FAILED_TEMPLATE:
        return 0
    day = now.date().isoformat()
    admins = User.objects.filter(is_active=True, role=Role.ADMIN).exclude(email="")
    rows = [
        NotificationLog(
            key=f"{FAILED_TEMPLATE}:{day}:{admin.email.lower()}"[:200],
            recipient=admin.email,
            template=FAILED_TEMPLATE,
            context=recipient_locale(user=admin),
            message_id=new_message_id(),
            created_at=now,
        )
        for admin in admins
    ]
    # counted by key (unique, indexed): the outbox table is large, its template column unindexed
    keys = [r.key for r in rows]
    before = NotificationLog.objects.filter(key__in=keys).count()
    NotificationLog.objects.bulk_create(rows, ignore_conflicts=True)
    return NotificationLog.objects.filter(key__in=keys).count() - before


def failed_mail(row: NotificationLog) -> registry.MailPlan:
    """The admins' mail about failed rows, with the count as it is when the mail is sent."""
    admin_url = reverse("admin:helpdesk_notificationlog_changelist")
    return registry.MailPlan(
        context={"failed": failed_rows().count(), "admin_url": f"{admin_url}?failed=1"},
        language=row.context.get("language") or settings.LANGUAGE_CODE,
        time_zone=row.context.get("time_zone", ""),
        headers={"Auto-Submitted": "auto-generated"},
    )


def outbox_health(*, now: datetime | None = None) -> dict[str, int]:
    """For /healthz: `failed` rows (every attempt used, never sent) and `overdue` ones (their time to
    be sent passed more than OVERDUE_AFTER ago and no live worker holds them: workers or the sweep
    are not keeping up). Rows waiting out their backoff are neither."""
    now = now or timezone.now()
    late = now - OVERDUE_AFTER
    overdue = (
        NotificationLog.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(next_attempt_at__lte=late) | Q(next_attempt_at__isnull=True, created_at__lte=late))
        .filter(unclaimed(now))
    )
    return {"failed": failed_rows().count(), "overdue": overdue.count()}
