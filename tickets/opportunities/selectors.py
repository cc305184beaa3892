"""Every read of sales opportunities, scoped to the acting user: customers never see one (404)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from helpdesk.exceptions import NotVisible
from helpdesk.models import User
from helpdesk.permissions import is_agent
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from tickets.models import Opportunity, OpportunityChange, Ticket


def _agents_only(user: User) -> None:
    if not is_agent(user):
        raise NotVisible


def opportunity_list_for(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Opportunity]:
    """Opportunities an agent may see (all), newest first, with ticket, organization, product and
    owner joined; `filters`: state, kind, organization (id), product (id), owner (id). Customers:
    NotVisible."""
    _agents_only(user)
    filters = filters or {}
    qs = Opportunity.objects.select_related("ticket", "organization", "product", "owner", "created_by")
    for name in ("state", "kind"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    for name in ("organization", "product", "owner"):
        if filters.get(name):
            qs = qs.filter(**{f"{name}_id": getattr(filters[name], "pk", filters[name])})
    return qs.order_by("-created_at", "-id")


def opportunity_get_for(*, user: User, opportunity_id: Any) -> Opportunity:
    """One opportunity for an agent, else NotVisible (404)."""
    try:
        return opportunity_list_for(user=user).get(pk=opportunity_id)
    except (Opportunity.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def opportunity_history(*, opportunity: Opportunity) -> QuerySet[OpportunityChange]:
    """Who moved the opportunity from which state to which, oldest first."""
    return opportunity.changes.select_related("actor").order_by("created_at", "pk")


def _of_ticket(ticket_id: int) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(ticket_id=ticket_id)
        .select_related("owner", "product")
        .order_by("-created_at", "-id")
    )


_OF_TICKET = CompiledQuerySet(_of_ticket, {"ticket_id": STAND_IN_ID})  # compiled once per process


def opportunities_of_ticket(*, user: User, ticket: Ticket) -> list[Opportunity]:
    """The ticket page's panel: its opportunities with owner and product, in one query; none for customers."""
    if not is_agent(user):
        return []
    return _OF_TICKET.fetch_of("ticket", ticket)
