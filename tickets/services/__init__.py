"""Every write to tickets. The API, pages, email channel, tasks and admin all call these.

One module per area; the public functions are re-exported here, so callers write
`from tickets import services` and `services.ticket_reply(...)`.
"""

from tickets.services.conversation import CustomerReply, ticket_customer_reply, ticket_reply
from tickets.services.edit import SLA_INPUT_FIELDS, UPDATABLE_FIELDS, ticket_edit, ticket_update
from tickets.services.links import ticket_link
from tickets.services.merge import ticket_merge
from tickets.services.open import (
    CUSTOMER_MAX_PRIORITY,
    RequesterDetails,
    priority_allowed_for,
    requester_resolve,
    requester_staff_check,
    staff_address,
    ticket_open,
)
from tickets.services.referrals import (
    referral_answer,
    referral_cancel,
    referral_mark_customer_informed,
    ticket_refer,
)
from tickets.services.spam import SpamResult, spam_block_default, ticket_mark_spam
from tickets.services.status import ReopenWindowPassed, TicketClosed, ticket_change_status

__all__ = [
    "CUSTOMER_MAX_PRIORITY",
    "SLA_INPUT_FIELDS",
    "UPDATABLE_FIELDS",
    "CustomerReply",
    "RequesterDetails",
    "SpamResult",
    "ReopenWindowPassed",
    "TicketClosed",
    "priority_allowed_for",
    "referral_answer",
    "referral_cancel",
    "referral_mark_customer_informed",
    "requester_resolve",
    "requester_staff_check",
    "spam_block_default",
    "staff_address",
    "ticket_change_status",
    "ticket_customer_reply",
    "ticket_edit",
    "ticket_link",
    "ticket_mark_spam",
    "ticket_merge",
    "ticket_open",
    "ticket_refer",
    "ticket_reply",
    "ticket_update",
]
