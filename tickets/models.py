"""Tickets and everything that happens on them: messages, attachments, events, referrals, links."""

import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Organization, Product, ServiceContract, SlaPolicy
from helpdesk import crypto
from helpdesk.models import Priority, Team

__all__ = ["Priority"]


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    FEATURE_REQUEST = "feature_request", _("Feature request")
    TASK = "task", _("Task")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    AGENT = "agent", _("Agent")


class SlaState(models.TextChoices):
    NONE = "", _("No target")
    OK = "ok", _("On track")
    WARNING = "warning", _("Due soon")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def unassigned(self):
        return self.filter(assignee__isnull=True)

    def sla_due_before(self, moment):
        return self.open().filter(
            Q(first_response_due_at__lte=moment)
            | Q(next_response_due_at__lte=moment)
            | Q(resolution_due_at__lte=moment)
        )


class Ticket(models.Model):
    """One customer request. `id` is its public number."""

    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices, default=TicketType.QUESTION)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    requester = models.ForeignKey(
        Contact, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    cc_emails = models.JSONField(_("CC addresses"), default=list, blank=True)
    # The Reply-To of the email that opened the ticket, when it names someone other than the
    # requester: mail for the requester goes there (see `requester_address`).
    reply_to_email = models.EmailField(_("replies go to"), max_length=254, blank=True, default="")
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_customer_activity_at = models.DateTimeField(_("last customer activity"), null=True, blank=True)
    last_agent_activity_at = models.DateTimeField(_("last agent activity"), null=True, blank=True)

    # SLA: due times and state, stored so lists sort and filter on them and the sweep finds due work
    # through an index (tickets.sla computes them; tickets.services stores them).
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_state = models.CharField(_("SLA state"), max_length=16, choices=SlaState.choices, default="", blank=True)
    # The next moment a clock warns or breaches; the every-minute sweep selects `<= now` on its index
    # and claims each ticket by a conditional UPDATE of this column (tickets.escalation.sla_sweep).
    sla_next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When a target was first breached, and how many escalation steps of the policy have run since.
    sla_breached_at = models.DateTimeField(_("SLA breached"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation steps done"), default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why the SLA handling of this ticket last failed (empty when fine) and since when: the sweep
    # records one SLA_ERROR event per cause and retries with backoff (tickets.sla_store.sla_problem).
    sla_error = models.CharField(max_length=255, blank=True, default="", editable=False)
    sla_error_since = models.DateTimeField(null=True, blank=True, editable=False)

    # Normalised text of subject, messages and requester for search (tickets.search keeps it current).
    search_document = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL: weighted tsvector (subject/requester A, conversation B) under a GIN index added by
    # migration 0002 (PostgreSQL only); unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # agent queues: ?status=&team= ordered by last update
            models.Index(fields=["status", "team", "-updated_at"], name="ticket_status_team_upd_idx"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            # "mine": assignee + status
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            # customer portal: requester's and organization's tickets
            models.Index(fields=["requester", "-updated_at"], name="ticket_requester_idx"),
            models.Index(fields=["organization", "-updated_at"], name="ticket_org_idx"),
            # SLA sweep and "due soon" lists
            models.Index(
                fields=["first_response_due_at"],
                name="ticket_frt_due_idx",
                condition=Q(first_response_due_at__isnull=False),
            ),
            models.Index(
                fields=["next_response_due_at"],
                name="ticket_nrt_due_idx",
                condition=Q(next_response_due_at__isnull=False),
            ),
            models.Index(
                fields=["resolution_due_at"], name="ticket_res_due_idx", condition=Q(resolution_due_at__isnull=False)
            ),
            # the every-minute SLA sweep: `sla_next_check_at <= now` and `next_escalation_at <= now`
            models.Index(
                fields=["sla_next_check_at"], name="ticket_sla_check_idx", condition=Q(sla_next_check_at__isnull=False)
            ),
            models.Index(
                fields=["next_escalation_at"],
                name="ticket_escalation_idx",
                condition=Q(next_escalation_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def requester_address(self) -> str:
        """Where mail for the requester goes: the Reply-To they asked for, else their own address."""
        return self.reply_to_email or self.requester.email

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


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
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_created_idx")]

    def __str__(self) -> str:
        return f"{'note' if self.internal else 'reply'} on #{self.ticket_id}"

    @property
    def is_from_agent(self) -> bool:
        return self.author_user_id is not None and self.author_contact_id is None


def attachment_path(instance: "Attachment", filename: str) -> str:
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

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


class Referral(models.Model):
    """A ticket (or a question about it) handed to another team, tracked until answered."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="referrals")
    from_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals_sent")
    to_team = models.ForeignKey(
        Team, verbose_name=_("to team"), on_delete=models.PROTECT, related_name="referrals_received"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="referrals_made"
    )
    note = models.TextField(_("question or hand-off note"))
    handoff = models.BooleanField(_("hand the ticket over"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    customer_informed_at = models.DateTimeField(_("customer told the outcome"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_team", "state"], name="referral_team_state_idx"),
            models.Index(fields=["due_at"], name="referral_due_idx", condition=Q(state="open")),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.to_team}"


class TicketLink(models.Model):
    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        PARENT = "parent", _("Parent of")
        DUPLICATE = "duplicate", _("Duplicate of")
        FOLLOW_UP = "follow_up", _("Follow-up of")

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket", "kind"], name="ticket_link_unique"),
            models.CheckConstraint(condition=~Q(from_ticket=models.F("to_ticket")), name="ticket_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"#{self.from_ticket_id} {self.kind} #{self.to_ticket_id}"


class WebhookEndpoint(models.Model):
    """An address another system gave us: every audit-trail event it subscribes to is POSTed there
    as signed JSON (tickets.webhooks). The signing secret is stored encrypted (helpdesk.crypto)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("The events to send; none selected means every event.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.TextField(_("signing secret (encrypted)"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_delivery_at = models.DateTimeField(_("last delivery"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class NotificationLog(models.Model):
    """The outbox: every outbound email or webhook is a row first, unique on what it is for.

    Sending marks `sent_at`; a sweep re-sends rows never marked, so nothing is lost or doubled.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EMAIL)
    key = models.CharField(max_length=200, unique=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.CharField(max_length=320)
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a failed webhook delivery: not before this time (the backoff); None means now.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    # Our Message-ID of the mail (without <>), so a customer's reply threads back to the ticket.
    message_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    # A webhook delivery's endpoint (kind webhook); `template` holds the event name.
    webhook = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,  # notification_webhook_idx serves both the lookups and the newest-first list
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["created_at"], name="notification_unsent_idx", condition=Q(sent_at__isnull=True)),
            # the acknowledgement rate limit: mails to one address since an hour ago
            models.Index(fields=["recipient", "created_at"], name="notification_recipient_idx"),
            # an endpoint's deliveries, newest first (the API's delivery log)
            models.Index(
                fields=["webhook", "-id"], name="notification_webhook_idx", condition=Q(webhook__isnull=False)
            ),
            # webhook deliveries by age (the nightly purge)
            models.Index(
                fields=["created_at"], name="notification_webhook_age_idx", condition=Q(webhook__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.key


class IdempotencyKey(models.Model):
    """The first answer to a write sent with an `Idempotency-Key` header, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class SatisfactionRating(models.Model):
    """How the requester rated the help on a solved request: 1 (bad) to 5 (great), one per request.

    Written only by tickets.ratings.rating_submit; changeable for HELPDESK_RATING_CHANGE_DAYS.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction_rating")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.score}/5"


# --- The email channel --------------------------------------------------------------------------


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


def inbound_raw_path(instance: "InboundEmail", filename: str) -> str:
    now = timezone.now()
    return f"inbound/{now:%Y/%m/%d}/{uuid.uuid4().hex}.eml"


class InboundEmailStatus(models.TextChoices):
    RECEIVED = "received", _("Received (not processed yet)")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED_LOOP = "ignored_loop", _("Ignored (automatic mail)")
    DUPLICATE = "duplicate", _("Duplicate")


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


class Macro(models.Model):
    """A canned response: a reply or note with placeholders, plus optional field changes.

    Visible to its owner, to the members of `shared_with_team`, and to everyone when `is_global`
    (admins only). Applied by tickets.macros.macro_apply, which counts uses with an F() update.
    """

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "Placeholders: {{customer.name}}, {{customer.first_name}}, {{ticket.number}}, "
            "{{ticket.subject}}, {{agent.name}}, {{organization.name}}."
        ),
    )
    internal = models.BooleanField(_("internal note"), default=False)
    status = models.CharField(_("set status"), max_length=16, choices=Status.choices, blank=True)
    priority = models.CharField(_("set priority"), max_length=16, choices=Priority.choices, blank=True)
    type = models.CharField(_("set type"), max_length=20, choices=TicketType.choices, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("move to team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    add_tags = models.JSONField(_("add tags"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
    )
    shared_with_team = models.ForeignKey(
        Team,
        verbose_name=_("shared with team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shared_macros",
    )
    is_global = models.BooleanField(_("for everyone"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    usage_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self) -> str:
        return self.name

    @property
    def has_changes(self) -> bool:
        return bool(self.status or self.priority or self.type or self.team_id or self.add_tags)


class SavedView(models.Model):
    """A named ticket list: validated filters and sort of the list page, and the columns to show.

    Visible to its owner and to the members of `shared_with_team` (tickets.saved_views).
    """

    name = models.CharField(_("name"), max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_views"
    )
    shared_with_team = models.ForeignKey(
        Team,
        verbose_name=_("shared with team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shared_views",
    )
    query = models.JSONField(_("filters and sort"), default=dict, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name


class ArticleUsage(models.Model):
    """A knowledge-base article put into a reply on a ticket (recorded when the reply was sent)."""

    class Mode(models.TextChoices):
        LINK = "link", _("Link")
        TEXT = "text", _("Text")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="article_usages")
    # related_name="+": knowledgebase never needs to know about tickets (imports point one way).
    article = models.ForeignKey("knowledgebase.Article", on_delete=models.CASCADE, related_name="+")
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(_("used"), default=timezone.now)
    mode = models.CharField(_("inserted as"), max_length=8, choices=Mode.choices, default=Mode.LINK)

    class Meta:
        ordering = ["-used_at", "-id"]
        verbose_name = _("article used on a ticket")
        verbose_name_plural = _("articles used on tickets")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "article", "mode"], name="article_usage_unique"),
        ]
        indexes = [
            # "which tickets used this article" (agent:article-usage), newest first
            models.Index(fields=["article", "-used_at"], name="article_usage_article_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} ← article {self.article_id} ({self.mode})"


class Deflection(models.Model):
    """A customer opened a suggested article while writing a new request.

    `ticket` is filled when that same form was sent anyway; rows without a ticket (after a grace
    period) are requests the knowledge base answered: deflected.
    """

    token = models.UUIDField(db_index=True)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("knowledgebase.Article", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("deflected request")
        verbose_name_plural = _("deflected requests")
        constraints = [models.UniqueConstraint(fields=["token", "article"], name="deflection_token_article_unique")]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.article_id}"
