"""Routing rules: what an administrator says should happen to a new ticket (tickets.routing)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Priority, Team
from tickets.models.tickets import TicketType


class RoutingRule(models.Model):
    """One rule: conditions on a new ticket, and the fields it sets when they all hold.

    `conditions` is a list of `{"field": <name>, "values": [...]}` (tickets.routing.conditions names
    the fields and checks the values; a value list matches when the ticket has any one of them, and
    every condition must match). A new condition field (a category) is one more name there, not a
    new column. Actions are columns, so what they point at cannot be deleted from under them.
    Rules run in `position` order; a matching rule with `stop` ends the run.
    """

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Rules run from the lowest."))
    is_active = models.BooleanField(_("active"), default=True)
    stop = models.BooleanField(
        _("stop after this rule"), default=False, help_text=_("When this rule matches, later rules do not run.")
    )
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    set_team = models.ForeignKey(
        Team, verbose_name=_("set team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_priority = models.CharField(_("set priority"), max_length=16, choices=Priority.choices, blank=True)
    set_type = models.CharField(_("set type"), max_length=20, choices=TicketType.choices, blank=True)
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("set category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    add_tags = models.JSONField(_("add tags"), default=list, blank=True)
    # Why the helpdesk switched the rule off when it failed on a ticket (empty while it works).
    disabled_reason = models.CharField(_("disabled because"), max_length=255, blank=True, default="")
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        # tickets.routing.engine loads the active rules in order on every new ticket (when they changed)
        indexes = [models.Index(fields=["position", "id"], name="routing_rule_active_idx", condition=Q(is_active=True))]

    def __str__(self) -> str:
        return self.name
