"""Opening a ticket: the first message, contract and SLA policy, the acknowledgement."""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import selectors as customer_selectors
from customers.models import Contact, Product
from helpdesk.models import Priority, Team, User
from tickets import events, notifications
from tickets.attachments.store import IncomingFile, attachment_store
from tickets.content import render_body
from tickets.models import Channel, Message, Status, Ticket, TicketType
from tickets.search import ticket_index
from tickets.services.common import _default_team, _require_agent, _tags
from tickets.sla.store import sla_refresh

# The highest priority a customer may give their own request, on every channel (the portal, the API
# with a token or a session); urgent is an agent's call. The email channel takes no priority from mail.
CUSTOMER_MAX_PRIORITY = Priority.HIGH


def priority_allowed_for(actor: User | None, priority: str) -> bool:
    """Whether `actor` may open a ticket with this priority (None: the helpdesk itself, e.g. demo data)."""
    if actor is None or actor.is_agent:
        return True
    return Priority.values.index(priority) <= Priority.values.index(CUSTOMER_MAX_PRIORITY)


@transaction.atomic
def ticket_create(
    *,
    actor: User | None,
    requester: Contact,
    subject: str,
    body: str = "",
    body_html: str = "",
    priority: str = Priority.NORMAL,
    type: str = TicketType.QUESTION,
    channel: str = Channel.PORTAL,
    team: Team | None = None,
    assignee: User | None = None,
    product: Product | None = None,
    tags: Sequence[str] = (),
    attachments: Sequence[IncomingFile] = (),
    cc_emails: Sequence[str] = (),
    reply_to_email: str = "",
    email_message_id: str = "",
    internal: bool = False,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket with its first message; picks contract and SLA policy, records the event.

    `internal=True` (agents only, a logged phone call): the first message is the agent's internal
    note, so the customer sees no message until an agent writes one. ``reply_to_email`` (an email's
    Reply-To) is where mail for the requester goes when it is not the requester's own address.
    Enqueues the acknowledgement to the requester after commit.
    """
    now = now or timezone.now()
    if internal:
        _require_agent(actor)
    reply_to_email = (reply_to_email or "").strip()
    if reply_to_email.lower() == requester.email.lower():
        reply_to_email = ""
    if reply_to_email:
        try:
            validate_email(reply_to_email)
        except ValidationError as exc:
            raise ValidationError({"reply_to_email": exc.messages}) from exc
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": [_("A subject is required.")]})
    if not (body or "").strip() and not body_html and not attachments:
        raise ValidationError({"body": [_("Please describe the request.")]})
    if assignee is not None and not assignee.is_agent:
        raise ValidationError({"assignee": [_("Only agents can be assigned.")]})
    if priority in Priority.values and not priority_allowed_for(actor, priority):
        raise ValidationError({"priority": [_("Only agents can set this priority; choose high at most.")]})
    organization = requester.organization
    contract = customer_selectors.contract_for(
        contact=requester, organization=organization, on=timezone.localdate(now), product=product
    )
    policy = customer_selectors.sla_policy_for(contract=contract, organization=organization)
    ticket = Ticket.objects.create(
        subject=subject[:255],
        status=Status.OPEN if assignee else Status.NEW,
        priority=priority,
        type=type,
        channel=channel,
        requester=requester,
        organization=organization,
        team=team or _default_team(),
        assignee=assignee,
        product=product,
        contract=contract,
        sla_policy=policy,
        cc_emails=list(cc_emails),
        reply_to_email=reply_to_email[:254],
        created_at=now,
        updated_at=now,
        last_customer_activity_at=now,
    )
    if tags:
        ticket.tags.set(_tags(tags))
    html, text = render_body(text=body, html_body=body_html)
    by_agent = actor is not None and actor.is_agent
    message = Message.objects.create(
        ticket=ticket,
        # An agent's description of the customer's request is filed under the customer; a note is the agent's.
        author_contact=None if internal else requester,
        author_user=actor if by_agent else requester.user,
        internal=internal,
        body_html=html,
        body_text=text,
        channel=channel,
        created_at=now,
        email_message_id=email_message_id,
    )
    for incoming in attachments:
        attachment_store(ticket=ticket, message=message, incoming=incoming)
    events.event_created(ticket=ticket, actor=actor)
    ticket_index(ticket=ticket, extra_text="" if internal else text)  # customers search their tickets too
    sla_refresh(ticket=ticket, now=now)
    notifications.notify_ticket_created(ticket=ticket, message=message)
    return ticket
