"""Reads of a ticket's conversation as a user may see it: its messages (customers never get notes), its
events (customers: the public ones) and, for agents, its referrals.

The ticket pages read all three through timeline_parts, whose statements are compiled once per
process (helpdesk.statements); the API pages through message_list_for and event_list_for, the same
querysets.
"""

from django.db.models import QuerySet

from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
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


def _referrals(ticket_id: int) -> QuerySet[Referral]:
    related = ("from_team", "to_team", "requested_by", "answered_by")
    return Referral.objects.filter(ticket_id=ticket_id).select_related(*related).order_by("created_at")


def _compiled(queryset) -> CompiledQuerySet:
    return CompiledQuerySet(queryset, {"ticket_id": STAND_IN_ID})


def _attachments(ticket_id: int, *, agent: bool) -> QuerySet[Attachment]:
    """The attachments of the ticket's messages that _messages gives (by their message, as the prefetch
    reads them: whatever ticket the attachment row names)."""
    qs = Attachment.objects.filter(message__ticket_id=ticket_id)
    return qs if agent else qs.filter(message__internal=False)


# The ticket pages' reads, for agents (True) and customers: compiled once per process. The messages'
# attachments are a statement of their own, not the prefetch (which Django compiles on every call).
_MESSAGES = {
    agent: _compiled(
        lambda ticket_id, a=agent: _messages(Message.objects.filter(ticket_id=ticket_id), agent=a).prefetch_related(
            None
        )
    )
    for agent in (True, False)
}
_ATTACHMENTS = {
    agent: _compiled(lambda ticket_id, a=agent: _attachments(ticket_id, agent=a)) for agent in (True, False)
}
_EVENTS = {
    agent: _compiled(lambda ticket_id, a=agent: _events(TicketEvent.objects.filter(ticket_id=ticket_id), agent=a))
    for agent in (True, False)
}
_REFERRALS = _compiled(_referrals)


def messages_shown(*, user: User, ticket: Ticket) -> list[Message]:
    """message_list_for's messages, with their authors and attachments (two statements)."""
    messages = _MESSAGES[user.is_agent].fetch_of("ticket", ticket)
    found: dict[int, list[Attachment]] = {}
    for attachment in _ATTACHMENTS[user.is_agent].fetch(ticket_id=ticket.pk):
        found.setdefault(attachment.message_id, []).append(attachment)
    message_field = Attachment._meta.get_field("message")
    for message in messages:
        attachments = found.get(message.pk, [])
        for attachment in attachments:
            message_field.set_cached_value(attachment, message)  # as the prefetch sets it
        # what prefetch_related("attachments") leaves: message.attachments.all() reads no more
        cached = message.attachments.all()
        cached._result_cache, cached._prefetch_done = attachments, True
        message._prefetched_objects_cache = {"attachments": cached}
    return messages


def timeline_parts(*, user: User, ticket: Ticket) -> tuple[list[Message], list[TicketEvent], list[Referral]]:
    """What a ticket page shows of the conversation: message_list_for's messages, event_list_for's
    events and, for agents, the referrals with their teams and people."""
    events = _EVENTS[user.is_agent].fetch_of("ticket", ticket)
    referrals = _REFERRALS.fetch_of("ticket", ticket) if user.is_agent else []
    return messages_shown(user=user, ticket=ticket), events, referrals
