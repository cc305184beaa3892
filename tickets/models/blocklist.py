"""Blocked senders: an address, or a whole domain (its subdomains too), whose mail never becomes a ticket
or a reply. The email channel keeps such mail in the quarantine (tickets.email.ingest) and counts it on
the entry; tickets.blocklist decides who is blocked and is the only writer."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BlockedSender(models.Model):
    """One blocklist entry. `value` is stored normalised (lower case, the domain in its ASCII/punycode
    form), so a lookup is an equality on the unique (kind, value) index."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("Address")
        DOMAIN = "domain", _("Domain (and its subdomains)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ADDRESS)
    value = models.CharField(_("address or domain"), max_length=254)
    note = models.TextField(_("note"), blank=True, default="", max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    # Written by the email channel only, with a conditional UPDATE (tickets.blocklist.services.sender_block_stop).
    stopped_count = models.PositiveIntegerField(_("mails stopped"), default=0)
    last_stopped_at = models.DateTimeField(_("last stopped"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        constraints = [
            # also the index every inbound mail's lookup reads (kind = address and value = ..., or
            # kind = domain and value in (the sender's domain and its parents))
            models.UniqueConstraint(fields=["kind", "value"], name="blocked_sender_kind_value_unique"),
        ]

    def __str__(self) -> str:
        return self.value if self.kind == self.Kind.ADDRESS else f"@{self.value}"
