"""In-app notifications for agents ("alerts", beside the mail outbox) and each agent's choice of channel.

A Notification is one line in an agent's notification centre (tickets.alerts). The mail side of the
same news stays in the outbox (helpdesk.NotificationLog); tickets.alerts.services.notify decides, per
recipient and kind, which of the two (or both, or none) is written.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.referrals import Referral
from tickets.models.tickets import Ticket


class NotificationKind(models.TextChoices):
    TEAM_TICKET = "team_ticket", _("New ticket in my team's queue")
    ASSIGNED = "assigned", _("Ticket assigned to me")
    CUSTOMER_REPLY = "customer_reply", _("Customer replied to my ticket")
    MENTION = "mention", _("Mentioned in an internal note")
    REFERRAL = "referral", _("Referral to my team")
    REFERRAL_ANSWERED = "referral_answered", _("My referral answered")
    REFERRAL_DUE = "referral_due", _("Referral due soon")
    REFERRAL_OVERDUE = "referral_overdue", _("Referral overdue")
    SLA_WARNING = "sla_warning", _("SLA due soon on my ticket")
    SLA_BREACHED = "sla_breached", _("SLA breached on my ticket")
    BAD_RATING = "bad_rating", _("Bad rating on my team's ticket")
    AUTOMATION = "automation", _("A trigger or timed rule tells me")


class Delivery(models.TextChoices):
    BOTH = "both", _("In the app and by mail")
    INAPP = "inapp", _("In the app")
    MAIL = "mail", _("By mail")
    NONE = "none", _("Not at all")


# What each kind does for an agent who chose nothing: in the app always, and by mail what was mailed
# before the notification centre existed (so nobody loses a mail they had).
DEFAULT_DELIVERY = {
    kind: Delivery.INAPP
    for kind in (
        NotificationKind.TEAM_TICKET,
        NotificationKind.CUSTOMER_REPLY,
        NotificationKind.MENTION,
        NotificationKind.AUTOMATION,
    )
} | {
    kind: Delivery.BOTH
    for kind in (
        NotificationKind.ASSIGNED,
        NotificationKind.REFERRAL,
        NotificationKind.REFERRAL_ANSWERED,
        NotificationKind.REFERRAL_DUE,
        NotificationKind.REFERRAL_OVERDUE,
        NotificationKind.BAD_RATING,  # the lead was mailed before the notification centre existed
        NotificationKind.SLA_WARNING,
        NotificationKind.SLA_BREACHED,
    )
}


class Notification(models.Model):
    """One piece of news for one agent: what happened (kind + params), where (ticket, referral), who."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Short values the line is written from in the reader's language (e.g. {"target": "resolution"}).
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # the bell's unread count (recipient = … AND read_at IS NULL, LIMIT 100: an index range),
            # the unread list newest first, and the full list (the recipient's rows, then a top-N sort)
            models.Index(fields=["recipient", "read_at", "-created_at"], name="alert_recipient_unread_idx"),
            # the nightly purge of old notifications (tickets.alerts.retention): created_at < cutoff
            models.Index(fields=["created_at"], name="alert_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """An agent's choice for one kind; no row means DEFAULT_DELIVERY."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="alert_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} = {self.delivery}"
