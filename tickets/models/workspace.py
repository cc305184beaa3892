"""The agent workspace's rows: macros, saved views, knowledge-base usage on tickets, deflections."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact
from helpdesk.models import Priority, Team
from tickets.models.tickets import Status, Ticket, TicketType


class Macro(models.Model):
    """A canned response: a reply or note with placeholders, plus optional field changes.

    Visible to its owner, to the members of `shared_with_team`, and to everyone when `is_global`
    (admins only). Applied by tickets.workspace.macros.macro_apply, which counts uses with an F() update.
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

    Visible to its owner and to the members of `shared_with_team` (tickets.workspace.saved_views).
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
