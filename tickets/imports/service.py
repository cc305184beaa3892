"""The one place that writes imported history: teams, agents, contacts, tickets with their messages and
attachments, each remembered in an ImportRecord (a second run finds it and writes nothing).

Quiet by design: history already happened elsewhere, so nothing here mails anyone, queues a webhook,
runs routing, starts an SLA clock or leads to a satisfaction survey (imported tickets get no SLA
policy, events are written with `offer_webhooks=False`, a solved ticket's survey is waived). Original
times, authors, internal notes and statuses are kept; a solved or closed ticket stays so. Each ticket
is one transaction: a run that dies resumes at the next ticket.
"""

import hashlib
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Contact
from customers.services import contact_get_or_create, contact_language_guess, phone_digits
from helpdesk import services as helpdesk_services
from helpdesk.exceptions import DomainError
from helpdesk.models import Priority, Role, Team, User
from tickets import events
from tickets.attachments.store import IncomingFile, attachment_store, check_size
from tickets.content import render_body
from tickets.imports.records import AttachmentIn, MessageIn, PersonIn, Skip, TeamIn, TicketIn
from tickets.models import Attachment, Channel, EventKind, ImportKind, ImportRecord, Message, Status, Ticket, TicketType
from tickets.satisfaction.surveys import survey_waive
from tickets.search import ticket_index
from tickets.services.common import _tags
from tickets.services.status import status_imported


def _recorded(source: str, kind: str, source_id: str) -> int | None:
    return (
        ImportRecord.objects.filter(source=source, kind=kind, source_id=source_id)
        .values_list("object_id", flat=True)
        .first()
    )


def _recorded_among(source: str, kind: str, source_ids: list[str]) -> set[str]:
    """Which of these ids were imported already (one query for a ticket's messages or files)."""
    if not source_ids:
        return set()
    return set(
        ImportRecord.objects.filter(source=source, kind=kind, source_id__in=source_ids).values_list(
            "source_id", flat=True
        )
    )


def _remember(source: str, kind: str, source_id: str, object_id: int) -> None:
    ImportRecord.objects.create(source=source, kind=kind, source_id=source_id, object_id=object_id)


def team_import(*, source: str, team: TeamIn) -> tuple[Team, bool]:
    """The team a source's queue/group/department became: imported before, else one of the same name, else new."""
    pk = _recorded(source, ImportKind.TEAM, team.source_id)
    if pk is not None and (found := Team.objects.filter(pk=pk).first()) is not None:
        return found, False
    name = (team.name or "").strip()[:100]
    if not name:
        raise Skip(_("The team has no name."))
    with transaction.atomic():
        existing = Team.objects.filter(name__iexact=name).first()
        row = existing or helpdesk_services.team_create(name=name, email=_valid_email(team.email))
        _remember(source, ImportKind.TEAM, team.source_id, row.pk)
    return row, existing is None


def _valid_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _by_phone(person: PersonIn) -> bool:
    """A customer the source knows by phone number alone (a CSV's requester_phone): no address to go by."""
    return not person.is_agent and not person.email.strip() and bool(person.phone.strip())


def _person_key(person: PersonIn) -> str:
    """The person's id in the source; for people a source knows only by address, the address's hash, and
    for those known only by phone, the hash of the number's digits and the name: an ImportRecord must
    not keep an address or a number that erasing the contact removes everywhere else."""
    if person.source_id and not person.source_id.startswith("email:"):
        return person.source_id
    if _by_phone(person):
        number = phone_digits(person.phone).lstrip("0")
        return "phone-sha256:" + hashlib.sha256(f"{number}\x00{person.full_name.strip().lower()}".encode()).hexdigest()
    address = person.email.strip().lower()
    return "email-sha256:" + hashlib.sha256(address.encode()).hexdigest()


def person_import(*, source: str, person: PersonIn) -> tuple[User | Contact, bool]:
    """An agent becomes a login with the agent role (no password: they reset it or sign in with SSO),
    matched by email to one that exists; a customer becomes a contact, matched by email likewise, or,
    with no address, by phone number and name (contact_get_or_create, as every channel finds them)."""
    kind = ImportKind.AGENT if person.is_agent else ImportKind.CONTACT
    model: type[User] | type[Contact] = User if person.is_agent else Contact
    pk = _recorded(source, kind, _person_key(person))
    if pk is not None and (found := model.objects.filter(pk=pk).first()) is not None:
        return found, False
    email = _valid_email(person.email)
    if not email and not _by_phone(person):
        raise Skip(_("No valid email address (%(email)s).") % {"email": person.email or "-"})
    with transaction.atomic():
        row, created = _agent(person, email) if person.is_agent else _contact(person, email)
        if created and isinstance(row, User) and person.teams:
            row.teams.set([team_import(source=source, team=team)[0] for team in person.teams])
        _remember(source, kind, _person_key(person), row.pk)
    return row, created


