"""Sending: a worker claims a row with a conditional UPDATE, sends it, and marks it; a failure leaves
the row unsent with its error and the time of the next attempt, for the sweep to pick up.

Mail: a Celery retry every 30 s, then the sweep every 2 minutes, MAX_ATTEMPTS in all. Webhooks wait
longer for the other side: 1, 2, 4 ... minutes apart, at most 6 hours, for about two days.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from helpdesk.mail import mail_render
from helpdesk.outbox import delivery, registry
from helpdesk.outbox.headers import header_safe, new_message_id
from helpdesk.outbox.models import NotificationLog

logger = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 8
WEBHOOK_MAX_ATTEMPTS = delivery.WEBHOOK_MAX_ATTEMPTS
WEBHOOK_MAX_BACKOFF = timedelta(hours=6)


def webhook_backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed delivery of a webhook."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), WEBHOOK_MAX_BACKOFF)


def plain_mail(row: NotificationLog) -> registry.MailPlan:
    """The mail builder of rows whose context is the template's context as queued (plus the reader's
    `language` and `time_zone`): account mail. An app registers it for its templates."""
    context = {k: v for k, v in row.context.items() if k not in ("language", "time_zone")}
    return registry.MailPlan(
        context=context,
        # rows queued before the language was stored: the site's
        language=row.context.get("language") or settings.LANGUAGE_CODE,
        time_zone=row.context.get("time_zone", ""),
        headers={"Auto-Submitted": "auto-generated"},
    )


def mail_build(row: NotificationLog) -> EmailMultiAlternatives:
    """The mail of an outbox row, written by the builder its template registered, in the reader's
    language and time zone. Raises registry.MailDropped when there is nothing to send any more."""
    if not row.message_id:  # a row queued before Message-IDs were stored
        row.message_id = new_message_id()
        NotificationLog.objects.filter(pk=row.pk, message_id="").update(message_id=row.message_id)
    plan = registry.mail_builder(row.template)(row)
    rendered = mail_render(
        template=row.template, language=plan.language, time_zone=plan.time_zone, context=plan.context
    )
    subject = plan.subject(rendered.subject) if plan.subject else header_safe(rendered.subject)[:200]
    headers = {"Message-ID": f"<{row.message_id}>", **plan.headers}
    return rendered.email(to=header_safe(plan.to or row.recipient), subject=subject, headers=headers)


def _claim(notification_id: int, now: datetime) -> bool:
    stale = now - CLAIM_TIMEOUT
    return bool(
        NotificationLog.objects.filter(pk=notification_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )


def _send(row: NotificationLog) -> str:
    """Send one row; "" when sent, else why it was finished without sending."""
    if row.kind == NotificationLog.Kind.WEBHOOK:
        return delivery.webhook_deliver(row)
    try:
        mail = mail_build(row)
    except registry.MailDropped as dropped:
        return str(dropped) or "dropped"
    mail.send()
    return ""


def notification_send(*, notification_id: int, now: datetime | None = None) -> bool:
    """Claim and send one outbox row; True when this call sent it. Safe to call twice."""
    now = now or timezone.now()
    if not _claim(notification_id, now):
        return False
    row = NotificationLog.objects.select_related("webhook").get(pk=notification_id)
    try:
        dropped = _send(row)
    except Exception as exc:  # SMTP, HTTP and template errors: keep the row, retry later, stay visible
        logger.warning("notification %s to %s failed: %s", row.key, row.recipient, exc)
        attempts = row.attempts + 1
        retry_at = now + webhook_backoff(attempts) if row.kind == NotificationLog.Kind.WEBHOOK else None
        NotificationLog.objects.filter(pk=row.pk).update(
            claimed_at=None, attempts=attempts, last_error=str(exc)[:2000], next_attempt_at=retry_at
        )
        raise
    NotificationLog.objects.filter(pk=row.pk).update(
        sent_at=timezone.now(), attempts=row.attempts + 1, last_error=dropped
    )
    return not dropped


def notifications_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Unsent rows nobody holds (never claimed, or claimed by a worker that died), whose backoff is over."""
    stale = now - CLAIM_TIMEOUT
    webhook = NotificationLog.Kind.WEBHOOK
    return list(
        NotificationLog.objects.filter(sent_at__isnull=True)
        .filter(
            Q(attempts__lt=MAX_ATTEMPTS) & ~Q(kind=webhook) | Q(kind=webhook, attempts__lt=WEBHOOK_MAX_ATTEMPTS),
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(created_at__lte=now - timedelta(seconds=30))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
