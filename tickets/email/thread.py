"""Which ticket an inbound mail belongs to: its headers, then the `[#id]` tag, then the subject.

A reply is threaded by In-Reply-To/References (ours and theirs), then by the ticket tag in its
subject, then to the sender's own recent request with the same subject. Only participants reply;
anyone else becomes an internal note for review (tickets.email.ingest decides).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from customers.models import Contact
from helpdesk.models import NotificationLog
from tickets.email.parse import ParsedEmail
from tickets.email.subject import clean_subject, extract_ticket_id
from tickets.models import (
    OPEN_STATUSES,
    Message,
    Status,
    Ticket,
)
from tickets.transitions import MERGE_HOPS

# A reply whose client dropped every header and the tag still finds its ticket by subject when
# the sender's own request with that subject was active this recently.
SUBJECT_MATCH_DAYS = 30

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
            if mid not in found and ticket_id is not None
        )
        for mid in ids:
            if mid in found:
                return _live(found[mid])
    number = extract_ticket_id(subject=parsed.subject)
    if number is not None:
        return _live(number)
    return None


def _live(ticket_id: int) -> Ticket | None:
    """The ticket, following merges to the one that lives on (as ticket_customer_reply does)."""
    for _hop in range(MERGE_HOPS):
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
    if (contact.email or "").lower() in {
        email.lower() for email in [*(ticket.cc_emails or []), ticket.reply_to_email] if email
    }:
        return True
    organization = ticket.organization
    return bool(organization and organization.share_tickets and contact.organization_id == organization.pk)
