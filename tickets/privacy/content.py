"""Removing what people wrote from tickets, shared by the erasure and the retention rule."""

from collections.abc import Collection
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet

from tickets import events
from tickets.models import (
    Attachment,
    EventKind,
    InboundEmail,
    Message,
    Opportunity,
    OpportunityChange,
    Referral,
    SatisfactionRating,
    Ticket,
    TicketEvent,
)
from tickets.privacy.scrub import ERASED, delete_files_on_commit


def messages_empty(messages: QuerySet[Message]) -> int:
    """Empty the given messages' bodies and delete their files (the files once the transaction commits)."""
    files = Attachment.objects.filter(message__in=messages)
    delete_files_on_commit(a.file for a in files)
    files.delete()
    return messages.update(body_html="", body_text=ERASED)


def inbound_forget(mails: QuerySet[InboundEmail]) -> int:
    """Delete the raw files of received mails and forget their sender and subject; the rows stay so a
    redelivered Message-ID is still recognised."""
    rows = list(mails.exclude(raw="", sender="", subject=""))
    delete_files_on_commit(mail.raw for mail in rows)
    return InboundEmail.objects.filter(pk__in=[m.pk for m in rows]).update(raw="", sender="", subject="", reason="")


def tickets_mark_anonymised(ticket_ids: Collection[int], *, actor, now: datetime, reason: str) -> None:
    """Stamp the tickets and write one ANONYMISED event on each (offered to webhooks like any event)."""
    Ticket.objects.filter(pk__in=ticket_ids).update(anonymised_at=now)
    events.event_record_bulk(
        events=[
            TicketEvent(ticket_id=pk, kind=EventKind.ANONYMISED, actor=actor, data={"reason": reason}, created_at=now)
            for pk in sorted(ticket_ids)
        ]
    )


def tickets_anonymise(*, ticket_ids: Collection[int], now: datetime, reason: str) -> int:
    """Remove every text of these tickets (subject, messages of anyone, files, raw mail, CC, notes,
    rating comments, search words); statuses, times, SLA figures, teams and scores stay."""
    messages_empty(Message.objects.filter(ticket_id__in=ticket_ids))
    inbound_forget(InboundEmail.objects.filter(ticket_id__in=ticket_ids))
    SatisfactionRating.objects.filter(ticket_id__in=ticket_ids).update(comment="")
    Referral.objects.filter(ticket_id__in=ticket_ids).update(note=ERASED, answer="")
    Opportunity.objects.filter(ticket_id__in=ticket_ids).update(note="")
    OpportunityChange.objects.filter(opportunity__ticket_id__in=ticket_ids).update(note="")
    events.events_forget_personal(ticket_ids=ticket_ids)
    search: dict[str, str | None] = {"search_document": ""}
    if connection.vendor == "postgresql":
        search["search_vector"] = None
    done = Ticket.objects.filter(pk__in=ticket_ids).update(subject=ERASED, cc_emails=[], reply_to_email="", **search)
    tickets_mark_anonymised(ticket_ids, actor=None, now=now, reason=reason)
    return done
