"""Who the helpdesk may write to on its own: the one rule for the mail nobody asked an agent to send,
the acknowledgement of a new ticket (tickets.notifications.notify_ticket_created) and the notice of
files not accepted (tickets.email.refusal_notice), whichever channel opened the ticket.

Never an answer to automatic mail (tickets.email.loops: an auto-reply to an auto-reply is a mail loop),
never a mail system's address (mailer-daemon, postmaster), never one of our own addresses (a mailbox
or the address we send from: we would write to ourselves, and fetch it back) and never a staff
account's (staff are not customers). The hourly limit per address is apart
(tickets.notifications.auto_reply_allowed): it counts what was sent, this is who may be written to.
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings

from helpdesk.selectors import staff_address
from tickets.email.loops import is_system_address
from tickets.models import Mailbox

# Why not (the `not_told` of a refused-files event, and the log line of a skipped acknowledgement).
AUTOMATIC = "automatic"
OUR_ADDRESS = "our_address"
NO_ADDRESS = "no_address"


def our_addresses() -> set[str]:
    """Our mailboxes' addresses and the address we send from, lower-cased: never a customer."""
    addresses = {address.lower() for address in Mailbox.objects.values_list("address", flat=True)}
    default = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    if default:
        addresses.add(default)
    return addresses


def auto_mail_refusal(*, recipient: str, automatic: bool = False) -> str:
    """Why `recipient` must not get a mail the helpdesk writes on its own ("" when they may): AUTOMATIC
    when the mail it would answer was written by a machine (`automatic`), NO_ADDRESS, or OUR_ADDRESS for
    a mail system's, ours or a staff account's, in any letter case. Two indexed reads at most."""
    if automatic:
        return AUTOMATIC
    address = (recipient or "").strip().strip("<>").strip().lower()
    if not address:
        return NO_ADDRESS
    if is_system_address(address) or address in our_addresses() or staff_address(address):
        return OUR_ADDRESS
    return ""
