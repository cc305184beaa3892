"""Sending: a worker claims a row with a conditional UPDATE (a lease, renewed while it sends), sends it
and marks it; a failure leaves the row unsent with its error and the time of the next attempt, for
the sweep to pick up (helpdesk.outbox.schedule: one attempt count and one backoff for all rows).
The claim takes only a row that is due, as the sweep selects them (`_due`): however many jobs for a
row pile up (queued during a worker outage, or by sweeps that stacked up), one of them makes the
attempt and the others find the row sent, held or backing off, and do nothing. The claim is the row's
"in flight" mark: its lease is renewed for as long as the attempt runs, however slow, so no other
worker takes the row meanwhile; a failed attempt lets it go with its backoff counted from when the
attempt ended, so a slow attempt still waits its whole step before the next one.

A mail is marked sent in its own committed write the moment the SMTP server has accepted it, before
the conversation is closed, retried on a fresh database connection when the old one was lost. Just
before the DATA phase the row records `handoff_at`: a row that still has it on its next attempt may
already be with the server (the worker died, or the database stayed away, in between), so it goes
again with the same Message-ID, marked `X-Helpdesk-Resend`, and is counted in `resends`.
"""

import logging
import smtplib
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.utils import timezone

from helpdesk.mail import mail_render
from helpdesk.outbox import alerts, delivery, registry
from helpdesk.outbox.durable import ClaimLease, durable
from helpdesk.outbox.headers import header_safe, new_message_id, sender_address
from helpdesk.outbox.models import NotificationLog
from helpdesk.outbox.schedule import MAX_ATTEMPTS, SWEEP_GRACE, retry_backoff, unclaimed

logger = logging.getLogger(__name__)
# Kept for the webhook API and tests: webhooks share the one schedule.
WEBHOOK_MAX_ATTEMPTS = MAX_ATTEMPTS
webhook_backoff = retry_backoff
RESEND_HEADER = "X-Helpdesk-Resend"


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
        template=plan.template or row.template, language=plan.language, time_zone=plan.time_zone, context=plan.context
    )
    subject = plan.subject(rendered.subject) if plan.subject else header_safe(rendered.subject)[:200]
    headers = {"Message-ID": f"<{row.message_id}>", **plan.headers}
    mail = rendered.email(
        to=header_safe(plan.to or row.recipient),
        subject=subject,
        headers=headers,
        from_email=sender_address(settings.DEFAULT_FROM_EMAIL, language=rendered.language),
    )
    for file in plan.files:  # a non-ASCII name goes out as RFC 2231 (filename*=utf-8''...)
        mail.attach(file.name, file.content, file.content_type)
    return mail


def _due(now: datetime) -> Q:
    """A row that may be attempted now: unsent, attempts left, backoff over, held by nobody (never
    claimed, or a lease that ran out). The one test for the sweep and for the claim."""
    return (
        Q(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & unclaimed(now)
    )


def _claim(notification_id: int, now: datetime) -> bool:
    """Take the row if it is due; False when it is sent, failed for good, backing off or another
    worker's lease on it still runs. One conditional UPDATE, so two jobs never both take it (and no
    row lock: SQLite has none)."""
    return bool(NotificationLog.objects.filter(_due(now), pk=notification_id).update(claimed_at=now))


def _definitely_refused(exc: BaseException) -> bool:
    """Whether the server answered this attempt with a refusal (it does not have the mail), as
    opposed to a connection lost or timed out during the hand-off (it may have it)."""
    return isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _hand_off(row: NotificationLog, mail: EmailMultiAlternatives) -> None:
    """The SMTP conversation: connect, record the hand-off, DATA, mark sent, and only then QUIT."""
    resend = row.handoff_at is not None
    if resend:
        mail.extra_headers[RESEND_HEADER] = str(row.resends + 1)
    connection = get_connection()
    connection.open()  # a server that is down or silent fails here, before anything is recorded
    try:
        handoff: dict = {"handoff_at": timezone.now()}
        if resend:
            handoff["resends"] = row.resends + 1
        durable(lambda: NotificationLog.objects.filter(pk=row.pk).update(**handoff))
        mail.connection = connection
        mail.send()
        durable(
            lambda: NotificationLog.objects.filter(pk=row.pk).update(
                sent_at=timezone.now(), attempts=row.attempts + 1, last_error="", handoff_at=None
            )
        )
    except Exception as exc:
        if _definitely_refused(exc):  # this attempt is not with the server; an earlier one may be
            durable(lambda: NotificationLog.objects.filter(pk=row.pk).update(handoff_at=row.handoff_at))
        raise
    finally:
        try:
            connection.close()  # QUIT: the mail is the server's and marked; a failure here changes nothing
        except Exception as exc:  # noqa: BLE001 - nothing left to do about it
            logger.info("closing the SMTP connection after %s failed: %s", row.key, exc)


def _send(row: NotificationLog) -> str:
    """Send one row; "" when sent (and marked), else why it was finished without sending."""
    if row.kind == NotificationLog.Kind.WEBHOOK:
        dropped = delivery.webhook_deliver(row)
    else:
        try:
            mail = mail_build(row)
        except registry.MailDropped as exc:
            dropped = str(exc) or "dropped"
        else:
            _hand_off(row, mail)
            return ""
    durable(
        lambda: NotificationLog.objects.filter(pk=row.pk).update(
            sent_at=timezone.now(), attempts=row.attempts + 1, last_error=dropped, dropped=bool(dropped)
        )
    )
    return dropped


def _failed(row: NotificationLog, exc: Exception, ended_at: datetime, lease: ClaimLease) -> None:
    """Record a failed attempt: the error, the backoff counted from when the attempt ended, the claim
    let go; the admins are told when it was the last one."""
    logger.warning("notification %s to %s failed: %s", row.key, row.recipient, exc)
    attempts = row.attempts + 1
    durable(
        lambda: NotificationLog.objects.filter(pk=row.pk, sent_at__isnull=True, claimed_at=lease.current).update(
            claimed_at=None,
            attempts=attempts,
            last_error=str(exc)[:2000],
            next_attempt_at=ended_at + retry_backoff(attempts),
        )
    )
    if attempts >= MAX_ATTEMPTS:
        durable(lambda: alerts.outbox_failed_notify(row=row, now=ended_at))


def notification_send(*, notification_id: int, now: datetime | None = None) -> bool:
    """Claim and send one outbox row if it is due; True when this call sent it. Safe to call any
    number of times: a call that finds the row not due does nothing and spends no attempt.

    Raises what the attempt failed with, after recording it (the sweep tries again after the backoff).
    """
    now = now or timezone.now()
    if not _claim(notification_id, now):
        return False
    row = NotificationLog.objects.select_related("webhook").get(pk=notification_id)
    lease = ClaimLease(row_id=row.pk, claimed_at=now)
    try:
        with lease:
            dropped = _send(row)
    except Exception as exc:  # SMTP, HTTP and template errors: keep the row, retry later, stay visible
        # The backoff counts from when the attempt ended (the clock, or the caller's `now` when that is
        # later), not from the claim: an attempt longer than its step (an SMTP timeout of a minute
        # against a backoff of one) would otherwise let the row go already due, for the next job at once.
        _failed(row, exc, max(now, timezone.now()), lease)
        raise
    return not dropped


def notifications_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Rows due (see `_due`) and older than the sweep's grace, oldest first: the sweep's work."""
    return list(
        NotificationLog.objects.filter(_due(now), created_at__lte=now - SWEEP_GRACE)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
