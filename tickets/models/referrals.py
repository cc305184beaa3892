"""Referrals to other teams and links between tickets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Team
from tickets.models.tickets import Ticket


class Referral(models.Model):
    """A ticket (or a question about it) handed to another team, tracked until answered."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="referrals")
    from_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals_sent")
    to_team = models.ForeignKey(
        Team, verbose_name=_("to team"), on_delete=models.PROTECT, related_name="referrals_received"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="referrals_made"
    )
    note = models.TextField(_("question or hand-off note"))
    handoff = models.BooleanField(_("hand the ticket over"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    customer_informed_at = models.DateTimeField(_("customer told the outcome"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_team", "state"], name="referral_team_state_idx"),
            models.Index(fields=["due_at"], name="referral_due_idx", condition=Q(state="open")),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.to_team}"

    @property
    def past_due(self) -> bool:
        """An open referral past its due time (the referrals report counts it late); lists of open
        referrals read only its due time for this, never its state."""
        return self.due_at is not None and self.due_at <= timezone.now()


class TicketLink(models.Model):
    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        PARENT = "parent", _("Parent of")
        DUPLICATE = "duplicate", _("Duplicate of")
        FOLLOW_UP = "follow_up", _("Follow-up of")

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket", "kind"], name="ticket_link_unique"),
            models.CheckConstraint(condition=~Q(from_ticket=models.F("to_ticket")), name="ticket_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"#{self.from_ticket_id} {self.kind} #{self.to_ticket_id}"
