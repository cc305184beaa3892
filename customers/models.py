"""Customers and what was agreed with them: organizations, contacts, products, contracts, SLAs."""

from datetime import time

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.audit.records import audited
from helpdesk.models import Priority
from helpdesk.names import NamedInLanguages


class BusinessCalendar(NamedInLanguages, models.Model):
    """When the clock of a service level runs: a time zone, weekly hours and holidays, or 24/7."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    always_open = models.BooleanField(_("open 24/7"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.display_name


class WorkingPeriod(models.Model):
    """One interval of working time on a weekday (several a day are allowed).

    An end of 00:00 is midnight at the end of the day: 22:00–00:00 runs to midnight, 00:00–00:00 is the
    whole day. A shift past midnight is two periods, the second starting at 00:00 the next day.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")) | Q(end=time(0)), name="period_end_after_start_or_midnight"
            )
        ]

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0) else f"{self.end:%H:%M}"
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{end}"


class Holiday(NamedInLanguages, models.Model):
    """A day off: one date, or every year on a Gregorian or a Jalali month and day."""

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Once, on a date")
        GREGORIAN = "gregorian", _("Every year (Gregorian calendar)")
        JALALI = "jalali", _("Every year (Jalali calendar)")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=100)
    name_fa = models.CharField(_("name in Persian"), max_length=100, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE)
    date = models.DateField(_("date"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)

    class Meta:
        ordering = ["calendar", "recurrence", "date", "month", "day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recurrence="once", date__isnull=False)
                    | (~Q(recurrence="once") & Q(month__isnull=False, day__isnull=False))
                ),
                name="holiday_has_date_or_month_day",
            )
        ]

    def __str__(self) -> str:
        return self.display_name


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
    team = models.ForeignKey("helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["policy", "minutes_after_breach", "id"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self) -> str:
        return f"+{self.minutes_after_breach} min: {self.get_action_display()}"


class Product(NamedInLanguages, models.Model):
    """A product or service the company supports, with the policy customers should know."""

    name = models.CharField(_("name"), max_length=150)
    name_fa = models.CharField(_("name in Persian"), max_length=150, blank=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    policy_text = models.TextField(_("support policy"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")

    def __str__(self) -> str:
        return self.display_name


class Organization(models.Model):
    """A customer company."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    share_tickets = models.BooleanField(
        _("contacts see each other's tickets"),
        default=False,
        help_text=_("When on, every contact of this organization can follow all its requests."),
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
        help_text=_("Used when no contract applies."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class OrganizationDomain(models.Model):
    """An email domain an organization claims: new senders from it join the organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("email domain"), max_length=253, unique=True)
    allow_signup = models.BooleanField(_("people with this domain may sign up"), default=False)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")

    def __str__(self) -> str:
        return self.domain


class Contact(models.Model):
    """A person who asks for help; may have a portal login (user)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Digits only (Persian and Arabic digits folded to ASCII): "find the caller" looks it up.
    phone_digits = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set when the person's data was erased (tickets.privacy.contact_erase); the row stays so that
    # their tickets keep a requester for the statistics.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(Lower("email"), name="contact_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email


class ServiceContract(models.Model):
    """What was agreed with a customer: covered products, the SLA policy, validity dates."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contracts",
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.CASCADE, related_name="contracts"
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("products and services covered"), blank=True, related_name="contracts"
    )
    sla_policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("SLA policy"), on_delete=models.PROTECT, related_name="contracts"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    # What the contract is worth a year, where known: product feedback shows the demand behind an item.
    annual_value = models.DecimalField(
        _("annual value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: not known."),
    )
    # Support hours the customer bought for the contract's period: agents' time on its tickets counts
    # against it (tickets.timetrack.selectors.contract_hours).
    hours_bank = models.DecimalField(
        _("hours bank"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Support hours included in the contract; empty: no hours bank."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(contact__isnull=False), name="contract_has_customer"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="contract_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["organization", "valid_from"], name="contract_org_from_idx")]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class TeamCalendar(models.Model):
    """The working hours a team keeps: referrals to the team are due in its business time."""

    team = models.OneToOneField(
        "helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="calendar_link"
    )
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("business calendar"), on_delete=models.PROTECT, related_name="teams"
    )

    class Meta:
        verbose_name = _("team calendar")
        verbose_name_plural = _("team calendars")

    def __str__(self) -> str:
        return f"{self.team} — {self.calendar}"


class PrivacyAction(models.Model):
    """The audit record of a privacy request: who exported or erased which contact, and when.

    It names the contact by id only (never their name or address), so it survives their erasure.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("Data exported")
        ERASE = "erase", _("Data erased")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, on_delete=models.SET_NULL, related_name="privacy_actions"
    )
    contact_ref = models.BigIntegerField(_("contact number"))  # stays when the row is gone
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)  # counts only, no personal data
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("privacy action")
        verbose_name_plural = _("privacy actions")
        indexes = [models.Index(fields=["contact_ref", "-created_at"], name="privacy_contact_idx")]

    def __str__(self) -> str:
        return f"{self.kind} contact {self.contact_ref}"


# Every change of these is kept: who, when, the values after it (helpdesk.audit; the contact's are
# scrubbed when they are erased). Privacy actions are an audit record already.
audited(BusinessCalendar, WorkingPeriod, Holiday, SlaPolicy, SlaTarget, EscalationStep, Product, TeamCalendar)
audited(Organization, OrganizationDomain, Contact)
audited(ServiceContract, m2m_fields=["products"])
