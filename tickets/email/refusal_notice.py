"""Telling a customer that files of their mail were not accepted (tickets.email.refused), so they do not
believe the agent has them.

One mail names each file and why, in the sender's language, with how to send it instead; it follows the
email channel's rule for mail it writes on its own (tickets.email.auto_mail: never to automatic mail, a
mail system's, our own or a staff account's address), as the acknowledgement does, and the hourly limit
the acknowledgement keeps (tickets.notifications.auto_reply_allowed). A mail that opened a ticket gets
it inside the acknowledgement, never as a second mail. The ticket records for agents whether the customer was told.
"""

from __future__ import annotations

import logging

from customers.models import Contact
from tickets import events, notifications
from tickets.email.auto_mail import auto_mail_refusal
from tickets.email.parse import ParsedEmail
from tickets.email.refused import refused_files
from tickets.models import Message, Ticket, TicketEvent

logger = logging.getLogger(__name__)

# How the sender was told (event data `told`), or why not (`not_told`: these, or the reasons of
# tickets.email.auto_mail, the rule for whom the helpdesk may write to on its own).
IN_ACKNOWLEDGEMENT = "acknowledgement"
IN_NOTICE = "notice"
RATE_LIMITED = "rate_limited"


def refused_files_tell(
    *, parsed: ParsedEmail, ticket: Ticket, message: Message | None, contact: Contact, new_ticket: bool
) -> TicketEvent | None:
    """Tell the sender (`contact`, who wrote `message` on `ticket`) which files of `parsed` were not
    accepted, and record on the ticket whether and how they were told. `new_ticket`: the mail opened the
    ticket, whose acknowledgement (queued in this transaction, if the limit allowed it) then carries the
    notice. Does nothing (None) when every file was accepted."""
    files = [file.as_data() for file in refused_files(parsed.attachments)]
    if not files or message is None:
        return None
    # Mail for the requester goes where the ticket sends hers (her Reply-To); anyone else's to them.
    recipient = ticket.requester_address if contact.pk == ticket.requester_id else (contact.email or "")
    told, not_told = "", auto_mail_refusal(recipient=recipient, automatic=parsed.is_auto_generated)
    if not not_told:
        if new_ticket and notifications.ack_add_refused(ticket=ticket, recipient=recipient, files=files):
            told = IN_ACKNOWLEDGEMENT
        elif not notifications.auto_reply_allowed(recipient=recipient):
            not_told = RATE_LIMITED
        else:
            notifications.notify_files_refused(
                ticket=ticket, message=message, recipient=recipient, contact=contact, files=files
            )
            told = IN_NOTICE
    if not_told:
        logger.info("files not accepted on ticket #%s: %s not told (%s)", ticket.pk, recipient or "?", not_told)
    return events.event_refused_files_notice(
        ticket=ticket, message=message, recipient=recipient, files=files, told=told, not_told=not_told
    )
