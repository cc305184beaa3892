"""Headers of outbound ticket mail: our Message-ID, threading, Reply-To, Auto-Submitted.

A customer's mail client threads our mail under their own message (In-Reply-To/References), and
their answer comes back to the mailbox (Reply-To) carrying our Message-ID, which threading in
tickets.email.ingest looks up on NotificationLog.message_id.
"""

from __future__ import annotations

from email.utils import formataddr

from django.conf import settings

from helpdesk.models import NotificationLog
from helpdesk.outbox.headers import header_safe, sender_address
from tickets.models import Channel, Mailbox, Message, Ticket

# Mail the helpdesk writes on its own in answer to the customer (RFC 3834 "auto-replied");
# every other template except a human's reply is a notification ("auto-generated").
AUTO_REPLIED_TEMPLATES = frozenset({"ticket_created", "ticket_solved", "files_refused"})
HUMAN_TEMPLATES = frozenset({"agent_reply"})
_MAX_REFERENCES = 10


def reply_to_for(*, ticket: Ticket | None, language: str = "") -> str:
    """Where the customer's answer must go: the mailbox the ticket came in through, else the
    mailbox of the ticket's team (by the name it was given), else DEFAULT_FROM_EMAIL (its default
    name in the reader's `language`, helpdesk.outbox.headers.sender_address)."""
    mailbox = None
    if ticket is not None:
        mailbox = (
            Mailbox.objects.filter(
                is_active=True, inbound_emails__messages__ticket=ticket, inbound_emails__messages__internal=False
            )
            .order_by("-inbound_emails__received_at")
            .first()
        )
        if mailbox is None and ticket.team_id:
            mailbox = Mailbox.objects.filter(team_id=ticket.team_id, is_active=True).order_by("pk").first()
    if mailbox is None:
        return sender_address(settings.DEFAULT_FROM_EMAIL, language=language or settings.LANGUAGE_CODE)
    return formataddr((header_safe(mailbox.name), mailbox.address))


def thread_ids(*, ticket: Ticket, exclude_notification: int | None = None) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for a mail on the ticket.

    In-Reply-To is the customer's last mail; References the thread's ids in order (the
    customer's mails and our earlier ones), trimmed to the first and the latest as RFC 5322
    suggests.
    """
    customer = list(
        Message.objects.filter(ticket=ticket, internal=False, author_contact__isnull=False, channel=Channel.EMAIL)
        .exclude(email_message_id="")
        .order_by("created_at", "id")
        .values_list("created_at", "email_message_id")
    )
    ours = NotificationLog.objects.filter(ticket_id=ticket.pk, kind=NotificationLog.Kind.EMAIL).exclude(message_id="")
    if exclude_notification is not None:
        ours = ours.filter(pk__lt=exclude_notification)
    ours_list = list(ours.order_by("created_at", "id").values_list("created_at", "message_id"))
    ordered: list[str] = []
    for _at, mid in sorted(customer + ours_list, key=lambda item: item[0]):
        if mid not in ordered:
            ordered.append(mid)
    if len(ordered) > _MAX_REFERENCES:
        ordered = ordered[:1] + ordered[-(_MAX_REFERENCES - 1) :]
    last_ours = ours_list[-1][1] if ours_list else ""
    in_reply_to = customer[-1][1] if customer else last_ours
    return in_reply_to, ordered


def outbound_headers(*, row: NotificationLog, ticket: Ticket | None) -> dict[str, str]:
    """Every header our mail for this outbox row (about `ticket`) carries besides From/To/Subject."""
    headers: dict[str, str] = {}
    if row.message_id:
        headers["Message-ID"] = f"<{row.message_id}>"
    if row.template in AUTO_REPLIED_TEMPLATES:
        headers["Auto-Submitted"] = "auto-replied"
    elif row.template not in HUMAN_TEMPLATES:
        headers["Auto-Submitted"] = "auto-generated"
    if row.template not in HUMAN_TEMPLATES:
        # Outlook/Exchange: no out-of-office or read receipts back to automatic mail.
        headers["X-Auto-Response-Suppress"] = "All"
    if ticket is not None:
        headers["X-Helpdesk-Ticket"] = str(ticket.pk)
        headers["Reply-To"] = reply_to_for(ticket=ticket, language=row.context.get("language", ""))
        in_reply_to, references = thread_ids(ticket=ticket, exclude_notification=row.pk)
        if in_reply_to:
            headers["In-Reply-To"] = f"<{in_reply_to}>"
        if references:
            headers["References"] = " ".join(f"<{mid}>" for mid in references)
    return {name: header_safe(value) for name, value in headers.items()}


def subject_with_tag(*, subject: str, ticket: Ticket | None) -> str:
    """The subject on one line, carrying the ticket tag `[#id]` that threading falls back on."""
    subject = header_safe(subject)
    if ticket is not None and f"[#{ticket.pk}]" not in subject:
        subject = f"[#{ticket.pk}] {subject}"
    return subject[:200]
