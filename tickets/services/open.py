"""Opening a ticket, on every channel: the requester (found or created), the ticket with its contract and
SLA policy, the first message and its attachments, the event and the acknowledgement, in one transaction.

`ticket_open` is the one public way; the agent's new-ticket page, a logged call, the portal, the API and
the email channel all call it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import selectors as customer_selectors
from customers import services as customer_services
from customers.models import Contact, Product
from helpdesk.models import Priority, Team, User
from helpdesk.selectors import staff_address
from helpdesk.text import clean_line, is_blank
from tickets import events, notifications
from tickets.attachments.store import IncomingFile, attachment_store
from tickets.content import render_body
from tickets.models import Category, Channel, Mailbox, Message, Ticket, TicketType
from tickets.search import ticket_index
from tickets.services.common import _default_team, _require_agent, _tags
from tickets.services.routing import routing_input, ticket_route
from tickets.services.status import status_initial
from tickets.sla.store import sla_refresh

# The highest priority a customer may give their own request, on every channel (the portal, the API
# with a token or a session); urgent is an agent's call. The email channel takes no priority from mail.
CUSTOMER_MAX_PRIORITY = Priority.HIGH


def priority_allowed_for(actor: User | None, priority: str) -> bool:
    """Whether `actor` may open a ticket with this priority (None: the helpdesk itself, e.g. demo data)."""
    if actor is None or actor.is_agent:
        return True
    return Priority.values.index(priority) <= Priority.values.index(CUSTOMER_MAX_PRIORITY)


@dataclass(frozen=True)
class RequesterDetails:
    """Who a ticket is for when the caller has no contact yet: the contact with this email, created when unknown.

    Without an email (a caller known by phone), the contact with this phone number, written any way, and
    this name when one is given, else a new contact without an address: see
    customers.services.contact_get_or_create, which every channel goes through."""

    email: str
    full_name: str = ""
    phone: str = ""
    organization_name: str = ""
    language: str = ""  # a new contact's, chosen by the agent; empty: guessed from what is written
    field: str = "email"  # the input the address was given in, which a refusal names (the API: requester_email)
    phone_field: str = "phone"  # likewise for the number (the API: requester_phone)


def requester_staff_check(*, email: str | None, field: str) -> None:
    """A ticket is a customer's: the address of a staff account is never its requester, so staff never
    become contacts by opening tickets (ValidationError on `field`, code `staff_address`). Every channel
    comes here through requester_resolve; the email channel asks staff_address first (tickets.email)."""
    if staff_address(email):
        raise ValidationError(
            {
                field: ValidationError(
                    _("This address belongs to a staff account; choose the customer."), code="staff_address"
                )
            }
        )


def requester_resolve(requester: Contact | RequesterDetails) -> Contact:
    """The contact itself, or the one the details find or create (customers.services.contact_get_or_create:
    by email, else by phone number); never a staff address (requester_staff_check), even one a contact was
    made for before this rule. A refusal names the details' own inputs (`field`, `phone_field`)."""
    if isinstance(requester, Contact):
        requester_staff_check(email=requester.email, field="requester")
        return requester
    requester_staff_check(email=requester.email, field=requester.field)
    try:
        contact, _created = customer_services.contact_get_or_create(
            email=requester.email,
            full_name=requester.full_name,
            phone=requester.phone,
            organization_name=requester.organization_name,
            language=requester.language,
        )
    except ValidationError as exc:
        raise _named_as_given(exc, {"email": requester.field, "phone": requester.phone_field}) from exc
    return contact


def _named_as_given(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The contact's refusal on the inputs the details came in (the API's requester_email, requester_phone)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


def _reply_to_clean(reply_to_email: str, *, requester: Contact) -> str:
    reply_to_email = (reply_to_email or "").strip()
    if reply_to_email.lower() == (requester.email or "").lower():
        return ""
    if reply_to_email:
        try:
            validate_email(reply_to_email)
        except ValidationError as exc:
            raise ValidationError({"reply_to_email": exc.messages}) from exc
    return reply_to_email


def _check_open(
    *, actor: User | None, subject: str, body: str, body_html: str, attachments, assignee: User | None, priority: str
) -> str:
    """Refuse what no channel may open; returns the cleaned subject."""
    subject = clean_line(subject)
    if is_blank(subject):
        raise ValidationError({"subject": [_("A subject is required.")]})
    if is_blank(body) and not body_html and not attachments:
        raise ValidationError({"body": [_("Please describe the request.")]})
    if assignee is not None and not assignee.is_agent:
        raise ValidationError({"assignee": [_("Only agents can be assigned.")]})
    if priority in Priority.values and not priority_allowed_for(actor, priority):
        raise ValidationError({"priority": [_("Only agents can set this priority; choose high at most.")]})
    return subject


