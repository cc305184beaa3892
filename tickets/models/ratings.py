"""Satisfaction ratings and the API's idempotency keys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact
from helpdesk.models import NotificationLog
from tickets.models.tickets import Ticket


class IdempotencyKey(models.Model):
    """The first answer to a write sent with an `Idempotency-Key` header, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class SatisfactionRating(models.Model):
    """How the requester rated the help on a solved request: 1 (bad) to 5 (great), one per request.

    Written only by tickets.ratings.rating_submit; changeable for HELPDESK_RATING_CHANGE_DAYS.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction_rating")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"),
        ]
        # the ratings API's newest-first pages and the roll-up's date range (tickets.satisfaction)
        indexes = [models.Index(fields=["-created_at", "-id"], name="rating_created_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.score}/5"


class SatisfactionSurvey(models.Model):
    """The satisfaction survey mail of one ticket, queued once by the survey sweep
    (tickets.satisfaction.surveys). Sent when its outbox row is: `notification.sent_at` and not dropped.
    A survey dropped because the ticket reopened before it went is deleted, so the next solve gets one."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction_survey")
    notification = models.OneToOneField(
        NotificationLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The solve the survey follows (Ticket.solved_at when it was queued).
    solved_at = models.DateTimeField(_("solved"))
    queued_at = models.DateTimeField(_("survey queued"), default=timezone.now)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        # the roll-up's date range (tickets.satisfaction.stats)
        indexes = [models.Index(fields=["queued_at"], name="survey_queued_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} survey"


class RatingFollowUp(models.Model):
    """A bad rating to follow up on: the team lead is told, and it stays open until an agent marks it
    done with a note (tickets.satisfaction.follow_ups). At most one open per ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="rating_follow_ups")
    rating = models.ForeignKey(
        SatisfactionRating, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("done"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating follow-up")
        verbose_name_plural = _("rating follow-ups")
        constraints = [
            # also the index of the agent list's ?follow_up=open (an EXISTS per ticket)
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(resolved_at__isnull=True), name="follow_up_one_open_per_ticket"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.score}/5 follow-up"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- The email channel --------------------------------------------------------------------------
