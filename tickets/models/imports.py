"""What an import brought in: one row per object of another helpdesk, naming the row it became here."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    TEAM = "team", _("Team")
    AGENT = "agent", _("Agent")
    CONTACT = "contact", _("Contact")
    TICKET = "ticket", _("Ticket")
    MESSAGE = "message", _("Message")
    ATTACHMENT = "attachment", _("Attachment")


class ImportRecord(models.Model):
    """(source, kind, source id) -> our row. tickets.imports reads it before writing anything, so a
    second run imports nothing twice, and a run that died resumes where the last commit left it."""

    # Names the other helpdesk (e.g. "zammad:https://desk.example.com"), so two sources' ids never mix.
    source = models.CharField(_("source"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    source_id = models.CharField(_("id in the source"), max_length=100)
    # The pk of our row, in the model the kind names (teams, users, contacts, tickets, messages, attachments).
    object_id = models.BigIntegerField(_("our id"))
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "source_id"], name="import_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} -> {self.object_id}"