def _agent(person: PersonIn, email: str) -> tuple[User, bool]:
    existing = User.objects.with_email(email).first()
    if existing is not None:
        if not existing.is_agent:
            raise Skip(_("%(email)s signs in here as a customer, not as an agent.") % {"email": email})
        return existing, False
    user = helpdesk_services.user_create(email=email, password=None, full_name=person.full_name[:200], role=Role.AGENT)
    return user, True


def _contact(person: PersonIn, email: str) -> tuple[Contact, bool]:
    try:
        return contact_get_or_create(
            email=email,
            full_name=person.full_name[:200],
            phone=person.phone[:40],
            organization_name=person.organization[:200],
        )
    except ValidationError as exc:  # a number too short to know them by (without an address)
        raise Skip(" ".join(exc.messages)) from exc


@dataclass
class TicketOutcome:
    ticket: Ticket
    created: bool
    messages: int = 0
    attachments: int = 0
    notes: list[tuple[str, str, str]] = field(default_factory=list)


def _choice(value: str, choices: list[str], default: str) -> str:
    return value if value in choices else default


@transaction.atomic
def ticket_import(*, source: str, ticket: TicketIn) -> TicketOutcome:
    """Import one ticket with every message and attachment not imported yet, all or nothing.

    A ticket imported before gets only its new messages (the source went on since); its status and
    fields stay as they are here. Raises Skip when the ticket cannot be imported (no requester).
    """
    pk = _recorded(source, ImportKind.TICKET, ticket.source_id)
    outcome = TicketOutcome(ticket=Ticket(), created=pk is None)
    if pk is not None:
        row = Ticket.objects.select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None:
            raise Skip(_("Imported before as #%(id)s, which has been deleted here since.") % {"id": pk})
    else:
        row = _ticket_row(source, ticket, outcome)
    outcome.ticket = row
    done = (
        set()
        if outcome.created
        else _recorded_among(source, ImportKind.MESSAGE, [m.source_id for m in ticket.messages])
    )
    for message in ticket.messages:
        if message.source_id not in done:
            _message_import(source=source, ticket=row, message=message, outcome=outcome)
    if outcome.created or outcome.messages:
        _finish(row, ticket, created=outcome.created)
    return outcome


def _ticket_row(source: str, ticket: TicketIn, outcome: TicketOutcome) -> Ticket:
    if ticket.requester is None:
        raise Skip(_("The ticket has no requester."))
    try:
        # An agent who opened a ticket for themselves is its requester as a contact (same address).
        requester, _created = person_import(source=source, person=replace(ticket.requester, is_agent=False))
    except Skip as exc:
        raise Skip(_("Its requester cannot be imported: %(reason)s") % {"reason": exc}) from exc
    assert isinstance(requester, Contact)  # is_agent=False: person_import gives a contact
    team = None
    if ticket.team is not None:
        team, _created = team_import(source=source, team=ticket.team)
    row = Ticket(
        subject=(ticket.subject or "").strip()[:255] or _("(no subject)"),
        requester=requester,
        organization=requester.organization,
        team=team,
        assignee=_assignee(source, ticket, outcome),
        priority=_choice(ticket.priority, Priority.values, Priority.NORMAL),
        type=_choice(ticket.type, TicketType.values, TicketType.QUESTION),
        channel=_choice(ticket.channel, Channel.values, Channel.EMAIL),
        created_at=ticket.created_at,
        updated_at=max(ticket.updated_at, ticket.created_at),
    )
    status_imported(ticket=row, status=ticket.status, solved_at=ticket.solved_at, closed_at=ticket.closed_at)
    row.save()
    survey_waive(ticket=row)  # solved or closed elsewhere: the customer is not asked again now
    if ticket.tags:
        row.tags.set(_tags(ticket.tags))
    _remember(source, ImportKind.TICKET, ticket.source_id, row.pk)
    events.event_record(
        ticket=row,
        kind=EventKind.CREATED,
        actor=None,
        public=True,
        data={"imported_from": source, "source_id": ticket.source_id},
        at=ticket.created_at,
        offer_webhooks=False,
    )
    return row


def _assignee(source: str, ticket: TicketIn, outcome: TicketOutcome) -> User | None:
    if ticket.assignee is None:
        return None
    try:
        user, _created = person_import(source=source, person=ticket.assignee)
    except Skip as exc:
        outcome.notes.append(("assignee", ticket.source_id, str(exc)))
        return None
    return user if isinstance(user, User) else None


