"""Privacy requests about a contact: the audit record of each export and erasure (PrivacyAction), and
a customer's own request to have their data erased (ErasureRequest), which an administrator decides."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from customers.models.accounts import Contact
from helpdesk.dates import fill


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
        text = gettext("%(kind)s: contact %(contact)d")
        return fill(text, {"kind": self.get_kind_display(), "contact": self.contact_ref})


class ErasureRequest(models.Model):
    """A customer asking, from the portal, to have their data erased (GDPR art. 17).

    Nothing is erased when they ask: an administrator carries it out (tickets.privacy.contact_erase,
    which marks the request done) or declines it with a reason that is mailed to them (records a
    contract or the law makes us keep). The customer may withdraw it while it is pending. A contact has
    at most one pending request.
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("erasure request", "Pending")
        DONE = "done", pgettext_lazy("erasure request", "Carried out")
        DECLINED = "declined", pgettext_lazy("erasure request", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("erasure request", "Withdrawn")

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="erasure_requests"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked on"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason for declining"), blank=True)  # mailed to the customer

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            # one open request per contact; it also serves "the contact's pending request" lookups
            models.UniqueConstraint(
                fields=["contact"], condition=Q(state="pending"), name="erasure_request_one_pending"
            ),
        ]
        indexes = [
            # the admin's and the workspace's list of pending requests, oldest first
            models.Index(fields=["created_at"], condition=Q(state="pending"), name="erasure_request_pending_idx"),
        ]

    def __str__(self) -> str:
        text = gettext("Erasure request %(number)d of contact %(contact)d (%(state)s)")
        return fill(text, {"number": self.pk, "contact": self.contact_id, "state": self.get_state_display()})
