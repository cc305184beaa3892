"""Reads of a ticket's conversation as a user may see it: its messages (customers never get notes), its
events (customers: the public ones) and, for agents, its referrals.

The ticket pages read all three through timeline_parts, whose statements are compiled once per
process (helpdesk.statements); the API pages through message_list_for and event_list_for, the same
querysets.
"""

from django.db.models import QuerySet

from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from tickets.models import Message, Referral, Ticket, TicketEvent


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


def _referrals(ticket_id: int) -> QuerySet[Referral]:
    related = ("from_team", "to_team", "requested_by", "answered_by")
    return Referral.objects.filter(ticket_id=ticket_id).select_related(*related).order_by("created_at")


def _compiled(queryset) -> CompiledQuerySet:
    return CompiledQuerySet(queryset, {"ticket_id": STAND_IN_ID})


# The ticket pages' reads, for agents (True) and customers: compiled once per process.
_MESSAGES = {
    agent: _compiled(lambda ticket_id, a=agent: _messages(Message.objects.filter(ticket_id=ticket_id), agent=a))
    for agent in (True, False)
}
_EVENTS = {
    agent: _compiled(lambda ticket_id, a=agent: _events(TicketEvent.objects.filter(ticket_id=ticket_id), agent=a))
    for agent in (True, False)
}
_REFERRALS = _compiled(_referrals)


def messages_shown(*, user: User, ticket: Ticket) -> list[Message]:
    """message_list_for's messages, with their authors and attachments (two statements)."""
    return _MESSAGES[user.is_agent].fetch_of("ticket", ticket)


def timeline_parts(*, user: User, ticket: Ticket) -> tuple[list[Message], list[TicketEvent], list[Referral]]:
    """What a ticket page shows of the conversation: message_list_for's messages, event_list_for's
    events and, for agents, the referrals with their teams and people."""
    events = _EVENTS[user.is_agent].fetch_of("ticket", ticket)
    referrals = _REFERRALS.fetch_of("ticket", ticket) if user.is_agent else []
    return messages_shown(user=user, ticket=ticket), events, referrals
