"""Logging a phone call: a new phone ticket, or a note on a ticket the caller already has."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from helpdesk.models import User

from . import services
from .events import event_record
from .models import Channel, EventKind, Ticket


class Direction:
    INBOUND = "inbound"
    OUTBOUND = "outbound"


@transaction.atomic
def call_log(
    *,
    actor: User,
    contact: Contact,
    direction: str,
    duration_minutes: int,
    notes: str,
    ticket: Ticket | None = None,
    subject: str = "",
    priority: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Record a call with `contact`: on `ticket` as an internal note, else as a new phone ticket.

    Either way the ticket gets a `call_logged` event carrying the direction and duration.
    """
    now = now or timezone.now()
    data = {"direction": direction, "duration_minutes": duration_minutes, "contact": contact.pk}
    if ticket is None:
        extra = {"priority": priority} if priority else {}
        ticket = services.ticket_create(
            actor=actor,
            requester=contact,
            subject=subject or _("Phone call"),
            body=notes,
            channel=Channel.PHONE,
            now=now,
            **extra,
        )
    else:
        services.ticket_reply(ticket=ticket, actor=actor, body=notes, internal=True, channel=Channel.PHONE, now=now)
    event_record(ticket=ticket, kind=EventKind.CALL_LOGGED, actor=actor, data=data, at=now)
    return ticket
