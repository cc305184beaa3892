"""Which files of an inbound mail are not accepted, and why, said in the reader's language.

One rule for the email channel, read by intake (what is stored) and by the notice to the sender
(tickets.email.refusal_notice): a program or script (tickets.attachments.store.blocked_extension) is
refused on every channel, and so is a file over HELPDESK_MAX_ATTACHMENT_BYTES. The mail itself and its
other files are always kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from helpdesk.dates import fill
from tickets.attachments.store import blocked_extension, blocked_extensions, safe_filename
from tickets.email.parsed import Attachment

TYPE = "type"  # a program or script
SIZE = "size"  # over the per-file limit


@dataclass(frozen=True)
class RefusedFile:
    """A file of a mail that was not stored. `extension` ("EXE", said without its dot) for a refused type;
    `limit` (bytes) for a file too large, as it was when the mail came in."""

    name: str
    reason: str
    extension: str = ""
    limit: int = 0

    def as_data(self) -> dict[str, Any]:
        """JSON for an outbox row's context or an event's data."""
        data: dict[str, Any] = {"name": self.name, "reason": self.reason}
        if self.reason == TYPE:
            data["extension"] = self.extension
        else:
            data["limit"] = self.limit
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RefusedFile:
        return cls(
            name=str(data.get("name", "")),
            reason=SIZE if data.get("reason") == SIZE else TYPE,
            extension=str(data.get("extension", "")),
            limit=int(data.get("limit") or 0),
        )

    @property
    def limit_mb(self) -> int | float:
        """The limit in MB as a number (25, 2.5), for `fill` to write in the reader's digits."""
        mb = self.limit / 1024 / 1024
        return int(mb) if mb == int(mb) else round(mb, 1)

    @property
    def why(self) -> str:
        """Why the file was not accepted, in the active language (a mail renders it in its reader's)."""
        if self.reason == SIZE:
            return fill(_("it is larger than the limit of %(limit)s MB"), {"limit": self.limit_mb})
        return fill(_("%(extension)s files (programs and scripts) are not accepted"), {"extension": self.extension})

    @property
    def size_advice(self) -> str:
        """How to send a file over the limit instead, in the active language."""
        text = _(
            "A file larger than %(limit)s MB is not accepted by email or on the portal: compress it, split it "
            "into smaller parts, or send us a link where we can download it."
        )
        return fill(text, {"limit": self.limit_mb})


def file_refusal(attachment: Attachment, *, limit: int | None = None) -> RefusedFile | None:
    """Why this file of a mail is not accepted (None when it is): its type first, then its size."""
    limit = settings.HELPDESK_MAX_ATTACHMENT_BYTES if limit is None else limit
    name = safe_filename(attachment.filename)
    if extension := blocked_extension(attachment.filename):
        return RefusedFile(name=name, reason=TYPE, extension=extension.lstrip(".").upper())
    if attachment.size > limit:
        return RefusedFile(name=name, reason=SIZE, limit=limit)
    return None


def refused_files(attachments: Iterable[Attachment]) -> list[RefusedFile]:
    """Every file of these that is not accepted, in the mail's order."""
    limit = settings.HELPDESK_MAX_ATTACHMENT_BYTES
    return [refused for attachment in attachments if (refused := file_refusal(attachment, limit=limit))]


def zip_accepted() -> bool:
    """Whether a ZIP archive is accepted (it is, unless HELPDESK_BLOCKED_FILE_EXTENSIONS names it): the
    advice to send a program zipped is only given when it is true."""
    return "zip" not in blocked_extensions()


def refused_context(files: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """What the mail templates (emails/_refused.*) need about the files an outbox row names."""
    refused = [RefusedFile.from_data(data) for data in files]
    sizes = [file for file in refused if file.reason == SIZE]
    return {
        "refused": refused,
        "refused_types": any(file.reason == TYPE for file in refused),
        "refused_sizes": sizes[0] if sizes else None,  # says the limit once
        "zip_accepted": zip_accepted(),
    }
