"""Logging a phone call: a new phone ticket, or a note on a ticket the caller already has.

The call notes are the agent's own words: always an internal note. The customer reads only the
message the agent chooses to write to them, authored by the agent.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from helpdesk.models import User
from tickets import services
from tickets.events import event_record
from tickets.models import Channel, EventKind, Ticket
from tickets.timetrack.durations import read_minutes
from tickets.timetrack.services import TimeSpent, call_activity, time_entry_log

# A call's duration, in minutes: 0 (no answer) to a day.
MAX_CALL_MINUTES = 24 * 60


class Direction:
    INBOUND = "inbound"
    OUTBOUND = "outbound"


def call_duration_read(value: str | int | None) -> int | None:
    """A call's minutes as an agent types them: "90" (minutes), "1:30" (hours:minutes, so 90), in Latin
    or Persian digits (tickets.timetrack.durations.read_minutes); None when empty. ValidationError
    naming the accepted forms for anything else, or for a call longer than a day."""
    minutes = read_minutes(value)
    if minutes is not None and minutes > MAX_CALL_MINUTES:
        raise ValidationError(_("A call lasts at most 24 hours (24:00)."), code="max_value")
    return minutes


@transaction.atomic
def call_log(
    *,
    actor: User,
    contact: Contact | services.RequesterDetails,
    direction: str,
    duration_minutes: int,
    notes: str,
    public_message: str = "",
    ticket: Ticket | None = None,
    subject: str = "",
    priority: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Record a call with `contact` (or the caller's details, to find or create the contact): on
    `ticket`, else on a new phone ticket; `notes` are the agent's internal note, `public_message`
    (optional) a public reply by the agent that the customer is mailed. A new ticket's `priority` empty or
    None: none chosen, so a routing rule's priority applies (tickets.services.open), as for any agent's ticket.

    Either way the ticket gets a `call_logged` event carrying the direction and duration, and a call that
    lasted a minute or more is the agent's time on the ticket: one time entry of the call's activity
    (timetrack call_activity), with the call notes; none while no activity type exists (time is not tracked
    then). All or nothing, a new contact included.
    """
    now = now or timezone.now()
    contact = services.requester_resolve(contact)
    data = {"direction": direction, "duration_minutes": duration_minutes, "contact": contact.pk}
    if ticket is None:
        ticket = services.ticket_open(
            actor=actor,
            requester=contact,
            subject=subject or _("Phone call"),
            body=notes,
            internal=True,
            channel=Channel.PHONE,
            priority=priority or None,
            now=now,
        )
        note = ticket.messages.order_by("created_at", "id").first()
    else:
        note = services.ticket_reply(
            ticket=ticket, actor=actor, body=notes, internal=True, channel=Channel.PHONE, now=now
        )
    if duration_minutes and (activity := call_activity()) is not None:
        spent = TimeSpent(minutes=duration_minutes, activity=activity, performed_on=timezone.localdate(now))
        time_entry_log(ticket=ticket, actor=actor, time=spent, message=note, now=now)
    if (public_message or "").strip():
        services.ticket_reply(ticket=ticket, actor=actor, body=public_message, channel=Channel.PHONE, now=now)
    event_record(ticket=ticket, kind=EventKind.CALL_LOGGED, actor=actor, data=data, at=now)
    return ticket
