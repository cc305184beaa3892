"""Triggers and timed rules: what an administrator says should happen to a ticket when something
happens on it (a Trigger) or when it has stayed in a state for a while (a TimedRule). tickets.triggers
runs them; tickets.routing.conditions names their conditions (TRIGGER_FIELDS).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Priority, Team, WebhookEndpoint
from tickets.models.problems import Category
from tickets.models.tickets import Status, Ticket


class TriggerEvent(models.TextChoices):
    """What a trigger fires on; tickets.triggers.hook names the event a TicketEvent is."""

    CREATED = "created", _("Ticket created")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    AGENT_REPLIED = "agent_replied", _("Agent replied")
    STATUS_CHANGED = "status_changed", _("Status changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    REFERRAL_ANSWERED = "referral_answered", _("Referral answered")
    RATED = "rated", _("Rated")
    FEEDBACK_LINKED = "feedback_linked", _("Linked to product feedback")


class TimedSince(models.TextChoices):
    """The moment a timed rule counts from."""

    CREATED = "created", _("created")
    UPDATED = "updated", _("last updated")
    CUSTOMER = "customer", _("last customer message")
    AGENT = "agent", _("last agent message")
    STATUS = "status", _("entered its status")


def _ref(model, label):
    return models.ForeignKey(
        model, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class Automation(models.Model):
    """What triggers and timed rules share: conditions, the actions (columns, so what they name cannot
    be deleted from under them) and why the helpdesk switched one off.

    `conditions` is a list of `{"field", "values"}` as for routing rules (TRIGGER_FIELDS). The reply
    is a template in English and Persian; the requester gets it in their language, with the macros'
    `{{ticket.subject}}`-style placeholders filled in (tickets.placeholders; the older `{subject}` too).
    """

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Rules run from the lowest."))
    is_active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    set_status = models.CharField(_("set status"), max_length=16, choices=Status.choices, blank=True)
    set_priority = models.CharField(_("set priority"), max_length=16, choices=Priority.choices, blank=True)
    set_team = _ref(Team, _("set team"))
    set_assignee = _ref(settings.AUTH_USER_MODEL, _("set assignee"))
    set_category = _ref(Category, _("set category"))
    add_tags = models.JSONField(_("add tags"), default=list, blank=True)
    note = models.TextField(_("internal note"), blank=True, default="")
    notify_user = _ref(settings.AUTH_USER_MODEL, _("notify agent"))
    notify_team = _ref(Team, _("notify team"))
    notify_lead = models.BooleanField(_("notify the lead of the ticket's team"), default=False)
    reply_en = models.TextField(_("public reply (English)"), blank=True, default="")
    reply_fa = models.TextField(_("public reply (Persian)"), blank=True, default="")
    author = _ref(settings.AUTH_USER_MODEL, _("messages written as"))
    webhook = _ref(WebhookEndpoint, _("call webhook"))
    # Why the helpdesk switched it off when it failed on a ticket (empty while it works).
    disabled_reason = models.CharField(_("disabled because"), max_length=255, blank=True, default="")
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Trigger(Automation):
    """Runs when one of its `events` happens on a ticket whose state matches its conditions."""

    events = models.JSONField(_("events"), default=list, blank=True)
    stop = models.BooleanField(
        _("stop after this trigger"), default=False, help_text=_("When this trigger matches, later ones do not run.")
    )

    class Meta(Automation.Meta):
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        # tickets.triggers.engine loads the active triggers in order after every event (when they changed)
        indexes = [models.Index(fields=["position", "id"], name="trigger_active_idx", condition=Q(is_active=True))]


class TimedRule(Automation):
    """Acts once on each ticket that has been in `status` for `minutes` (business minutes of the ticket's
    calendar when `business_hours`) since `since`; again only after the ticket leaves the status and
    comes back (a new cycle)."""

    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    since = models.CharField(_("counted from"), max_length=16, choices=TimedSince.choices)
    minutes = models.PositiveIntegerField(_("minutes"), help_text=_("In business hours: 8 hours a day is 480."))
    business_hours = models.BooleanField(_("business hours"), default=False)

    class Meta(Automation.Meta):
        verbose_name = _("timed rule")
        verbose_name_plural = _("timed rules")
        indexes = [models.Index(fields=["position", "id"], name="timed_rule_active_idx", condition=Q(is_active=True))]


class TimedRuleRun(models.Model):
    """The claim of one timed rule on one ticket for one cycle (when the ticket entered its status),
    inserted before acting in the same transaction: the unique row makes a second sweep skip it, and
    a sweep that dies rolls its claim back with its changes."""

    rule = models.ForeignKey(TimedRule, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    cycle = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "ticket", "cycle"], name="timed_rule_run_once")]

    def __str__(self) -> str:
        return f"{self.rule_id} on #{self.ticket_id} ({self.cycle.isoformat()})"
