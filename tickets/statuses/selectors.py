"""Reads of custom statuses, scoped to the acting user: agents read them, customers never do (they
see a ticket's customer label through the ticket)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from helpdesk.exceptions import NotVisible
from helpdesk.models import User
from helpdesk.names import name_in_language
from helpdesk.permissions import is_agent
from tickets.models import CustomStatus, Status


def _agents_only(user: User) -> None:
    if not is_agent(user):
        raise NotVisible


def custom_status_list_for(*, user: User, active_only: bool = False) -> QuerySet[CustomStatus]:
    """Custom statuses in order (position, then label), their teams prefetched. Customers: NotVisible."""
    _agents_only(user)
    qs = CustomStatus.objects.prefetch_related("teams").order_by("position", "name", "id")
    return qs.filter(is_active=True) if active_only else qs


def custom_status_get_for(*, user: User, custom_id: Any) -> CustomStatus:
    _agents_only(user)
    try:
        return CustomStatus.objects.prefetch_related("teams").get(pk=custom_id)
    except (CustomStatus.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


@dataclass
class StatusChoice:
    """An active custom status as a picker offers it (read with other pickers in one query)."""

    pk: int
    name: str
    name_fa: str
    base: str
    team_ids: set[int]

    @property
    def display_name(self) -> str:
        return name_in_language(self.name, self.name_fa)

    @property
    def label(self) -> str:
        """ "Visit scheduled (On hold)": the agent label and the base status it stands for."""
        return f"{self.display_name} ({Status(self.base).label})"

    def offered_for(self, team_id: int | None) -> bool:
        return not self.team_ids or team_id in self.team_ids
