"""Time tracking: the kinds of work agents log (activity types) and the time they spent on tickets.

Agents only write and read entries; customers see only the totals against their contract's hours bank
(tickets.timetrack.selectors), never an entry or the agent who logged it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.names import NamedInLanguages
from tickets.models.conversation import Message
from tickets.models.tickets import Ticket

# One entry is at most a day's work: a typo of 9000 minutes should not eat a contract's bank.
MAX_ENTRY_MINUTES = 24 * 60


class ActivityType(NamedInLanguages, models.Model):
    """A kind of work time is logged for (investigation, phone call, remote session, travel)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower comes first."))
    for_calls = models.BooleanField(
        _("for phone calls"), default=False, help_text=_("The duration of a logged call is counted as this activity.")
    )

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")

    def __str__(self) -> str:
        return self.display_name


class TimeEntry(models.Model):
    """Minutes an agent spent on a ticket, logged with a reply or note (`message`) or on its own."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="time_entries")
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="time_entries"
    )
    activity = models.ForeignKey(
        ActivityType, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="entries"
    )
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_ENTRY_MINUTES)]
    )
    performed_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-performed_on", "-id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=MAX_ENTRY_MINUTES), name="time_entry_minutes_range"
            ),
        ]
        indexes = [
            # the ticket page's total and list; a contract's used hours (tickets of the contract, by date)
            models.Index(fields=["ticket", "performed_on"], name="time_entry_ticket_day_idx"),
            # the report and the API's list by agent and date range
            models.Index(fields=["agent", "performed_on"], name="time_entry_agent_day_idx"),
            # the report's date range over everyone
            models.Index(fields=["performed_on"], name="time_entry_day_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.minutes} min"
