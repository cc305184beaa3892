"""What an inbound mail says and who sent it: the sender's contact, the mailbox it came to,
Reply-To and Cc, and the body and attachments as a ticket message takes them.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from email.utils import parseaddr
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from customers.models import Contact
from customers.services import contact_get_or_create, contact_language_guess
from helpdesk.templatetags.helpdesk import hd_filesize
from tickets.attachments.store import IncomingFile, blocked_extension, safe_filename
from tickets.content import text_to_html
from tickets.email.auto_mail import our_addresses
from tickets.email.headers import normalize_message_id
from tickets.email.parse import ParsedEmail
from tickets.email.refused import TYPE, file_refusal
from tickets.events import event_attachment_withheld
from tickets.models import (
    Mailbox,
    Message,
    Ticket,
)

logger = logging.getLogger(__name__)

_MAX_CC = 20
_CID = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)


class _Quarantine(Exception):
    """Processing cannot go on without a human; the message is quarantined with this reason."""


# --- sender, mailbox, content -----------------------------------------------------------------


def _sender_contact(parsed: ParsedEmail, sender: str) -> Contact:
    if not sender:
        raise _Quarantine(_("The message has no sender address to answer."))
    try:
        validate_email(sender)
    except ValidationError as exc:
        raise _Quarantine(_("The sender address %(address)r is not valid.") % {"address": sender[:200]}) from exc
    contact, _created = contact_get_or_create(email=sender, full_name=(parsed.from_name or "")[:200])
    # Mail to someone who never chose a language is written in the one they write in.
    return contact_language_guess(
        contact=contact, text=f"{parsed.subject or ''}\n{parsed.visible_text or parsed.text or ''}"
    )


def _mailbox_for(parsed: ParsedEmail) -> Mailbox | None:
    """The mailbox a message was sent to, when the entrance did not say."""
    candidates = [a.email.lower() for a in (*parsed.to, *parsed.cc) if a.email]
    for name in ("delivered-to", "x-original-to"):
        candidates.extend(parseaddr(value)[1].lower() for value in parsed.header_all(name))
    if not candidates:
        return None
    by_address = {m.address.lower(): m for m in Mailbox.objects.filter(is_active=True).select_related("team")}
    return next((by_address[c] for c in candidates if c in by_address), None)


def _reply_to(parsed: ParsedEmail, *, sender: str) -> str:
    """The Reply-To address when it differs from the author's: where replies for the requester
    go. Never one of our own mailboxes (we would mail ourselves in a loop)."""
    skip = our_addresses() | {sender.lower()}
    for address in parsed.reply_to:
        email = (address.email or "").strip().strip("<>")
        try:
            validate_email(email)
        except ValidationError:
            continue
        return "" if email.lower() in skip else email
    return ""


def _cc_emails(parsed: ParsedEmail, *, sender: str) -> list[str]:
    """Everyone else the customer wrote to (To and Cc), minus our own addresses and the
    Reply-To address (mail for the requester goes there already)."""
    skip = our_addresses() | {sender.lower(), _reply_to(parsed, sender=sender).lower()} - {""}
    result: list[str] = []
    for address in (*parsed.to, *parsed.cc):
        email = (address.email or "").strip().strip("<>").lower()
        if not email or email in skip or email in result:
            continue
        try:
            validate_email(email)
        except ValidationError:
            continue
        result.append(email)
    return result[:_MAX_CC]


def _content(parsed: ParsedEmail) -> tuple[str, str, list[IncomingFile]]:
    """(visible text, sanitized HTML, files). The files not accepted (tickets.email.refused) are left out:
    those over the attachment limit with a line in the text naming them, programs and scripts silently
    here, for attachments_withheld to record. The original mail keeps them all."""
    text = (parsed.visible_text or "").strip() or (parsed.text or "").strip()
    body_html = parsed.html or ""
    if body_html and text != (parsed.text or "").strip() and "cid:" not in body_html.lower():
        # Quoted history or a signature was stripped: show the same visible part in HTML too (the
        # full original stays downloadable from the message).
        body_html = text_to_html(text)
    limit = settings.HELPDESK_MAX_ATTACHMENT_BYTES
    files: list[IncomingFile] = []
    skipped: list[str] = []
    for attachment in parsed.attachments:
        if refused := file_refusal(attachment, limit=limit):
            if refused.reason == TYPE:
                continue  # a program or script: withheld, with an event on the ticket (attachments_withheld)
            skipped.append(
                _(
                    "The attachment “%(name)s” (%(size)s) is larger than the limit of %(limit)s and was not kept; "
                    "it is still in the original email."
                )
                % {
                    "name": attachment.filename,
                    "size": hd_filesize(attachment.size),
                    "limit": hd_filesize(limit),
                }
            )
            continue
        files.append(
            IncomingFile(
                name=attachment.filename,
                content=attachment.payload,
                content_type=attachment.content_type,
                content_id=attachment.content_id or "",
                is_inline=attachment.is_inline,
            )
        )
    if skipped:
        text = "\n\n".join([text, *skipped]).strip()
        if body_html:
            body_html += "".join(f"<p><em>{html_lib.escape(line)}</em></p>" for line in skipped)
    if not text and not body_html and not files:
        text = _("(This email had no text.)")
    return text, body_html, files


def attachments_withheld(*, parsed: ParsedEmail, ticket: Ticket | None, message: Message | None) -> None:
    """The mail's programs and scripts (tickets.attachments.store.blocked_extension), which _content left
    out, each logged and recorded on the ticket as an internal `attachment_withheld` event naming it."""
    if ticket is None:
        return
    for attachment in parsed.attachments:
        if extension := blocked_extension(attachment.filename):
            name = safe_filename(attachment.filename)
            logger.warning(
                "inbound email attachment %r withheld on ticket #%s: %s files are refused", name, ticket.pk, extension
            )
            event_attachment_withheld(ticket=ticket, message=message, name=name, extension=extension)


def attachment_download_url(pk: int) -> str:
    try:
        return reverse("api-attachment-download", kwargs={"pk": pk})
    except NoReverseMatch:
        return f"/api/v1/attachments/{pk}/download/"


def _link_inline_images(message: Message | None) -> None:
    """Point the HTML's cid: references at the stored inline images, so they show in the ticket."""
    if message is None or "cid:" not in message.body_html.lower():
        return
    by_cid = {cid: pk for pk, cid in message.attachments.exclude(content_id="").values_list("pk", "content_id")}
    if not by_cid:
        return

    def swap(match: re.Match[str]) -> str:
        cid = normalize_message_id(value=unquote(match.group(1)))
        pk = by_cid.get(cid or "")
        return attachment_download_url(pk) if pk else match.group(0)

    body_html = _CID.sub(swap, message.body_html)
    if body_html != message.body_html:
        message.body_html = body_html
        Message.objects.filter(pk=message.pk).update(body_html=body_html)
