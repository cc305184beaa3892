"""SLA policies: targets per priority and the escalation steps after a breach."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models.calendars import BusinessCalendar
from helpdesk.dates import fill
from helpdesk.models import Priority
from helpdesk.names import NamedInLanguages


class SlaPolicy(NamedInLanguages, models.Model):
    """Promised response and resolution times, in business minutes of a calendar."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("business calendar"), on_delete=models.PROTECT, related_name="policies"
    )
    is_default = models.BooleanField(_("default policy"), default=False)
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at percent of target"), null=True, blank=True, default=75
    )
    warning_minutes_before = models.PositiveIntegerField(_("warn minutes before due"), null=True, blank=True)
    pause_on_hold = models.BooleanField(_("pause resolution clock while on hold"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_sla_policy"),
        ]

    def __str__(self) -> str:
        return self.display_name


class SlaTarget(models.Model):
    """The targets of one policy for one priority, in business minutes (empty = no target)."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"), null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"), null=True, blank=True)

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [models.UniqueConstraint(fields=["policy", "priority"], name="one_target_per_priority")]

    def __str__(self) -> str:
        return f"{self.policy} / {self.get_priority_display()}"


class EscalationStep(models.Model):
    """What happens a number of minutes after a breach: notify, reassign, raise priority."""

    class Action(models.TextChoices):
        NOTIFY_TEAM_LEAD = "notify_team_lead", _("Notify the team lead")
        NOTIFY_USER = "notify_user", _("Notify a person")
        REASSIGN_TEAM = "reassign_team", _("Reassign to a team")
        RAISE_PRIORITY = "raise_priority", _("Raise the priority")

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="escalation_steps")
    minutes_after_breach = models.PositiveIntegerField(_("minutes after breach"), default=0)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Escalation mail is internal: agents and administrators only (customers.rules.step_errors says so).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["agent", "admin"]},
    )

    class Meta:
        ordering = ["policy", "minutes_after_breach", "id"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self) -> str:
        text = gettext("%(minutes)d min after the breach: %(action)s")
        return fill(text, {"minutes": self.minutes_after_breach, "action": self.get_action_display()})
