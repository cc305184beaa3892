"""Inbound mail into tickets: store the raw message, parse, dedupe, thread, then create or reply.

Every entrance (IMAP poller, `manage.py ingest_email`, the raw-MIME endpoint, the admin's
"reprocess") calls ``email_ingest`` / ``email_reprocess``. Bad mail never raises: what cannot
be read or processed is quarantined with its raw bytes kept for a human.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from customers.services import contact_get_or_create, contact_language_guess
from helpdesk.exceptions import DomainError
from helpdesk.models import NotificationLog
from tickets import services
from tickets.attachments.store import IncomingFile
from tickets.content import text_to_html
from tickets.email.headers import normalize_message_id
from tickets.email.parse import ParsedEmail, UnparseableEmail, parse_message
from tickets.email.subject import clean_subject, extract_ticket_id
from tickets.models import (
    OPEN_STATUSES,
    Channel,
    InboundEmail,
    Mailbox,
    Message,
    Status,
    Ticket,
)

logger = logging.getLogger(__name__)

# Statuses whose row holds its Message-ID under the unique constraint (see InboundEmail.Meta).
CLAIMING = (InboundEmail.Status.PROCESSED, InboundEmail.Status.IGNORED_LOOP)
# A reply whose client dropped every header and the tag still finds its ticket by subject when
# the sender's own request with that subject was active this recently.
SUBJECT_MATCH_DAYS = 30
_MAX_CC = 20
_CID = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)


class _Quarantine(Exception):
    """Processing cannot go on without a human; the message is quarantined with this reason."""


@dataclass
class _Outcome:
    status: str
    ticket: Ticket | None = None
    message: Message | None = None
    reason: str = ""


# --- entry points -----------------------------------------------------------------------------


def email_ingest(*, raw: bytes, mailbox: Mailbox | None = None, now: datetime | None = None) -> InboundEmail:
    """Store one raw RFC 822 message, then make it a ticket, a reply or a note.

    The raw bytes are written to storage and recorded before anything else, so nothing is lost;
    parse or processing errors quarantine the message (logged, never raised). Returns the row
    saying what became of it (status, ticket, message).
    """
    now = now or timezone.now()
    raw = bytes(raw)
    inbound = InboundEmail(mailbox=mailbox, raw_size=len(raw), received_at=now)
    inbound.raw.save("message.eml", ContentFile(raw), save=False)
    inbound.save()
    return email_process(inbound=inbound, raw=raw, now=now)


def email_reprocess(*, inbound: InboundEmail, now: datetime | None = None) -> InboundEmail:
    """Run a quarantined message through again (after a parser fix, or a fixed raw file).

    Claimed with a conditional UPDATE, so two clicks process it once. Raises DomainError for a
    message that is not quarantined.
    """
    claimed = InboundEmail.objects.filter(
        pk=inbound.pk, status__in=[InboundEmail.Status.QUARANTINED, InboundEmail.Status.RECEIVED]
    ).update(status=InboundEmail.Status.RECEIVED, reason="")
    if not claimed:
        raise DomainError(_("Only quarantined email can be processed again."), code="not_quarantined")
    inbound = InboundEmail.objects.select_related("mailbox").get(pk=inbound.pk)
    return email_process(inbound=inbound, now=now)


def email_process(*, inbound: InboundEmail, raw: bytes | None = None, now: datetime | None = None) -> InboundEmail:
    """Parse, dedupe and route a stored message; the row ends processed, ignored_loop,
    duplicate or quarantined."""
    now = now or timezone.now()
    try:
        if raw is None:
            with inbound.raw.open("rb") as handle:
                raw = handle.read()
        parsed = parse_message(raw=raw)
    except UnparseableEmail as exc:
        return _quarantine(inbound, reason=_("The message could not be read: %(error)s") % {"error": exc}, now=now)
    except Exception as exc:  # a parser bug must not lose the mail
        logger.exception("inbound email %s: parser failed", inbound.pk)
        return _quarantine(
            inbound, reason=_("The message could not be read: %(error)s") % {"error": _describe(exc)}, now=now
        )

    parsed = _without_nul(parsed)
    inbound.sender = (parsed.from_email or "")[:320]
    inbound.subject = (parsed.subject or "")[:255]
    message_id = (parsed.message_id or "")[:255]
    inbound.message_id = message_id
    if message_id and (original := _holder(message_id, exclude=inbound.pk)) is not None:
        return _duplicate(inbound, original=original, now=now)
    try:
        with transaction.atomic():
            if message_id:
                # Claim the Message-ID first: a concurrent delivery of the same mail waits here
                # until we commit, then fails on the unique constraint and becomes a duplicate.
                InboundEmail.objects.filter(pk=inbound.pk).update(
                    message_id=message_id, status=InboundEmail.Status.PROCESSED
                )
            outcome = _route(parsed=parsed, inbound=inbound, now=now)
            inbound.status = outcome.status
            inbound.ticket = outcome.ticket
            inbound.ticket_message = outcome.message
            inbound.reason = outcome.reason[:5000]
            inbound.processed_at = now
            inbound.save()
            if outcome.message is not None:
                Message.objects.filter(pk=outcome.message.pk).update(inbound_email=inbound)
                outcome.message.inbound_email = inbound
    except IntegrityError as exc:
        if message_id and (original := _holder(message_id, exclude=inbound.pk)) is not None:
            return _duplicate(inbound, original=original, now=now)
        logger.exception("inbound email %s: database refused it", inbound.pk)
        return _quarantine(inbound, reason=_describe(exc), now=now)
    except _Quarantine as exc:
        return _quarantine(inbound, reason=str(exc), now=now)
    except ValidationError as exc:
        return _quarantine(inbound, reason="; ".join(exc.messages), now=now)
    except Exception as exc:  # never lose a mail to a bug further down
        logger.exception("inbound email %s: processing failed", inbound.pk)
        return _quarantine(inbound, reason=_("Processing failed: %(error)s") % {"error": _describe(exc)}, now=now)
    return inbound


# --- outcomes ---------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000].replace("\x00", "")


def _without_nul(parsed: ParsedEmail) -> ParsedEmail:
    """PostgreSQL text cannot hold NUL, which broken mail does carry (the parser passes it on)."""
    fields = ("text", "visible_text", "html", "subject", "from_email", "from_name", "message_id", "in_reply_to")
    changes = {
        name: value.replace("\x00", "")
        for name in fields
        if isinstance(value := getattr(parsed, name), str) and "\x00" in value
    }
    if any("\x00" in a.filename for a in parsed.attachments):
        changes["attachments"] = tuple(
            replace(a, filename=a.filename.replace("\x00", "") or "attachment") for a in parsed.attachments
        )
    if any("\x00" in r for r in parsed.references):
        changes["references"] = tuple(r.replace("\x00", "") for r in parsed.references)
    return replace(parsed, **changes) if changes else parsed


def _holder(message_id: str, *, exclude: int) -> InboundEmail | None:
    return (
        InboundEmail.objects.filter(message_id=message_id, status__in=CLAIMING)
        .exclude(pk=exclude)
        .order_by("pk")
        .first()
    )


def _quarantine(inbound: InboundEmail, *, reason: str, now: datetime) -> InboundEmail:
    reason = reason.replace("\x00", "")
    logger.warning("inbound email %s quarantined: %s", inbound.pk, reason)
    inbound.status = InboundEmail.Status.QUARANTINED
    inbound.reason = reason[:5000]
    inbound.ticket = None
    inbound.ticket_message = None
    inbound.processed_at = now
    inbound.save()
    return inbound


def _duplicate(inbound: InboundEmail, *, original: InboundEmail, now: datetime) -> InboundEmail:
    logger.info("inbound email %s is a duplicate of %s", inbound.pk, original.pk)
    inbound.status = InboundEmail.Status.DUPLICATE
    inbound.reason = _("Same Message-ID as inbound email %(id)s; not processed again.") % {"id": original.pk}
    inbound.ticket_id = original.ticket_id
    inbound.ticket_message = None
    inbound.processed_at = now
    inbound.save()
    return inbound


# --- routing ----------------------------------------------------------------------------------


def _route(*, parsed: ParsedEmail, inbound: InboundEmail, now: datetime) -> _Outcome:
    if inbound.mailbox is None:
        inbound.mailbox = _mailbox_for(parsed)
    ticket = _thread(parsed)
    sender = (parsed.from_email or "").strip().strip("<>").strip()

    if parsed.is_auto_generated:
        # Never answered: a reply to an auto-reply or a bounce starts a mail loop.
        reason = parsed.auto_generated_reason or _("automatic mail")
        if ticket is None:
            return _Outcome(status=InboundEmail.Status.IGNORED_LOOP, reason=reason)
        contact = Contact.objects.filter(email__iexact=sender).first() if sender else None
        intro = _("Automatic email (%(reason)s) from %(sender)s; it was not answered.") % {
            "reason": reason,
            "sender": sender or "?",
        }
        message = _review_note(ticket=ticket, contact=contact, parsed=parsed, intro=intro, now=now)
        return _Outcome(status=InboundEmail.Status.IGNORED_LOOP, ticket=ticket, message=message, reason=reason)

    contact = _sender_contact(parsed, sender)
    if ticket is None:
        ticket = _thread_by_subject(parsed=parsed, contact=contact, now=now)
    if ticket is None:
        return _new_ticket(parsed=parsed, contact=contact, mailbox=inbound.mailbox, now=now)
    if not _is_participant(ticket=ticket, contact=contact):
        intro = _(
            "Email from %(sender)s, who is not a participant of this ticket. It is not shown to the customer; "
            "review it before acting on it."
        ) % {"sender": sender}
        message = _review_note(ticket=ticket, contact=contact, parsed=parsed, intro=intro, now=now)
        return _Outcome(
            status=InboundEmail.Status.PROCESSED,
            ticket=ticket,
            message=message,
            reason=_("Sender is not a participant: added as a note for review."),
        )
    body, body_html, files = _content(parsed)
    outcome = services.ticket_customer_reply(
        ticket=ticket,
        actor=None,
        contact=contact,
        body=body,
        body_html=body_html,
        channel=Channel.EMAIL,
        attachments=files,
        reply_to_email=_reply_to(parsed, sender=contact.email),
        email_message_id=(parsed.message_id or "")[:255],
        email_in_reply_to=(parsed.in_reply_to or "")[:255],
        email_references=" ".join(parsed.references),
        now=now,
    )
    _link_inline_images(outcome.message)
    reason = ""
    if outcome.follow_up:
        reason = _("Reply to finished ticket #%(id)s: opened follow-up #%(new)s.") % {
            "id": ticket.pk,
            "new": outcome.ticket.pk,
        }
    return _Outcome(status=InboundEmail.Status.PROCESSED, ticket=outcome.ticket, message=outcome.message, reason=reason)


def _new_ticket(*, parsed: ParsedEmail, contact: Contact, mailbox: Mailbox | None, now: datetime) -> _Outcome:
    body, body_html, files = _content(parsed)
    ticket = services.ticket_create(
        actor=None,
        requester=contact,
        subject=(parsed.subject or "").strip() or _("(no subject)"),
        body=body,
        body_html=body_html,
        channel=Channel.EMAIL,
        team=mailbox.team if mailbox is not None else None,
        attachments=files,
        cc_emails=_cc_emails(parsed, sender=contact.email),
        reply_to_email=_reply_to(parsed, sender=contact.email),
        email_message_id=(parsed.message_id or "")[:255],
        now=now,
    )
    message = ticket.messages.order_by("id").first()
    _link_inline_images(message)
    return _Outcome(status=InboundEmail.Status.PROCESSED, ticket=ticket, message=message)


def _review_note(*, ticket: Ticket, contact: Contact | None, parsed: ParsedEmail, intro: str, now: datetime) -> Message:
    """An internal note flagged needs_review: kept on the ticket, never shown to customers."""
    body, body_html, files = _content(parsed)
    if body_html:
        body_html = f"<p><em>{html_lib.escape(intro)}</em></p>{body_html}"
    message = services.ticket_reply(
        ticket=ticket,
        actor=None,
        contact=contact,
        internal=True,
        needs_review=True,
        body=f"{intro}\n\n{body}".strip(),
        body_html=body_html,
        channel=Channel.EMAIL,
        attachments=files,
        email_message_id=(parsed.message_id or "")[:255],
        email_in_reply_to=(parsed.in_reply_to or "")[:255],
        email_references=" ".join(parsed.references),
        now=now,
    )
    _link_inline_images(message)
    return message


# --- threading --------------------------------------------------------------------------------


def _thread(parsed: ParsedEmail) -> Ticket | None:
    """The ticket a mail answers: In-Reply-To, then References (latest first) against the ids
    of stored messages and of our outbound mail; then the `[#id]` tag in the subject."""
    ids = list(dict.fromkeys(i[:255] for i in [parsed.in_reply_to, *reversed(parsed.references)] if i))
    if ids:
        found: dict[str, int] = dict(
            Message.objects.filter(email_message_id__in=ids).order_by("id").values_list("email_message_id", "ticket_id")
        )
        found.update(
            (mid, ticket_id)
            for mid, ticket_id in NotificationLog.objects.filter(
                message_id__in=ids, ticket_id__isnull=False
            ).values_list("message_id", "ticket_id")
            if mid not in found
        )
        for mid in ids:
            if mid in found:
                return _live(found[mid])
    number = extract_ticket_id(subject=parsed.subject)
    if number is not None:
        return _live(number)
    return None


def _live(ticket_id: int) -> Ticket | None:
    """The ticket, following merges to the one that lives on."""
    for _hop in range(5):
        ticket = Ticket.objects.select_related("organization", "requester").filter(pk=ticket_id).first()
        if ticket is None or ticket.merged_into_id is None:
            return ticket
        ticket_id = ticket.merged_into_id
    return ticket


def _thread_by_subject(*, parsed: ParsedEmail, contact: Contact, now: datetime) -> Ticket | None:
    """Last resort for clients that drop every header and the tag (Outlook "RE: subject"): the
    sender's own active request with the same subject. Only with a reply prefix."""
    subject = " ".join((parsed.subject or "").split())
    cleaned = clean_subject(subject=subject)
    if not cleaned or cleaned.lower() == subject.lower():
        return None
    return (
        Ticket.objects.select_related("organization", "requester")
        .filter(
            requester=contact,
            subject__iexact=cleaned[:255],
            status__in=[*OPEN_STATUSES, Status.SOLVED],
            updated_at__gte=now - timedelta(days=SUBJECT_MATCH_DAYS),
            merged_into__isnull=True,
        )
        .order_by("-updated_at")
        .first()
    )


