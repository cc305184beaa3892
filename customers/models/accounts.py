"""Who the customers are and what was agreed with them: products, organizations and their domains,
contacts and service contracts (privacy requests about a contact: customers.models.privacy)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models.sla import SlaPolicy
from helpdesk.names import NamedInLanguages, name_in_language


class Product(NamedInLanguages, models.Model):
    """A product or service the company supports, with the policy customers should know."""

    name = models.CharField(_("name"), max_length=150)
    name_fa = models.CharField(_("name in Persian"), max_length=150, blank=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    policy_text = models.TextField(_("support policy"), blank=True)
    policy_text_fa = models.TextField(
        _("support policy in Persian"),
        blank=True,
        help_text=_("What Persian pages show; empty shows the policy above."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_policy(self) -> str:
        """The support policy in the reader's language (the other one when it has none)."""
        return name_in_language(self.policy_text, self.policy_text_fa)


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


class ContactQuerySet(models.QuerySet["Contact"]):
    def with_email(self, address: str | None) -> "ContactQuerySet":
        """The contact with this address in any letter case, through the unique index on lower(email)
        (`email__iexact` compares UPPER() and reads the whole table). No address matches nobody: a
        contact without one is never found by address."""
        address = (address or "").strip().lower()
        if not address:
            return self.none()
        return self.alias(_address=Lower("email")).filter(_address=address)


class PhoneKey(models.Func):
    """In SQL, the key every way of writing one phone number shares (customers.selectors.phone_number_key):
    the digits after any leading zeros, the last ten of them. Contacts are indexed on it, so finding a
    caller by number reads the index, not every contact."""

    template = "RIGHT(LTRIM(%(expressions)s, '0'), 10)"
    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="SUBSTR(LTRIM(%(expressions)s, '0'), -10)", **extra_context)


class Contact(models.Model):
    """A person who asks for help; may have a portal login (user).

    A contact has an email address or a phone number, or both (customers.services.contact_errors).
    No address is NULL, never "": the unique index on lower(email) then holds any number of contacts
    without one and still serves every lookup by address (a partial index would not).
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
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

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(Lower("email"), name="contact_email_ci_unique")]
        indexes = [models.Index(PhoneKey("phone_digits"), name="contact_phone_key")]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"


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
