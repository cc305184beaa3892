"""The email channel's rows: mailboxes and every inbound email (quarantined or not)."""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk import crypto
from helpdesk.models import Team
from tickets.models.conversation import Message
from tickets.models.tickets import Ticket


def new_push_secret() -> str:
    """A fresh random token for a mailbox's raw-MIME endpoint."""
    return secrets.token_urlsafe(32)


class Mailbox(models.Model):
    """A support address customers write to: fetched over IMAP or pushed as raw MIME.

    New tickets from it go to `team`. `last_polled_at` doubles as the poller's claim: a poll runs
    only after a conditional UPDATE moved it forward (tickets.email.imap.mailbox_claim).
    """

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (plain text)")

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("support address"), unique=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailboxes",
        help_text=_("New tickets from this mailbox go to this team."),
    )
    default_category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("default category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New tickets from this mailbox get this category (routing rules may change it)."),
    )
    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(_("IMAP security"), max_length=10, choices=Security.choices, default=Security.SSL)
    imap_username = models.CharField(_("IMAP user name"), max_length=255, blank=True)
    # Encrypted at rest (helpdesk.crypto): set and read through set_imap_password / get_imap_password.
    imap_password = models.TextField(_("IMAP password (encrypted)"), blank=True, default="")
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    processed_folder = models.CharField(
        _("folder for processed mail"),
        max_length=255,
        blank=True,
        help_text=_("Processed mail is moved here; when empty it is only marked as read."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    push_secret = models.CharField(
        _("push secret"),
        max_length=100,
        default=new_push_secret,
        help_text=_("Sent as the X-Mailbox-Secret header to the raw-MIME endpoint."),
    )
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def set_imap_password(self, plain: str) -> None:
        self.imap_password = crypto.encrypt(plain)

    def get_imap_password(self) -> str:
        """The password in clear, for the IMAP login only; crypto.SecretUnavailable if no key opens it."""
        return crypto.decrypt(self.imap_password)


class InboundEmailStatus(models.TextChoices):
    RECEIVED = "received", _("Received (not processed yet)")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED_LOOP = "ignored_loop", _("Ignored (automatic mail)")
    DUPLICATE = "duplicate", _("Duplicate")


def inbound_raw_path(instance: "InboundEmail", filename: str) -> str:
    now = timezone.now()
    return f"inbound/{now:%Y/%m/%d}/{uuid.uuid4().hex}.eml"


class InboundEmail(models.Model):
    """One received message, raw bytes kept unchanged, and what became of it.

    The raw file is stored before anything else happens, so a message that cannot be read is
    quarantined for a human, never lost.
    """

    Status = InboundEmailStatus

    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, default="")
    raw = models.FileField(_("original message"), upload_to=inbound_raw_path, max_length=255)
    raw_size = models.PositiveBigIntegerField(_("size"), default=0)
    sender = models.CharField(_("sender"), max_length=320, blank=True, default="")
    subject = models.CharField(_("subject"), max_length=255, blank=True, default="")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("reason or error"), blank=True, default="")
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    # "message" would clash with message_id (the mail header) as a column name.
    ticket_message = models.ForeignKey(
        Message, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        constraints = [
            # The same Message-ID never makes two tickets, also when two deliveries race: the row
            # that ends processed (or recorded as a loop) holds the id; the loser is a duplicate.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id="") & Q(status__in=["processed", "ignored_loop"]),
                name="inbound_message_id_unique",
            )
        ]
        indexes = [
            # the quarantine list in the admin: ?status=quarantined ordered by arrival
            models.Index(fields=["status", "received_at"], name="inbound_status_received_idx"),
            models.Index(fields=["message_id"], name="inbound_message_id_idx", condition=~Q(message_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject or '-'} ({self.status})"


# --- The agent workspace: macros, saved views, knowledge-base articles used on tickets ----------
