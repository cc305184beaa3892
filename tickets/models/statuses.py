"""A team's own statuses ("waiting for a fix", "visit scheduled"), each standing for exactly one base
status of the transition table (tickets.transitions), so SLA pausing, reports and the portal keep
working on the base status. Only tickets.services.status sets a ticket's `custom_status`, always
together with its base status."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Team
from helpdesk.names import name_in_language
from tickets.models.tickets import Status

# The base statuses a custom status may stand for: new is only ever a ticket's first status and
# closed is final, so neither can be chosen as a step of the work.
CUSTOM_BASES = (Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED)


class CustomStatus(models.Model):
    """A status an administrator adds: its agent label and its customer label, each in English and
    Persian (Persian falls back to English; an empty customer label shows the base status's own
    customer wording), its base status, order, whether it is offered, and the teams it is for (none:
    every team)."""

    name = models.CharField(_("agent label"), max_length=80)
    name_fa = models.CharField(_("agent label in Persian"), max_length=80, blank=True, default="")
    customer_name = models.CharField(
        _("customer label"),
        max_length=80,
        blank=True,
        default="",
        help_text=_("What customers read (portal, mail). Empty: the usual wording of the base status."),
    )
    customer_name_fa = models.CharField(_("customer label in Persian"), max_length=80, blank=True, default="")
    base_status = models.CharField(
        _("base status"),
        max_length=16,
        choices=[(value, label) for value, label in Status.choices if value in CUSTOM_BASES],
        help_text=_("The status of the workflow this one stands for: SLA, reports and the portal follow it."),
    )
    teams = models.ManyToManyField(
        Team,
        verbose_name=_("teams"),
        blank=True,
        related_name="+",
        help_text=_("Offered on tickets of these teams only; none: every team."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("custom status")
        verbose_name_plural = _("custom statuses")
        constraints = [
            models.CheckConstraint(condition=models.Q(base_status__in=CUSTOM_BASES), name="custom_status_base_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The agent label in the active language."""
        return name_in_language(self.name, self.name_fa)

    @property
    def customer_text(self) -> str:
        """The customer label in the active language; empty when it has none (say the base status)."""
        return name_in_language(self.customer_name, self.customer_name_fa)

    def labels(self) -> dict[str, Any]:
        """Every label as it is now, stored in the events so a later rename does not rewrite history."""
        return {
            "id": self.pk,
            "name": self.name,
            "name_fa": self.name_fa,
            "customer": self.customer_name,
            "customer_fa": self.customer_name_fa,
            "base": self.base_status,
        }
