"""The files of an agent's public reply, carried by the customer's mail (tickets.notifications.ticket_mail).

Read from storage when the outbox sends the mail (the outbox row names the message, never holds the
bytes), in the order they were attached, up to HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES together; the ones
that do not fit, or that storage cannot give, are listed in the mail by name and size instead. An
internal note's files never go out.
"""

import logging
from dataclasses import dataclass

from django.conf import settings

from helpdesk.outbox.registry import MailFile
from tickets.models import Attachment, Message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplyFiles:
    attached: tuple[MailFile, ...]
    # Listed in the mail as not attached ("see the request on the portal").
    left: tuple[Attachment, ...]


def _read(attachment: Attachment) -> bytes | None:
    try:
        with attachment.file.storage.open(attachment.file.name or "", "rb") as handle:
            return handle.read()
    except OSError as exc:
        logger.warning("attachment %s not attached to the mail: %s", attachment.pk, exc)
        return None


def reply_files(*, message: Message | None) -> ReplyFiles:
    """The public files of `message` to attach, and those listed instead (over the cap or unreadable)."""
    if message is None or message.internal:
        return ReplyFiles(attached=(), left=())
    cap = settings.HELPDESK_MAIL_ATTACHMENTS_MAX_BYTES
    attached: list[MailFile] = []
    left: list[Attachment] = []
    total = 0
    for attachment in message.attachments.order_by("id"):
        content = _read(attachment) if total + attachment.size <= cap else None
        if content is None:
            left.append(attachment)
            continue
        total += len(content)
        attached.append(MailFile(name=attachment.original_name, content_type=attachment.content_type, content=content))
    return ReplyFiles(attached=tuple(attached), left=tuple(left))