def _is_participant(*, ticket: Ticket, contact: Contact) -> bool:
    """The requester, the address the requester's mail goes to (Reply-To), an address on the
    ticket's CC list, or a colleague when the organization shares tickets among its contacts."""
    if contact.pk == ticket.requester_id:
        return True
    if contact.email.lower() in {
        email.lower() for email in [*(ticket.cc_emails or []), ticket.reply_to_email] if email
    }:
        return True
    organization = ticket.organization
    return bool(organization and organization.share_tickets and contact.organization_id == organization.pk)


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


def _our_addresses() -> set[str]:
    addresses = {address.lower() for address in Mailbox.objects.values_list("address", flat=True)}
    default = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    if default:
        addresses.add(default)
    return addresses


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
    skip = _our_addresses() | {sender.lower()}
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
    skip = _our_addresses() | {sender.lower(), _reply_to(parsed, sender=sender).lower()} - {""}
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
    """(visible text, sanitized HTML, files). Files over the attachment limit are left out with
    a line in the text naming them; the original mail keeps them."""
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
        if attachment.size > limit:
            skipped.append(
                _(
                    "The attachment “%(name)s” (%(size)s) is larger than the limit of %(limit)s and was not kept; "
                    "it is still in the original email."
                )
                % {
                    "name": attachment.filename,
                    "size": filesizeformat(attachment.size),
                    "limit": filesizeformat(limit),
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