def _author(source: str, person: PersonIn | None, outcome: TicketOutcome, message_id: str) -> User | Contact | None:
    if person is None:
        return None
    try:
        return person_import(source=source, person=person)[0]
    except Skip as exc:
        # An agent the source names without an address (osTicket): one of ours with that name, if any.
        by_name = (
            person.is_agent
            and person.full_name
            and User.objects.filter(
                full_name__iexact=person.full_name.strip(), role__in=(Role.AGENT, Role.ADMIN)
            ).first()
        )
        if by_name:
            return by_name
        outcome.notes.append(("author", message_id, _("Kept without its author: %(reason)s") % {"reason": exc}))
        return None


def _message_import(*, source: str, ticket: Ticket, message: MessageIn, outcome: TicketOutcome) -> None:
    author = _author(source, message.author, outcome, message.source_id)
    html, text = render_body(text=message.body_text, html_body=message.body_html)
    if not text.strip() and not message.attachments:
        outcome.notes.append(("message", message.source_id, _("No text and no file (a change of fields only).")))
        return
    agent = author if isinstance(author, User) else None
    contact = author if isinstance(author, Contact) else None
    by_agent = agent is not None
    row = Message.objects.create(
        ticket=ticket,
        author_user=agent or (contact.user if contact is not None else None),
        author_contact=contact,
        internal=message.internal,
        body_html=html,
        body_text=text,
        channel=_choice(message.channel, Channel.values, Channel.EMAIL),
        created_at=message.created_at,
    )
    _remember(source, ImportKind.MESSAGE, message.source_id, row.pk)
    outcome.messages += 1
    if contact is not None and not message.internal:
        contact_language_guess(contact=contact, text=text)  # a customer who wrote Persian is answered in it
    for attachment in message.attachments:
        _attachment_import(source=source, ticket=ticket, message=row, attachment=attachment, outcome=outcome)
    for reason in message.missing_attachments:
        outcome.notes.append(("attachment", message.source_id, reason))
    events.event_record(
        ticket=ticket,
        kind=EventKind.NOTE_ADDED if message.internal else EventKind.REPLIED,
        actor=agent,
        public=not message.internal,
        data={"message": row.pk, "by": "agent" if by_agent else "customer", "imported_from": source},
        at=message.created_at,
        offer_webhooks=False,
    )


def _attachment_import(
    *, source: str, ticket: Ticket, message: Message, attachment: AttachmentIn, outcome: TicketOutcome
) -> None:
    if _recorded(source, ImportKind.ATTACHMENT, attachment.source_id) is not None:
        return
    try:
        if attachment.size is not None:
            check_size(attachment.size)  # before downloading it
        content = attachment.read()
        stored = attachment_store(
            ticket=ticket,
            message=message,
            incoming=IncomingFile(name=attachment.name, content=content, content_type=attachment.content_type),
        )
    except (Skip, DomainError) as exc:  # DomainError: over HELPDESK_MAX_ATTACHMENT_BYTES
        outcome.notes.append(("attachment", attachment.source_id, f"{attachment.name}: {exc}"))
        return
    Attachment.objects.filter(pk=stored.pk).update(created_at=message.created_at)
    _remember(source, ImportKind.ATTACHMENT, attachment.source_id, stored.pk)
    outcome.attachments += 1


def _finish(row: Ticket, ticket: TicketIn, *, created: bool) -> None:
    """Activity times from the messages, the status event of a new import, and the search words."""
    messages = list(row.messages.values("created_at", "internal", "author_contact_id", "author_user_id"))
    agent = [m["created_at"] for m in messages if m["author_user_id"] and not m["author_contact_id"]]
    public_agent = [
        m["created_at"] for m in messages if m["author_user_id"] and not m["author_contact_id"] and not m["internal"]
    ]
    customer = [m["created_at"] for m in messages if m["author_contact_id"]]
    row.first_responded_at = min(public_agent, default=None)
    row.last_agent_activity_at = max(agent, default=None)
    row.last_customer_activity_at = max(customer, default=None)
    row.updated_at = max([row.updated_at, *(m["created_at"] for m in messages)])
    row.save()
    if created and row.status != Status.NEW:
        events.event_record(
            ticket=row,
            kind=EventKind.STATUS_CHANGED,
            actor=None,
            field="status",
            old=Status.NEW,
            new=row.status,
            public=True,
            data={"imported_from": ticket.source_id},
            at=row.closed_at or row.solved_at or row.updated_at,
            offer_webhooks=False,
        )
    ticket_index(ticket=row)
