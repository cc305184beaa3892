"""Every write to tickets. The API, pages, email channel, tasks and admin all call these."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers import selectors as customer_selectors
from customers.models import Contact, Product
from helpdesk import dates
from helpdesk.exceptions import Conflict, DomainError, InvalidTransition, NotAllowed
from helpdesk.models import Priority, Team, User
from helpdesk.permissions import require_agent as _require_agent
from tickets import events, notifications
from tickets.attachments.store import IncomingFile, attachment_store
from tickets.content import render_body
from tickets.models import (
    Channel,
    EventKind,
    Message,
    Referral,
    Status,
    Tag,
    Ticket,
    TicketLink,
    TicketType,
)
from tickets.search import ticket_index
from tickets.sla.store import sla_refresh
from tickets.transitions import can_transition, customer_can_reopen, customer_reply_opens_follow_up, reopen_days


def _default_team() -> Team | None:
    slug = getattr(settings, "HELPDESK_DEFAULT_TEAM", "")
    return Team.objects.filter(slug=slug, is_active=True).first() if slug else None


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower()[:60] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return [existing.get(name) or Tag.objects.get_or_create(name=name)[0] for name in clean]


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent changes queue up instead of overwriting."""
    return (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester", "organization", "sla_policy")
        .get(pk=ticket.pk)
    )


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


UPDATABLE_FIELDS = ("subject", "priority", "type", "team", "assignee", "product", "contract", "sla_policy")
# Changing any of these moves the SLA due times (recomputed from the ticket's whole history).
SLA_INPUT_FIELDS = frozenset({"priority", "contract", "sla_policy"})


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    changes: dict,
    tags: Sequence[str] | None = None,
    now: datetime | None = None,
    system: bool = False,
) -> Ticket:
    """Change an agent-owned field (subject, priority, type, team, assignee, product, tags).

    One event per changed field; a priority, contract or policy change recomputes the SLA due times.
    `system=True` is the helpdesk itself acting (escalation steps): no agent, events without an actor.
    """
    if not system:
        _require_agent(actor)
    now = now or timezone.now()
    ticket = _lock(ticket)
    changed = []
    for field, value in changes.items():
        if field not in UPDATABLE_FIELDS:
            raise ValidationError({field: [_("This field cannot be changed here.")]})
        if field == "assignee" and value is not None and not value.is_agent:
            raise ValidationError({"assignee": [_("Only agents can be assigned.")]})
        if field == "subject" and not (value or "").strip():
            raise ValidationError({"subject": [_("A subject is required.")]})
        old = getattr(ticket, field)
        if old == value:
            continue
        setattr(ticket, field, value)
        changed.append(field)
        events.event_field_changed(ticket=ticket, actor=actor, field=field, old=old, new=value, at=now)
        if field == "assignee" and value is not None:
            notifications.notify_assigned(ticket=ticket, assignee=value, actor=actor)
    if tags is not None:
        new_tags = _tags(tags)
        old_names = sorted(t.name for t in ticket.tags.all())
        new_names = sorted(t.name for t in new_tags)
        if old_names != new_names:
            ticket.tags.set(new_tags)
            events.event_field_changed(
                ticket=ticket, actor=actor, field="tags", old=", ".join(old_names), new=", ".join(new_names)
            )
            changed.append("tags")
    if changed:
        if ticket.status == Status.NEW and "assignee" in changed and ticket.assignee_id:
            _set_status(ticket=ticket, actor=actor, status=Status.OPEN, now=now)
        ticket.updated_at = now
        ticket.save()
        if "subject" in changed:
            ticket_index(ticket=ticket)
        if SLA_INPUT_FIELDS.intersection(changed):
            if "contract" in changed and "sla_policy" not in changed:
                # the contract decides the policy, as it does when a ticket is created
                ticket.sla_policy = customer_selectors.sla_policy_for(
                    contract=ticket.contract, organization=ticket.organization
                )
                ticket.save(update_fields=["sla_policy"])
            sla_refresh(ticket=ticket, now=now)
    return ticket


def _set_status(*, ticket: Ticket, actor: User | None, status: str, now: datetime) -> None:
    old = ticket.status
    ticket.status = status
    if status == Status.SOLVED:
        ticket.solved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
    elif old == Status.SOLVED:
        ticket.solved_at = None
    events.event_status_changed(ticket=ticket, actor=actor, old=old, new=status, at=now)


