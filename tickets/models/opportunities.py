"""Sales opportunities an agent spotted on a ticket; agents and sales only, never the customer."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Organization, Product
from tickets.models.tickets import Ticket


class Opportunity(models.Model):
    """A chance to sell: upgrade, new product, renewal; owned and followed up by the sales team."""

    class Kind(models.TextChoices):
        UPGRADE = "upgrade", _("Upgrade")
        NEW_PRODUCT = "new_product", _("New product")
        RENEWAL = "renewal", _("Renewal")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="opportunities")
    # The ticket's organization when it was marked (the sales list filters by it).
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UPGRADE)
    note = models.TextField(_("note"), blank=True)
    estimated_value = models.DecimalField(_("estimated value"), max_digits=14, decimal_places=2, null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities_owned",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales opportunity")
        verbose_name_plural = _("sales opportunities")
        indexes = [
            # the sales list: newest first, filtered by state, organization or product
            models.Index(fields=["-created_at", "-id"], name="opportunity_created_idx"),
            models.Index(fields=["state", "-created_at"], name="opportunity_state_idx"),
            models.Index(fields=["organization", "-created_at"], name="opportunity_org_idx"),
            models.Index(fields=["product", "-created_at"], name="opportunity_product_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.get_kind_display()}"


# Which state may follow which (opportunity_change_state checks it): won is final, lost may be retried.
OPPORTUNITY_TRANSITIONS: dict[str, frozenset[str]] = {
    Opportunity.State.NEW: frozenset({Opportunity.State.CONTACTED, Opportunity.State.WON, Opportunity.State.LOST}),
    Opportunity.State.CONTACTED: frozenset({Opportunity.State.WON, Opportunity.State.LOST}),
    Opportunity.State.LOST: frozenset({Opportunity.State.CONTACTED}),
    Opportunity.State.WON: frozenset(),
}


class OpportunityChange(models.Model):
    """The history of an opportunity: who moved it from which state to which, when, and why."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_state = models.CharField(max_length=20, blank=True)
    new_state = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["opportunity", "created_at"], name="opportunity_change_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.old_state} → {self.new_state}"

    @property
    def old_label(self) -> str:
        return str(Opportunity.State(self.old_state).label) if self.old_state in Opportunity.State.values else ""

    @property
    def new_label(self) -> str:
        return str(Opportunity.State(self.new_state).label) if self.new_state in Opportunity.State.values else ""
