"""Reads of the blocklist, scoped to the acting user: agents and administrators read it (an agent sees
why a sender's mail makes no ticket), customers never do (NotVisible, a 404)."""

from typing import Any

from django.db.models import QuerySet

from helpdesk.exceptions import NotVisible
from helpdesk.models import User
from helpdesk.permissions import is_agent
from tickets.models import BlockedSender


def _agents_only(user: User) -> None:
    if not is_agent(user):
        raise NotVisible


def blocked_sender_list_for(*, user: User) -> QuerySet[BlockedSender]:
    """Every entry with who added it (one query whatever the count)."""
    _agents_only(user)
    return BlockedSender.objects.select_related("created_by").order_by("kind", "value", "id")


def blocked_sender_get_for(*, user: User, entry_id: Any) -> BlockedSender:
    _agents_only(user)
    try:
        return BlockedSender.objects.select_related("created_by").get(pk=entry_id)
    except (BlockedSender.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc
