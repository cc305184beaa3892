"""Reads of a ticket's conversation as a user may see it: its messages (customers never get notes), its
events (customers: the public ones) and, for agents, its referrals.

The ticket pages read all three, with the people they name, through timeline_parts: one statement
compiled once per process (helpdesk.statements, helpdesk.json_rows), which finds what the querysets
below find. The API reads through message_list_for and event_list_for.
"""

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet

from customers.models import Contact
from helpdesk.json_rows import by_kind, row_json, set_prefetched, table
from helpdesk.models import Team, User
from helpdesk.statements import STAND_IN_ID, Compiled
from tickets.models import Attachment, Message, Referral, Ticket, TicketEvent


def message_list_for(*, user: User, ticket: Ticket) -> QuerySet[Message]:
    """Messages of a ticket already loaded through ticket_get_for; customers never get notes."""
    return _messages(ticket.messages.all(), agent=user.is_agent)


def _messages(qs: QuerySet[Message], *, agent: bool) -> QuerySet[Message]:
    qs = qs.select_related("author_user", "author_contact").prefetch_related("attachments")
    return (qs if agent else qs.filter(internal=False)).order_by("created_at", "id")


def event_list_for(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The audit trail; customers see only the public events (status changes, replies)."""
    return _events(ticket.events.all(), agent=user.is_agent)


def _events(qs: QuerySet[TicketEvent], *, agent: bool) -> QuerySet[TicketEvent]:
    qs = qs.select_related("actor")
    return (qs if agent else qs.filter(public=True)).order_by("created_at", "id")


# --- The ticket pages' reads, in one statement ------------------------------------------------------
#
# The messages, their attachments, the events, the referrals (agents), and the people and teams these
# name: each a branch of one UNION ALL (helpdesk.json_rows), run as one round trip where the ORM took
# four (the people came joined to their rows). Compiled once per process for each kind of reader and
# part (helpdesk.statements), so prepared once per connection.

_MESSAGE, _ATTACHMENT, _EVENT, _REFERRAL, _USER, _CONTACT, _TEAM = range(7)
_MODELS = {
    _MESSAGE: Message,
    _ATTACHMENT: Attachment,
    _EVENT: TicketEvent,
    _REFERRAL: Referral,
    _USER: User,
    _CONTACT: Contact,
    _TEAM: Team,
}


def _branches(ticket_id: int, *, agent: bool, events: bool) -> tuple[str, list]:
    """The UNION ALL for one ticket, with the filters of message_list_for and event_list_for: a customer's
    misses the notes with their files and authors, and the events only agents see. Names from model
    metadata, never from input; the ticket's id is the one parameter (of every branch)."""
    message, event, referral = table(Message), table(TicketEvent), table(Referral)
    shown = "" if agent else " AND NOT m.internal"
    public = "" if agent else " AND m.public"

    def of_ticket(column: str, source: str, where: str = "") -> str:
        return f"SELECT m.{column} FROM {source} m WHERE m.ticket_id = %s{where}"  # noqa: S608

    # (kind, model, the alias of its rows in FROM ... WHERE ..., their order); then the rows the ids name
    ordered = [
        (_MESSAGE, Message, "m", f"{message} m WHERE m.ticket_id = %s{shown}", "m.created_at, m.id"),
        (
            _ATTACHMENT,
            Attachment,
            "a",
            f"{table(Attachment)} a JOIN {message} m ON m.id = a.message_id WHERE m.ticket_id = %s{shown}",
            "a.id",
        ),
    ]
    named = {
        (_CONTACT, Contact): [of_ticket("author_contact_id", message, shown)],
        (_USER, User): [of_ticket("author_user_id", message, shown)],
    }
    if events:
        ordered.append((_EVENT, TicketEvent, "m", f"{event} m WHERE m.ticket_id = %s{public}", "m.created_at, m.id"))
        named[_USER, User].append(of_ticket("actor_id", event, public))
    if events and agent:
        ordered.append((_REFERRAL, Referral, "m", f"{referral} m WHERE m.ticket_id = %s", "m.created_at, m.id"))
        named[_TEAM, Team] = [of_ticket(column, referral) for column in ("from_team_id", "to_team_id")]
        named[_USER, User] += [of_ticket(column, referral) for column in ("requested_by_id", "answered_by_id")]
    branches = [
        f"SELECT {kind}, row_number() OVER (ORDER BY {order}), {row_json(model, alias)} FROM {source}"  # noqa: S608
        for kind, model, alias, source, order in ordered
    ] + [
        f"SELECT {kind}, 0, {row_json(model)} FROM {table(model)} t WHERE t.id IN ({' UNION '.join(ids)})"  # noqa: S608
        for (kind, model), ids in named.items()
    ]
    sql = " UNION ALL ".join(branches)
    return sql, [ticket_id] * sql.count("%s")


_READS = {
    (agent, events): Compiled(
        lambda ticket_id, a=agent, e=events: (DEFAULT_DB_ALIAS, *_branches(ticket_id, agent=a, events=e)),
        {"ticket_id": STAND_IN_ID},
    )
    for agent in (True, False)
    for events in (True, False)
}


def _read(*, user: User, ticket: Ticket, events: bool) -> dict[int, list[Model]]:
    """Each part's rows, with the rows they name (authors, actors, teams) set on them as select_related
    would, and the ticket set on its own (as its related managers set it): reading them costs no query."""
    found = by_kind(_READS[user.is_agent, events].rows(ticket_id=ticket.pk), _MODELS)
    users, contacts, teams = ({row.pk: row for row in found[kind]} for kind in (_USER, _CONTACT, _TEAM))
    related = {
        _MESSAGE: (("author_user", users), ("author_contact", contacts)),
        _EVENT: (("actor", users),),
        _REFERRAL: (("from_team", teams), ("to_team", teams), ("requested_by", users), ("answered_by", users)),
    }
    for kind, fields in related.items():
        for row in found[kind]:
            row.ticket = ticket
            for name, rows in fields:
                field = row._meta.get_field(name)
                field.set_cached_value(row, rows.get(getattr(row, field.attname)))
    _attach_files(found[_MESSAGE], found[_ATTACHMENT])
    return found


def _attach_files(messages: list[Message], attachments: list[Attachment]) -> None:
    """What prefetch_related("attachments") leaves: message.attachments.all() and attachment.message read
    no more."""
    by_message: dict[int, list[Attachment]] = {}
    for attachment in attachments:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    message_field = Attachment._meta.get_field("message")
    for message in messages:
        files = by_message.get(message.pk, [])
        for attachment in files:
            message_field.set_cached_value(attachment, message)
        set_prefetched(message, "attachments", files)


def messages_shown(*, user: User, ticket: Ticket) -> list[Message]:
    """message_list_for's messages, with their authors and attachments (one statement)."""
    return _read(user=user, ticket=ticket, events=False)[_MESSAGE]


def timeline_parts(*, user: User, ticket: Ticket) -> tuple[list[Message], list[TicketEvent], list[Referral]]:
    """What a ticket page shows of the conversation: message_list_for's messages, event_list_for's
    events and, for agents, the referrals with their teams and people (one statement)."""
    found = _read(user=user, ticket=ticket, events=True)
    return found[_MESSAGE], found[_EVENT], found[_REFERRAL]
