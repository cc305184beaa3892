"""Marking a ticket as spam: closed for good, tagged `spam`, nothing sent to the requester, and when
asked the requester's address blocked (tickets.blocklist), so their next mail is quarantined instead of
opening a ticket again. The ticket page, the list's bulk bar and the API call `ticket_mark_spam`."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import InvalidTransition
from helpdesk.models import User
from tickets import events
from tickets.blocklist.services import sender_block_for_spam
from tickets.models import SPAM_TAG, BlockedSender, Channel, EventKind, Status, Ticket
from tickets.services.common import _lock, _require_agent
from tickets.services.edit import _apply_tags
from tickets.services.status import _transition
from tickets.sla.store import sla_refresh

__all__ = ["SPAM_TAG", "SpamResult", "spam_block_default", "ticket_mark_spam"]


@dataclass(frozen=True)
class SpamResult:
    ticket: Ticket
    blocked: BlockedSender | None


def spam_block_default(ticket: Ticket) -> bool:
    """What "also block the sender" starts as: on for a ticket that came by email."""
    return ticket.channel == Channel.EMAIL


def _block(*, ticket: Ticket, actor: User, now: datetime) -> BlockedSender:
    """Block the requester's address. Refused (400 on `block_sender`) for a requester without an address,
    with a portal login (a customer with an account is a person we serve: close the ticket, deactivate
    the login if it is abused), or whose address is ours or a staff account's (tickets.blocklist)."""
    requester = ticket.requester
    if not requester.email:
        raise ValidationError(
            {"block_sender": ValidationError(_("The requester has no email address to block."), code="no_address")}
        )
    if requester.user_id is not None:
        raise ValidationError(
            {
                "block_sender": ValidationError(
                    _("The requester has a portal login, so their address is not blocked."), code="sender_has_login"
                )
            }
        )
    note = _("Ticket #%(number)s marked as spam.") % {"number": ticket.pk}
    return sender_block_for_spam(actor=actor, address=requester.email, note=note, now=now)


@transaction.atomic
def ticket_mark_spam(*, ticket: Ticket, actor: User, block_sender: bool, now: datetime | None = None) -> SpamResult:
    """Agents only (403). Close the ticket from any status but closed (a system move of the status table,
    as merging makes; a closed ticket is a 409 `invalid_transition`, a merged one a 400 `ticket_merged`),
    tag it `spam`, record an agents-only `marked_spam` event, and with `block_sender` block the
    requester's address. All or nothing.

    Nothing goes to the requester: closing sends no mail (only solving does), a public reply to a closed
    ticket is refused (also a trigger's), and the `spam` tag keeps surveys away (tickets.satisfaction.
    surveys). Webhooks still fire as for any close (`ticket.status_changed`), plus `ticket.marked_spam`.
    """
    _require_agent(actor)
    now = now or timezone.now()
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(_("This ticket is closed already; it cannot be marked as spam."))
    blocked = _block(ticket=ticket, actor=actor, now=now) if block_sender else None
    _apply_tags(ticket=ticket, actor=actor, tags=[*(t.name for t in ticket.tags.all()), SPAM_TAG])
    _transition(ticket=ticket, actor=actor, status=Status.CLOSED, now=now, system=True)
    ticket.updated_at = now
    ticket.next_escalation_at = None
    ticket.save()
    sla_refresh(ticket=ticket, now=now)
    data = {"blocked": blocked.pk if blocked else None, "address": blocked.value if blocked else ""}
    events.event_record(ticket=ticket, kind=EventKind.MARKED_SPAM, actor=actor, new=data["address"], data=data, at=now)
    return SpamResult(ticket=ticket, blocked=blocked)
