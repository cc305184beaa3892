"""Product feedback to development: items (bug, feature request, improvement) backed by tickets."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from tickets.models.conversation import Message
from tickets.models.tickets import Ticket


class FeedbackItem(models.Model):
    """One thing customers asked development for; its demand is the tickets linked to it."""

    class Kind(models.TextChoices):
        BUG = "bug", _("Bug")
        FEATURE_REQUEST = "feature_request", _("Feature request")
        IMPROVEMENT = "improvement", _("Improvement")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        SHIPPED = "shipped", _("Shipped")
        DECLINED = "declined", _("Declined")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FEATURE_REQUEST)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    tracker_url = models.URLField(_("tracker link"), max_length=500, blank=True)
    tracker_key = models.CharField(_("tracker key"), max_length=64, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items_owned",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        indexes = [
            # the list page and the API: filtered by status, newest change first
            models.Index(fields=["status", "-updated_at"], name="feedback_status_idx"),
            models.Index(fields=["-updated_at", "-id"], name="feedback_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_final(self) -> bool:
        """Shipped or declined: the customers who asked can be told."""
        return self.status in FINAL_STATUSES


FINAL_STATUSES = frozenset({FeedbackItem.Status.SHIPPED, FeedbackItem.Status.DECLINED})


class FeedbackLink(models.Model):
    """A ticket backing a feedback item; remembers whether its customer was told the outcome."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="feedback_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The outcome (shipped/declined) the customer was told, when, and by which reply: claimed with a
    # conditional UPDATE, so a second click or a redelivered task never tells them twice.
    notified_status = models.CharField(max_length=20, blank=True, default="")
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("feedback link")
        verbose_name_plural = _("feedback links")
        constraints = [models.UniqueConstraint(fields=["item", "ticket"], name="feedback_link_unique")]
        # the item page's linked tickets, oldest link first (selectors.feedback_links_of_item)
        indexes = [models.Index(fields=["item", "created_at", "id"], name="feedback_link_item_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.item_id}"


class FeedbackStatusChange(models.Model):
    """The history of an item's status; each row is also the `feedback_item.status_changed` webhook."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_status = models.CharField(max_length=20)
    new_status = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="feedback_change_item_idx")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.old_status} → {self.new_status}"

    @property
    def old_label(self) -> str:
        return str(FeedbackItem.Status(self.old_status).label) if self.old_status in FeedbackItem.Status.values else ""

    @property
    def new_label(self) -> str:
        return str(FeedbackItem.Status(self.new_status).label) if self.new_status in FeedbackItem.Status.values else ""
