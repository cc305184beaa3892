"""The conversation: replies and internal notes, and where a customer's reply goes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from helpdesk.exceptions import NotAllowed
from helpdesk.models import User
from helpdesk.text import is_blank
from tickets import events, notifications
from tickets.attachments.store import IncomingFile, attachment_store
from tickets.content import render_body
from tickets.models import Channel, EventKind, Message, Status, Ticket, TicketLink
from tickets.search import ticket_index
from tickets.services.common import _lock, _lock_live
from tickets.services.links import ticket_link
from tickets.services.open import ticket_open
from tickets.services.referrals import referrals_told_by_reply
from tickets.services.routing import owner_take_on_reply
from tickets.services.status import ReopenWindowPassed, TicketClosed, _transition
from tickets.sla.elapsed import business_minutes_since_created
from tickets.sla.store import sla_refresh
from tickets.timetrack.services import TimeSpent, time_entry_log, time_missing_error, time_required
from tickets.transitions import customer_reply_opens_follow_up


def _reply_author(
    *,
    ticket: Ticket,
    actor: User | None,
    contact: Contact | None,
    internal: bool,
    needs_review: bool,
    empty: bool,
    now: datetime,
) -> tuple[bool, Contact | None]:
    """Who writes and whether they may: (from_agent, the customer contact writing or None)."""
    from_agent = actor is not None and actor.is_agent and contact is None
    # A note flagged for review records what the email channel must not publish (a stranger's
    # reply, an auto-reply); nobody acts, so it has no agent author.
    review_note = internal and needs_review and actor is None
    if internal and not from_agent and not review_note:
        raise NotAllowed(_("Only agents can write internal notes."))
    if empty:
        raise ValidationError({"body": [_("Write a message or attach a file.")]})
    if ticket.status == Status.CLOSED and not internal:
        raise TicketClosed(_("This ticket is closed; a follow-up ticket is needed."))
    if not from_agent and not internal and customer_reply_opens_follow_up(ticket, now=now):
        raise ReopenWindowPassed.for_window()
    if contact is None and not from_agent and not review_note:
        contact = getattr(actor, "contact", None) if actor is not None else None
        if contact is None:
            raise NotAllowed(_("Only agents and the ticket's contacts can reply."))
    return from_agent, None if from_agent else contact


def _reply_status(
    *, ticket: Ticket, actor: User | None, from_agent: bool, internal: bool, needs_review: bool, status, now, notice
) -> None:
    """Activity times and the status a reply brings: the agent's choice, else new -> open on an agent's
    reply, pending or solved -> open on a customer's (a system move of the table). A notice brings
    nothing: it answers nobody."""
    if notice:
        return
    if from_agent:
        ticket.last_agent_activity_at = now
        if not internal and ticket.first_responded_at is None:
            ticket.first_responded_at = now
            ticket.first_response_business_minutes = business_minutes_since_created(ticket=ticket, at=now)
        wanted = status or (Status.OPEN if not internal and ticket.status == Status.NEW else None)
        if wanted and wanted != ticket.status:
            _transition(ticket=ticket, actor=actor, status=wanted, now=now)
    elif not needs_review:
        ticket.last_customer_activity_at = now
        if ticket.status in (Status.PENDING, Status.SOLVED):
            _transition(ticket=ticket, actor=actor, status=Status.OPEN, now=now, system=True)


def _reply_message(
    *,
    ticket: Ticket,
    actor: User | None,
    contact: Contact | None,
    from_agent: bool,
    body: str,
    body_html: str,
    internal: bool,
    channel: str,
    attachments: Sequence[IncomingFile],
    email: dict,
    needs_review: bool,
    now: datetime,
    notice: bool = False,
) -> tuple[Message, str]:
    """The message, its attachments and its event; returns it with its plain text."""
    html, text = render_body(text=body, html_body=body_html)
    message = Message.objects.create(
        ticket=ticket,
        author_user=actor if actor is not None and actor.is_authenticated else None,
        author_contact=contact,
        internal=internal,
        body_html=html,
        body_text=text,
        channel=channel,
        created_at=now,
        needs_review=needs_review,
        notice=notice,
        **email,
    )
    for incoming in attachments:
        attachment_store(ticket=ticket, message=message, incoming=incoming)
    events.event_record(
        ticket=ticket,
        kind=EventKind.NOTE_ADDED if internal else EventKind.REPLIED,
        actor=actor,
        public=not internal,
        data={"message": message.pk, "by": "agent" if from_agent else "customer"},
        at=now,
    )
    return message, text


def _reply_time_check(*, from_agent: bool, time: TimeSpent | None, time_asked: bool) -> None:
    """Time is logged by agents only; where the channel asks for it, HELPDESK_REQUIRE_TIME needs it.
    Channels that cannot ask (email, macros, bulk notices) are not held to it."""
    if time is not None and not from_agent:
        raise NotAllowed(_("Only agents log time."))
    if time is None and time_asked and from_agent and time_required():
        raise time_missing_error()


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    actor: User | None,
    body: str = "",
    body_html: str = "",
    internal: bool = False,
    contact: Contact | None = None,
    channel: str = Channel.AGENT,
    attachments: Sequence[IncomingFile] = (),
    status: str | None = None,
    email_message_id: str = "",
    email_in_reply_to: str = "",
    email_references: str = "",
    needs_review: bool = False,
    time: TimeSpent | None = None,
    time_asked: bool = False,
    notice: bool = False,
    now: datetime | None = None,
) -> Message:
    """Add a public reply or an internal note, by an agent (`actor`) or a customer (`contact`).

    A customer's reply reopens a pending ticket, or a solved one within HELPDESK_REOPEN_DAYS; past
    that it raises ReopenWindowPassed, and on a closed ticket TicketClosed: customer replies go
    through `ticket_customer_reply`, which opens the follow-up instead. An agent may set the status
    with the reply, and log the `time` spent (a TimeEntry of the message, same transaction); where the
    channel asks for it (`time_asked`: the reply form, the API) HELPDESK_REQUIRE_TIME makes it required.
    `notice`: an agent's public message telling the customer something without answering them (a feature
    shipped, tickets.feedback.notify): mailed as any reply, but no first or next response, no SLA target
    met, no status change, nobody takes the ticket.
    """
    now = now or timezone.now()
    if notice and (internal or status is not None or contact is not None):
        raise ValueError("A notice is an agent's public message that changes no status.")
    ticket = _lock(ticket)
    from_agent, contact = _reply_author(
        ticket=ticket,
        actor=actor,
        contact=contact,
        internal=internal,
        needs_review=needs_review,
        empty=is_blank(body) and not body_html and not attachments,
        now=now,
    )
    if notice and not from_agent:
        raise NotAllowed(_("Only agents may do this."))
    _reply_time_check(from_agent=from_agent, time=time, time_asked=time_asked)
    if from_agent and not internal and not notice and actor is not None:
        owner_take_on_reply(ticket=ticket, actor=actor, now=now)  # HELPDESK_REQUIRE_OWNER
    message, text = _reply_message(
        ticket=ticket,
        actor=actor,
        contact=contact,
        from_agent=from_agent,
        body=body,
        body_html=body_html,
        internal=internal,
        channel=channel,
        attachments=attachments,
        email={
            "email_message_id": email_message_id,
            "email_in_reply_to": email_in_reply_to,
            "email_references": email_references,
        },
        needs_review=needs_review,
        now=now,
        notice=notice,
    )
    if time is not None:
        time_entry_log(ticket=ticket, actor=actor, time=time, message=message, now=now)
    if from_agent and not internal and not notice and actor is not None:  # a notice tells no outcome
        referrals_told_by_reply(ticket=ticket, actor=actor, message_id=message.pk, now=now)
    status_before = ticket.status
    _reply_status(
        ticket=ticket,
        actor=actor,
        from_agent=from_agent,
        internal=internal,
        needs_review=needs_review,
        status=status,
        now=now,
        notice=notice,
    )
    ticket.updated_at = now
    ticket.save()
    ticket_index(ticket=ticket, extra_text=text, internal=internal)  # a note: for agents' search only
    sla_refresh(ticket=ticket, now=now)
    solved = ticket.status == Status.SOLVED and status_before != Status.SOLVED
    if from_agent and not internal:  # a reply that solves says so itself: one mail, not two
        notifications.notify_agent_reply(ticket=ticket, message=message, solved=solved)
    elif from_agent:
        notifications.notify_mentions(ticket=ticket, message=message, actor=actor)
    elif not internal and not needs_review:
        notifications.notify_customer_reply(ticket=ticket, message=message)
    if solved and (internal or not from_agent):
        notifications.notify_solved(ticket=ticket, actor=actor)
    return message


@dataclass(frozen=True)
class CustomerReply:
    """Where a customer's reply went: `message` on `ticket`, which is a new follow-up when `follow_up`."""

    message: Message
    ticket: Ticket
    reopened: bool = False
    follow_up: bool = False


