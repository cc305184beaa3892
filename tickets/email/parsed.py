"""What parsing an inbound mail gives: a ``ParsedEmail`` with its ``Attachment``s, or ``UnparseableEmail``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tickets.email.headers import (
    Address,
)


class UnparseableEmail(ValueError):
    """Nothing usable could be read from the message; keep the raw bytes for a human."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Attachment:
    """A file carried by the message. ``filename`` is safe to store (no path, no control
    characters, never empty); ``original_filename`` is the decoded name as the sender wrote it
    ("" when there was none)."""

    filename: str
    original_filename: str
    content_type: str
    payload: bytes = field(repr=False)
    size: int
    content_id: str | None = None
    is_inline: bool = False


@dataclass(frozen=True)
class ParsedEmail:
    """Everything the email channel needs from one inbound message.

    ``headers`` holds every top-level header, decoded, in order (names as written); use
    ``header()`` / ``header_all()`` for case-insensitive lookups. ``text`` is always present
    (derived from HTML when that is all there is); ``html`` is sanitised with nh3 and None
    when the message has no HTML. ``visible_text`` is the new part of a reply.
    """

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_email: str
    from_name: str
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    date: dt.datetime | None
    headers: tuple[tuple[str, str], ...]
    text: str
    html: str | None
    visible_text: str
    attachments: tuple[Attachment, ...]
    is_auto_generated: bool
    auto_generated_reason: str
    is_bounce: bool
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any case), decoded; None when absent."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def header_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]
