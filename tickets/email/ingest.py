"""Inbound mail into tickets: store the raw message, parse, dedupe, thread, then create or reply.

Every entrance (IMAP poller, `manage.py ingest_email`, the raw-MIME endpoint, the admin's
"reprocess") calls ``email_ingest`` / ``email_reprocess``. Bad mail never raises: what cannot
be read or processed is quarantined with its raw bytes kept for a human, and so is mail from a
blocked sender (tickets.blocklist.services.sender_block_stop). Threading is in
tickets.email.thread, reading the sender and the content in tickets.email.intake.
"""

from __future__ import annotations

import html as html_lib
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from helpdesk.exceptions import DomainError
from helpdesk.text import is_blank
from tickets import services
from tickets.blocklist.services import sender_block_stop
from tickets.email.intake import (
    _cc_emails,
    _content,
    _link_inline_images,
    _mailbox_for,
    _Quarantine,
    _reply_to,
    _sender_contact,
    attachments_withheld,
)
from tickets.email.parse import ParsedEmail, UnparseableEmail, parse_message
from tickets.email.refusal_notice import refused_files_tell
from tickets.email.thread import _is_participant, _thread, _thread_by_subject
from tickets.models import (
    Channel,
    InboundEmail,
    Mailbox,
    Message,
    Ticket,
)

logger = logging.getLogger(__name__)

# Statuses whose row holds its Message-ID under the unique constraint (see InboundEmail.Meta).
CLAIMING = (InboundEmail.Status.PROCESSED, InboundEmail.Status.IGNORED_LOOP)


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
    if (entry := sender_block_stop(address=inbound.sender, now=now)) is not None:
        # kept, not lost: never a ticket, a reply or an acknowledgement; processed again once unblocked
        reason = _("Blocked sender: %(sender)s is on the blocklist (%(entry)s). Unblock it to process this email.")
        return _quarantine(inbound, reason=reason % {"sender": inbound.sender, "entry": entry}, now=now)
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
    changes: dict[str, Any] = {
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
        return _automatic(parsed=parsed, ticket=ticket, sender=sender, now=now)
    if services.staff_address(sender):
        return _from_staff(parsed=parsed, ticket=ticket, sender=sender, now=now)
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
        reason = _("Sender is not a participant: added as a note for review.")
        return _for_review(ticket=ticket, contact=contact, parsed=parsed, intro=intro, reason=reason, now=now)
    body, body_html, files = _content(parsed)
    outcome = services.ticket_customer_reply(
        ticket=ticket,
        actor=None,
        contact=contact,
        body=body,
        body_html=body_html,
        channel=Channel.EMAIL,
        attachments=files,
        reply_to_email=_reply_to(parsed, sender=contact.email or ""),
        email_message_id=(parsed.message_id or "")[:255],
        email_in_reply_to=(parsed.in_reply_to or "")[:255],
        email_references=" ".join(parsed.references),
        now=now,
    )
    _link_inline_images(outcome.message)
    attachments_withheld(parsed=parsed, ticket=outcome.ticket, message=outcome.message)
    refused_files_tell(
        parsed=parsed, ticket=outcome.ticket, message=outcome.message, contact=contact, new_ticket=outcome.follow_up
    )
    reason = ""
    if outcome.follow_up:
        reason = _("Reply to finished ticket #%(id)s: opened follow-up #%(new)s.") % {
            "id": ticket.pk,
            "new": outcome.ticket.pk,
        }
    return _Outcome(status=InboundEmail.Status.PROCESSED, ticket=outcome.ticket, message=outcome.message, reason=reason)


def _automatic(*, parsed: ParsedEmail, ticket: Ticket | None, sender: str, now: datetime) -> _Outcome:
    """Never answered: a reply to an auto-reply or a bounce starts a mail loop. On a ticket it answers
    it is a note for review; else it is ignored."""
    reason = parsed.auto_generated_reason or _("automatic mail")
    if ticket is None:
        return _Outcome(status=InboundEmail.Status.IGNORED_LOOP, reason=reason)
    contact = Contact.objects.with_email(sender).first() if sender else None
    intro = _("Automatic email (%(reason)s) from %(sender)s; it was not answered.") % {
        "reason": reason,
        "sender": sender or "?",
    }
    message = _review_note(ticket=ticket, contact=contact, parsed=parsed, intro=intro, now=now)
    return _Outcome(status=InboundEmail.Status.IGNORED_LOOP, ticket=ticket, message=message, reason=reason)


def _from_staff(*, parsed: ParsedEmail, ticket: Ticket | None, sender: str, now: datetime) -> _Outcome:
    """Mail from a staff account's address: staff are never customers (tickets.services.staff_address),
    so it makes no contact. On a ticket it answers it is a note for review, as a stranger's mail is;
    anything else is quarantined for a human (staff open tickets for customers in the workspace)."""
    if ticket is None:
        raise _Quarantine(
            _("The sender %(address)s is a staff account: mail from staff opens no ticket.") % {"address": sender}
        )
    intro = _(
        "Email from %(sender)s, a staff account. It is not shown to the customer; review it before acting on it."
    ) % {"sender": sender}
    reason = _("Sender is a staff account: added as a note for review.")
    return _for_review(ticket=ticket, contact=None, parsed=parsed, intro=intro, reason=reason, now=now)


def _new_ticket(*, parsed: ParsedEmail, contact: Contact, mailbox: Mailbox | None, now: datetime) -> _Outcome:
    body, body_html, files = _content(parsed)
    ticket = services.ticket_open(
        actor=None,
        requester=contact,
        subject=_("(no subject)") if is_blank(parsed.subject or "") else parsed.subject,
        body=body,
        body_html=body_html,
        channel=Channel.EMAIL,
        team=mailbox.team if mailbox is not None else None,
        mailbox=mailbox,
        attachments=files,
        cc_emails=_cc_emails(parsed, sender=contact.email or ""),
        reply_to_email=_reply_to(parsed, sender=contact.email or ""),
        email_message_id=(parsed.message_id or "")[:255],
        now=now,
    )
    message = ticket.messages.order_by("id").first()
    _link_inline_images(message)
    attachments_withheld(parsed=parsed, ticket=ticket, message=message)
    refused_files_tell(parsed=parsed, ticket=ticket, message=message, contact=contact, new_ticket=True)
    return _Outcome(status=InboundEmail.Status.PROCESSED, ticket=ticket, message=message)


def _for_review(
    *, ticket: Ticket, contact: Contact | None, parsed: ParsedEmail, intro: str, reason: str, now: datetime
) -> _Outcome:
    """A mail kept on its ticket as a note for review (processed, never shown to the customer)."""
    message = _review_note(ticket=ticket, contact=contact, parsed=parsed, intro=intro, now=now)
    return _Outcome(status=InboundEmail.Status.PROCESSED, ticket=ticket, message=message, reason=reason)


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
    attachments_withheld(parsed=parsed, ticket=ticket, message=message)
    return message