def _transition(*, ticket: Ticket, actor: User | None, status: str, now: datetime, by_customer: bool = False) -> None:
    """Check a status move against the table (InvalidTransition, a 409, when refused) and make it."""
    if not can_transition(ticket.status, status, by_customer=by_customer):
        raise InvalidTransition(
            _("A ticket cannot go from %(old)s to %(new)s.")
            % {"old": Status(ticket.status).label, "new": Status(status).label}
        )
    _set_status(ticket=ticket, actor=actor, status=status, now=now)


@transaction.atomic
def ticket_change_status(*, ticket: Ticket, actor: User | None, status: str, now: datetime | None = None) -> Ticket:
    """The only way a status changes: checked against tickets.transitions, evented, SLA recomputed.

    Customers may only mark solved or reopen, and reopen only within HELPDESK_REOPEN_DAYS
    (ReopenWindowPassed, a 409, after it). An illegal move raises InvalidTransition (409).
    """
    now = now or timezone.now()
    if status not in Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    ticket = _lock(ticket)
    if ticket.status == status:
        return ticket
    by_customer = actor is not None and not actor.is_agent
    if (
        by_customer
        and status == Status.OPEN
        and ticket.status == Status.SOLVED
        and not customer_can_reopen(ticket, now=now)
    ):
        raise ReopenWindowPassed.for_window()
    _transition(ticket=ticket, actor=actor, status=status, now=now, by_customer=by_customer)
    ticket.updated_at = now
    if by_customer:
        ticket.last_customer_activity_at = now
    ticket.save()
    sla_refresh(ticket=ticket, now=now)
    if status == Status.SOLVED:
        notifications.notify_solved(ticket=ticket)
    return ticket


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
    now: datetime | None = None,
) -> Message:
    """Add a public reply or an internal note, by an agent (`actor`) or a customer (`contact`).

    A customer's reply reopens a pending ticket, or a solved one within HELPDESK_REOPEN_DAYS; past
    that it raises ReopenWindowPassed, and on a closed ticket TicketClosed: customer replies go
    through `ticket_customer_reply`, which opens the follow-up instead. An agent may set the status
    with the reply.
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    from_agent = actor is not None and actor.is_agent and contact is None
    # A note flagged for review records what the email channel must not publish (a stranger's
    # reply, an auto-reply); nobody acts, so it has no agent author.
    review_note = internal and needs_review and actor is None
    if internal and not from_agent and not review_note:
        raise NotAllowed(_("Only agents can write internal notes."))
    if not (body or "").strip() and not body_html and not attachments:
        raise ValidationError({"body": [_("The message is empty.")]})
    if ticket.status == Status.CLOSED and not internal:
        raise TicketClosed(_("This ticket is closed; a follow-up ticket is needed."))
    if not from_agent and not internal and customer_reply_opens_follow_up(ticket, now=now):
        raise ReopenWindowPassed.for_window()
    if contact is None and not from_agent and not review_note:
        contact = getattr(actor, "contact", None) if actor is not None else None
        if contact is None:
            raise NotAllowed(_("Only agents and the ticket's contacts can reply."))
    html, text = render_body(text=body, html_body=body_html)
    message = Message.objects.create(
        ticket=ticket,
        author_user=actor if actor is not None and actor.is_authenticated else None,
        author_contact=None if from_agent else contact,
        internal=internal,
        body_html=html,
        body_text=text,
        channel=channel,
        created_at=now,
        email_message_id=email_message_id,
        email_in_reply_to=email_in_reply_to,
        email_references=email_references,
        needs_review=needs_review,
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
    status_before = ticket.status
    if from_agent:
        ticket.last_agent_activity_at = now
        if not internal and ticket.first_responded_at is None:
            ticket.first_responded_at = now
        wanted = status or (Status.OPEN if not internal and ticket.status == Status.NEW else None)
        if wanted and wanted != ticket.status:
            _transition(ticket=ticket, actor=actor, status=wanted, now=now)
    elif not needs_review:
        ticket.last_customer_activity_at = now
        if ticket.status in (Status.PENDING, Status.SOLVED):
            _set_status(ticket=ticket, actor=actor, status=Status.OPEN, now=now)
    ticket.updated_at = now
    ticket.save()
    if not internal:
        ticket_index(ticket=ticket, extra_text=text)
    sla_refresh(ticket=ticket, now=now)
    if from_agent and not internal:
        notifications.notify_agent_reply(ticket=ticket, message=message)
    if ticket.status == Status.SOLVED and status_before != Status.SOLVED:
        notifications.notify_solved(ticket=ticket)
    return message


class TicketClosed(DomainError):
    code = "ticket_closed"
    status = 409


class ReopenWindowPassed(Conflict):
    """A customer tried to reopen a ticket solved longer ago than HELPDESK_REOPEN_DAYS."""

    code = "reopen_window_passed"

    @classmethod
    def for_window(cls) -> "ReopenWindowPassed":
        days = reopen_days()
        shown = dates.persian_digits(str(days)) if translation.get_language() == "fa" else str(days)
        return cls(
            ngettext(
                "This request was solved more than %(days)s day ago and can no longer be reopened. "
                "Reply to it instead: your reply opens a follow-up request linked to it.",
                "This request was solved more than %(days)s days ago and can no longer be reopened. "
                "Reply to it instead: your reply opens a follow-up request linked to it.",
                days,
            )
            % {"days": shown}
        )


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
    on a closed ticket or one solved longer ago it opens a new ticket linked as its follow-up.
    `reply_to_email` (an email's Reply-To) counts only for a follow-up: a later mail never redirects
    an existing conversation.
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
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
        return CustomerReply(message=follow_up.messages.order_by("id").first(), ticket=follow_up, follow_up=True)
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
    follow_up = ticket_create(
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


@transaction.atomic
def ticket_refer(
    *, ticket: Ticket, actor: User, to_team: Team, note: str, handoff: bool = False, now: datetime | None = None
) -> Referral:
    """Hand a ticket, or a question about it, to another team; tracked until answered.

    A hand-off also moves the ticket to that team (unassigned).
    """
    _require_agent(actor)
    now = now or timezone.now()
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say what the other team should do or answer.")]})
    ticket = _lock(ticket)
    if ticket.team_id == to_team.pk and not handoff:
        raise ValidationError({"to_team": [_("The ticket already belongs to this team.")]})
    referral = Referral.objects.create(
        ticket=ticket,
        from_team=ticket.team,
        to_team=to_team,
        requested_by=actor,
        note=note.strip(),
        handoff=handoff,
        created_at=now,
    )
    from tickets.sla.store import referral_set_due

    referral_set_due(referral=referral, now=now)
    events.event_record(
        ticket=ticket,
        kind=EventKind.REFERRED,
        actor=actor,
        field="team",
        old=ticket.team or "",
        new=to_team,
        data={"referral": referral.pk, "handoff": handoff},
        at=now,
    )
    if handoff:
        old_team, old_assignee = ticket.team, ticket.assignee
        ticket.team, ticket.assignee = to_team, None
        events.event_field_changed(ticket=ticket, actor=actor, field="team", old=old_team or "", new=to_team, at=now)
        if old_assignee:
            events.event_field_changed(ticket=ticket, actor=actor, field="assignee", old=old_assignee, new="", at=now)
    ticket.updated_at = now
    ticket.save()
    notifications.notify_referral(referral=referral)
    return referral


@transaction.atomic
def referral_answer(*, referral: Referral, actor: User, answer: str, now: datetime | None = None) -> Referral:
    """Record the other team's answer; the ticket's agent is prompted to tell the customer."""
    _require_agent(actor)
    now = now or timezone.now()
    referral = Referral.objects.select_for_update().select_related("ticket").get(pk=referral.pk)
    if referral.state != Referral.State.OPEN:
        raise InvalidTransition(_("This referral is no longer open."))
    if not (answer or "").strip():
        raise ValidationError({"answer": [_("Write the answer.")]})
    referral.state = Referral.State.ANSWERED
    referral.answer = answer.strip()
    referral.answered_by = actor
    referral.answered_at = now
    referral.save()
    events.event_record(
        ticket=referral.ticket, kind=EventKind.REFERRAL_ANSWERED, actor=actor, data={"referral": referral.pk}, at=now
    )
    Ticket.objects.filter(pk=referral.ticket_id).update(updated_at=now)
    notifications.notify_referral_answered(referral=referral)
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, actor: User, now: datetime | None = None) -> Referral:
    _require_agent(actor)
    now = now or timezone.now()
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.state != Referral.State.OPEN:
        raise InvalidTransition(_("This referral is no longer open."))
    referral.state = Referral.State.CANCELLED
    referral.save(update_fields=["state"])
    events.event_record(
        ticket=referral.ticket, kind=EventKind.REFERRAL_CANCELLED, actor=actor, data={"referral": referral.pk}, at=now
    )
    return referral


@transaction.atomic
def referral_mark_customer_informed(*, referral: Referral, actor: User, now: datetime | None = None) -> Referral:
    """The agent told the customer the outcome of an answered referral."""
    _require_agent(actor)
    now = now or timezone.now()
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.state != Referral.State.ANSWERED:
        raise InvalidTransition(_("Only an answered referral has an outcome to tell."))
    if referral.customer_informed_at is None:
        referral.customer_informed_at = now
        referral.save(update_fields=["customer_informed_at"])
        events.event_record(
            ticket=referral.ticket,
            kind=EventKind.CUSTOMER_INFORMED,
            actor=actor,
            data={"referral": referral.pk},
            at=now,
        )
    return referral


@transaction.atomic
def ticket_link(*, ticket: Ticket, other: Ticket, kind: str, actor: User | None) -> TicketLink:
    """Link two tickets (related, parent of, duplicate of, follow-up of); linking twice is harmless."""
    if ticket.pk == other.pk:
        raise ValidationError({"other": [_("A ticket cannot be linked to itself.")]})
    if kind not in TicketLink.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of link.")]})
    link, created = TicketLink.objects.get_or_create(
        from_ticket=ticket,
        to_ticket=other,
        kind=kind,
        defaults={"created_by": actor if actor and actor.is_authenticated else None},
    )
    if created:
        events.event_record(
            ticket=ticket, kind=EventKind.LINKED, actor=actor, new=f"#{other.pk}", data={"kind": kind, "to": other.pk}
        )
        events.event_record(
            ticket=other,
            kind=EventKind.LINKED,
            actor=actor,
            new=f"#{ticket.pk}",
            data={"kind": kind, "from": ticket.pk},
        )
    return link


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User, now: datetime | None = None) -> Ticket:
    """Merge `source` into `target`: its messages and attachments move, source closes as a duplicate.

    Both tickets keep an event saying so; the source stays readable and points to the target.
    """
    _require_agent(actor)
    now = now or timezone.now()
    if source.pk == target.pk:
        raise ValidationError({"target": [_("A ticket cannot be merged into itself.")]})
    first, second = sorted([source.pk, target.pk])
    locked = {
        t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second]).select_related("requester")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or source.status == Status.CLOSED:
        raise InvalidTransition(_("This ticket is closed or already merged."))
    if target.status == Status.CLOSED or target.merged_into_id:
        raise InvalidTransition(_("Tickets cannot be merged into a closed ticket."))
    moved = source.messages.update(ticket=target)
    source.attachments.update(ticket=target)
    Message.objects.create(
        ticket=target,
        author_user=actor,
        internal=True,
        channel=Channel.AGENT,
        created_at=now,
        body_text=_("Ticket #%(source)s (%(subject)s) was merged into this ticket.")
        % {"source": source.pk, "subject": source.subject},
        body_html="<p>" + _("Ticket #%(source)s was merged into this ticket.") % {"source": source.pk} + "</p>",
    )
    if source.requester_id != target.requester_id:
        emails = set(target.cc_emails) | {source.requester.email}
        target.cc_emails = sorted(emails)
    old_status = source.status
    source.status = Status.CLOSED
    source.closed_at = now
    source.merged_into = target
    source.updated_at = now
    source.save()
    events.event_status_changed(ticket=source, actor=actor, old=old_status, new=Status.CLOSED, at=now)
    events.event_record(
        ticket=source,
        kind=EventKind.MERGED,
        actor=actor,
        new=f"#{target.pk}",
        public=True,
        data={"into": target.pk},
        at=now,
    )
    events.event_record(
        ticket=target,
        kind=EventKind.MERGED,
        actor=actor,
        old=f"#{source.pk}",
        data={"from": source.pk, "messages": moved},
        at=now,
    )
    TicketLink.objects.get_or_create(
        from_ticket=source, to_ticket=target, kind=TicketLink.Kind.DUPLICATE, defaults={"created_by": actor}
    )
    target.updated_at = now
    target.save()
    ticket_index(ticket=target)
    sla_refresh(ticket=source, now=now)
    sla_refresh(ticket=target, now=now)
    return target
