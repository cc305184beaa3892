"""The outbox's rows: webhook endpoints and every outbound mail or webhook delivery (NotificationLog).

The tables keep the names they had when the outbox lived in `tickets` (the rows moved with the
models, not the data). A row about a ticket stores the ticket's id as a plain integer (`ticket_id`):
the outbox sits below the apps that send, so it holds no reference up to their models.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.audit.records import AuditedRecords


class WebhookEndpoint(models.Model):
    """An address another system gave us: every event it subscribes to is POSTed there as signed JSON
    (helpdesk.outbox.delivery). The signing secret is stored encrypted (helpdesk.crypto)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("The events to send; none selected means every event.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.TextField(_("signing secret (encrypted)"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_delivery_at = models.DateTimeField(_("last delivery"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)

    # Never the signing secret, nor the delivery bookkeeping.
    history = AuditedRecords(
        excluded_fields=["secret", "last_delivery_at", "last_status", "last_error", "consecutive_failures"],
        secret_fields=["secret"],
    )

    class Meta:
        db_table = "tickets_webhookendpoint"
        ordering = ["name", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class NotificationLog(models.Model):
    """The outbox: every outbound email or webhook is a row first, unique on what it is for.

    Sending marks `sent_at` (in its own committed write, right after the SMTP server took the mail);
    the sweep re-sends rows never marked, after their backoff (helpdesk.outbox.schedule).
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EMAIL)
    key = models.CharField(max_length=200, unique=True)
    # The ticket the row is about, if any (a plain id: the outbox does not reference tickets' models).
    # When the ticket is deleted the row stays as the record of what was sent; mail not yet sent is
    # dropped by the sender (see tickets.notifications).
    ticket_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    recipient = models.CharField(max_length=320)
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A worker's lease on the row (helpdesk.outbox.schedule.claim_lease), renewed while it sends.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Sent, or finished without sending (`dropped`, the reason in `last_error`).
    sent_at = models.DateTimeField(null=True, blank=True)
    dropped = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a failed attempt: not before this time (the backoff); None means now.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a mail was handed to the SMTP server (the DATA phase began) with no outcome recorded since:
    # the server may have it. The next attempt sends it again with the same Message-ID, marked as a
    # resend (X-Helpdesk-Resend), and counts it in `resends`.
    handoff_at = models.DateTimeField(null=True, blank=True)
    resends = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    # Our Message-ID of the mail (without <>), so a customer's reply threads back to the ticket.
    message_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    # A webhook delivery's endpoint (kind webhook); `template` holds the event name.
    webhook = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,  # notification_webhook_idx serves both the lookups and the newest-first list
    )

    class Meta:
        db_table = "tickets_notificationlog"
        ordering = ["id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["created_at"], name="notification_unsent_idx", condition=Q(sent_at__isnull=True)),
            # the acknowledgement rate limit: mails to one address since an hour ago
            models.Index(fields=["recipient", "created_at"], name="notification_recipient_idx"),
            # an endpoint's deliveries, newest first (the API's delivery log)
            models.Index(
                fields=["webhook", "-id"], name="notification_webhook_idx", condition=Q(webhook__isnull=False)
            ),
            # webhook deliveries by age (the nightly purge)
            models.Index(
                fields=["created_at"], name="notification_webhook_age_idx", condition=Q(webhook__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.key