def _first_message(
    *,
    ticket: Ticket,
    actor: User | None,
    requester: Contact,
    body: str,
    body_html: str,
    internal: bool,
    attachments: Sequence[IncomingFile],
    email_message_id: str,
    now: datetime,
) -> tuple[Message, str]:
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
        channel=ticket.channel,
        created_at=now,
        email_message_id=email_message_id,
    )
    for incoming in attachments:
        attachment_store(ticket=ticket, message=message, incoming=incoming)
    return message, text


def _ticket_row(
    *,
    requester: Contact,
    subject: str,
    assignee: User | None,
    team: Team | None,
    product: Product | None,
    cc_emails: Sequence[str],
    reply_to_email: str,
    category: Category | None,
    now: datetime,
    **fields: str,
) -> Ticket:
    """The ticket row, with the contract and SLA policy that cover the requester today."""
    organization = requester.organization
    contract = customer_selectors.contract_for(
        contact=requester, organization=organization, on=timezone.localdate(now), product=product
    )
    return Ticket.objects.create(
        subject=subject[:255],
        status=status_initial(assignee=assignee),
        requester=requester,
        organization=organization,
        team=team or _default_team(),
        assignee=assignee,
        product=product,
        category=category,
        contract=contract,
        sla_policy=customer_selectors.sla_policy_for(contract=contract, organization=organization),
        cc_emails=list(cc_emails),
        reply_to_email=reply_to_email[:254],
        created_at=now,
        updated_at=now,
        last_customer_activity_at=now,
        **fields,  # priority, type, channel
    )


def _chosen_by_agent(
    *, actor: User | None, priority: str | None, team: Team | None, assignee: User | None
) -> frozenset[str]:
    """What routing rules leave as the opener set it: an agent (or an agent's API token) decides the type,
    and the priority, team and assignee when they chose them (`priority` None: no choice, so a rule's
    priority applies); rules decide everything for customers and the email channel."""
    if actor is None or not actor.is_agent:
        return frozenset()
    chosen = {"type"} | ({"priority"} if priority else set())
    return frozenset(chosen | ({"team"} if team else set()) | ({"assignee"} if assignee else set()))


@transaction.atomic
def ticket_open(
    *,
    actor: User | None,
    requester: Contact | RequesterDetails,
    subject: str,
    body: str = "",
    body_html: str = "",
    priority: str | None = None,
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
    mailbox: Mailbox | None = None,
    category: Category | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket with its first message for `requester` (a Contact, or details to find or create one).

    Picks contract and SLA policy, records the event; all or nothing, the contact included.
    `internal=True` (agents only, a logged phone call): the first message is the agent's internal
    note, so the customer sees no message until an agent writes one. ``reply_to_email`` (an email's
    Reply-To) is where mail for the requester goes when it is not the requester's own address.
    Enqueues the acknowledgement to the requester after commit. The routing rules and automatic
    assignment run on every new ticket (tickets.services.routing); ``mailbox`` is the one an email
    came in at, for the rules' mailbox condition; its default category is the ticket's unless
    ``category`` is given (the rules may change either). ``priority`` None: the opener chose none, so the
    ticket is normal unless a rule sets one; an agent's chosen priority is kept over the rules'.
    """
    now = now or timezone.now()
    chosen = _chosen_by_agent(actor=actor, priority=priority, team=team, assignee=assignee)
    priority = priority or Priority.NORMAL
    if internal:
        _require_agent(actor)
    subject = _check_open(
        actor=actor,
        subject=subject,
        body=body,
        body_html=body_html,
        attachments=attachments,
        assignee=assignee,
        priority=priority,
    )
    contact = requester_resolve(requester)
    # Whoever never chose a language is written to in the one their request is in (their name and
    # subject, and the first message when they can read it), whichever channel brought it.
    customer_services.contact_language_guess(
        contact=contact,
        text="\n".join((contact.full_name, subject, "" if internal else body)),
        theirs=not (actor is not None and actor.is_agent),
    )
    ticket = _ticket_row(
        requester=contact,
        subject=subject,
        priority=priority,
        type=type,
        channel=channel,
        team=team,
        assignee=assignee,
        product=product,
        cc_emails=cc_emails,
        reply_to_email=_reply_to_clean(reply_to_email, requester=contact),
        category=category or (mailbox.default_category if mailbox else None),
        now=now,
    )
    if tags:
        ticket.tags.set(_tags(tags))
    message, text = _first_message(
        ticket=ticket,
        actor=actor,
        requester=contact,
        body=body,
        body_html=body_html,
        internal=internal,
        attachments=attachments,
        email_message_id=email_message_id,
        now=now,
    )
    events.event_created(ticket=ticket, actor=actor)
    ticket_route(
        ticket=ticket,
        route=routing_input(ticket=ticket, contact=contact, text=text, mailbox_id=mailbox.pk if mailbox else None),
        keep=chosen | ({"category"} if category is not None else set()),
        now=now,
    )
    ticket_index(ticket=ticket, extra_text=text, internal=internal)  # a note: for agents' search only
    sla_refresh(ticket=ticket, now=now)
    notifications.notify_ticket_created(ticket=ticket, message=message)
    notifications.notify_team_ticket(ticket=ticket, actor=actor)
    return ticket