@transaction.atomic
def ticket_customer_reply(
    *,
    ticket: Ticket,
    actor: User | None,
    contact: Contact,
    body: str = "",
    body_html: str = "",
    channel: str = Channel.PORTAL,
    attachments: Sequence[IncomingFile] = (),
    reply_to_email: str = "",
    email_message_id: str = "",
    email_in_reply_to: str = "",
    email_references: str = "",
    now: datetime | None = None,
) -> CustomerReply:
    """A customer's reply on any channel (portal, API, email): the one place that decides its fate.

    On a ticket in progress it is a reply; on one solved within HELPDESK_REOPEN_DAYS it reopens it;
    on a closed ticket or one solved longer ago it opens a new ticket linked as its follow-up. A reply
    to a merged ticket goes on to the ticket it was merged into (the result's `ticket`), where the
    same applies. `reply_to_email` (an email's Reply-To) counts only for a follow-up: a later mail never
    redirects an existing conversation.
    """
    now = now or timezone.now()
    ticket = _lock_live(ticket)
    if customer_reply_opens_follow_up(ticket, now=now):
        follow_up = _follow_up_create(
            original=ticket,
            actor=actor,
            contact=contact,
            body=body,
            body_html=body_html,
            channel=channel,
            attachments=attachments,
            reply_to_email=reply_to_email,
            email_message_id=email_message_id,
            now=now,
        )
        return CustomerReply(message=follow_up.messages.earliest("id"), ticket=follow_up, follow_up=True)
    was_solved = ticket.status == Status.SOLVED
    message = ticket_reply(
        ticket=ticket,
        actor=actor,
        contact=contact,
        body=body,
        body_html=body_html,
        channel=channel,
        attachments=attachments,
        email_message_id=email_message_id,
        email_in_reply_to=email_in_reply_to,
        email_references=email_references,
        now=now,
    )
    return CustomerReply(message=message, ticket=message.ticket, reopened=was_solved)


def _follow_up_create(
    *,
    original: Ticket,
    actor: User | None,
    contact: Contact,
    body: str,
    body_html: str,
    channel: str,
    attachments: Sequence[IncomingFile],
    reply_to_email: str,
    email_message_id: str,
    now: datetime,
) -> Ticket:
    """A new ticket for the customer's reply, with the original's subject, team and product, linked to it."""
    follow_up = ticket_open(
        actor=actor,
        requester=contact,
        subject=original.subject,
        body=body,
        body_html=body_html,
        priority=original.priority,
        type=original.type,
        channel=channel,
        team=original.team,
        product=original.product,
        attachments=attachments,
        reply_to_email=reply_to_email,
        email_message_id=email_message_id,
        now=now,
    )
    ticket_link(ticket=follow_up, other=original, kind=TicketLink.Kind.FOLLOW_UP, actor=actor)
    return follow_up
