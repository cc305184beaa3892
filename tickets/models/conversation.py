"""What is said and done on a ticket: messages, attachments and the audit trail (events)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact
from tickets.models.tickets import Channel, Ticket


class Message(models.Model):
    """A public reply or an internal note on a ticket, by an agent or a contact."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket_messages"
    )
    author_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    internal = models.BooleanField(_("internal note"), default=False)
    body_html = models.TextField(_("body (HTML, sanitized)"), blank=True)
    body_text = models.TextField(_("body (plain text)"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Email threading: our own or the sender's Message-ID, and what the mail answered.
    email_message_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    email_in_reply_to = models.CharField(max_length=255, blank=True, default="")
    email_references = models.TextField(blank=True, default="")
    needs_review = models.BooleanField(_("needs review"), default=False)
    # A notice (a feature the customer asked for has shipped) tells the customer something without
    # answering them: no first or next response, no SLA target met (tickets.sla.store reads it).
    notice = models.BooleanField(_("notice"), default=False)
    # The received mail this message came from; its raw file stays downloadable.
    inbound_email = models.ForeignKey(
        "InboundEmail",
        verbose_name=_("original email"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_created_idx"),
            # reports: agents' public replies written in a date range, read from the index alone
            # (tickets.reports.workload: the author to group by, the ticket to join on)
            models.Index(
                fields=["created_at", "author_user", "ticket"],
                name="message_agent_public_idx",
                condition=Q(author_user__isnull=False, author_contact__isnull=True, internal=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{'note' if self.internal else 'reply'} on #{self.ticket_id}"

    @property
    def is_from_agent(self) -> bool:
        return self.author_user_id is not None and self.author_contact_id is None


def attachment_path(instance: "Attachment", filename: str) -> str:
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Charset(models.TextChoices):
    """What a file is served with: UTF-8 text with its charset; anything else without one."""

    UNDECIDED = "", _("Not decided yet")
    UTF8 = "utf-8", "UTF-8"
    NONE = "none", _("None")


class Attachment(models.Model):
    """A file on a message; served only through a permission-checked view."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127, default="application/octet-stream")
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content_id = models.CharField(max_length=255, blank=True, default="")
    is_inline = models.BooleanField(default=False)
    # The charset a text file is served with, decided once when it is stored (tickets.attachments.store);
    # a row stored before the field is decided on its first download and the answer written back.
    charset = models.CharField(_("charset"), max_length=16, choices=Charset.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


def pending_upload_path(instance: "PendingUpload", filename: str) -> str:
    return f"pending/{instance.owner_id}/{uuid.uuid4().hex}"


class PendingUpload(models.Model):
    """A file from a reply form that was refused (an empty message, another file too large), kept for
    its owner so the form shown again still has it; attached by their next send, else deleted after
    tickets.attachments.pending.PENDING_LIFETIME (tickets.tasks.pending_uploads_purge)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_uploads")
    file = models.FileField(upload_to=pending_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127, default="application/octet-stream")
    size = models.PositiveBigIntegerField(_("size"))
    # the purge reads the oldest first through this index
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("kept upload")
        verbose_name_plural = _("kept uploads")

    def __str__(self) -> str:
        return self.original_name


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    FIELD_CHANGED = "field_changed", _("Field changed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REPLIED = "replied", _("Public reply")
    NOTE_ADDED = "note_added", _("Internal note")
    REFERRED = "referred", _("Referred")
    REFERRAL_ANSWERED = "referral_answered", _("Referral answered")
    REFERRAL_CANCELLED = "referral_cancelled", _("Referral cancelled")
    CUSTOMER_INFORMED = "customer_informed", _("Customer told the outcome")
    LINKED = "linked", _("Linked")
    MERGED = "merged", _("Merged")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    SLA_MET = "sla_met", _("SLA met")
    ESCALATED = "escalated", _("Escalated")
    CALL_LOGGED = "call_logged", _("Call logged")
    SLA_ERROR = "sla_error", _("SLA could not be handled")
    ROUTING_FAILED = "routing_failed", _("Routing rule failed")
    FEEDBACK_LINKED = "feedback_linked", _("Linked to product feedback")
    FEEDBACK_UNLINKED = "feedback_unlinked", _("Unlinked from product feedback")
    OPPORTUNITY_CREATED = "opportunity_created", _("Marked as a sales opportunity")
    OPPORTUNITY_CHANGED = "opportunity_changed", _("Sales opportunity changed")
    ANONYMISED = "anonymised", _("Personal data removed")
    PROBLEM_LINKED = "problem_linked", _("Linked to a problem")
    PROBLEM_UNLINKED = "problem_unlinked", _("Unlinked from a problem")
    SURVEY_QUEUED = "survey_queued", _("Satisfaction survey queued")
    FOLLOW_UP_OPENED = "follow_up_opened", _("Bad rating: follow-up opened")
    FOLLOW_UP_DONE = "follow_up_done", _("Rating follow-up done")
    CUSTOM_STATUS_CHANGED = "custom_status_changed", _("Custom status changed")
    TIME_LOGGED = "time_logged", _("Time logged")
    TIME_CHANGED = "time_changed", _("Time entry changed")
    TRIGGER_FAILED = "trigger_failed", _("Trigger failed")
    TRIGGER_LOOP_STOPPED = "trigger_loop_stopped", _("Triggers stopped (loop)")
    ATTACHMENT_WITHHELD = "attachment_withheld", _("Email attachment withheld")
    REFUSED_FILES_NOTICE = "refused_files_notice", _("Sender told of files not accepted")
    MARKED_SPAM = "marked_spam", _("Marked as spam")


class TicketEvent(models.Model):
    """The audit trail: one row per change, written by the service that made it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(max_length=40, blank=True, default="")
    old_value = models.CharField(max_length=255, blank=True, default="")
    new_value = models.CharField(max_length=255, blank=True, default="")
    # Whether customers may see this event (status changes yes; internal fields and notes no).
    public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "id"], name="event_ticket_id_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind}"
