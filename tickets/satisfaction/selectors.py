"""Reads of ratings, surveys and follow-ups, scoped to the acting user: agents see every rating;
a customer sees only the rating of a ticket they requested (never a colleague's, even on a ticket
their organization shares)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from helpdesk.exceptions import NotVisible
from helpdesk.models import User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from tickets.models import RatingFollowUp, SatisfactionRating, SatisfactionSurvey, Ticket


def rating_list_for(*, user: User) -> QuerySet[SatisfactionRating]:
    """Ratings with their ticket's people and names joined and their follow-ups prefetched (newest
    first): three queries for a page of any size. Agents only; anyone else gets none."""
    if not user.is_agent:
        return SatisfactionRating.objects.none()
    return SatisfactionRating.objects.select_related(
        "contact",
        "ticket",
        "ticket__team",
        "ticket__assignee",
        "ticket__product",
        "ticket__organization",
    ).prefetch_related(
        Prefetch("follow_ups", queryset=RatingFollowUp.objects.select_related("resolved_by").order_by("-created_at"))
    )


@dataclass(frozen=True)
class TicketSatisfaction:
    """What a ticket shows about satisfaction: its rating, its survey and its latest follow-up."""

    rating: SatisfactionRating | None
    survey: SatisfactionSurvey | None
    follow_up: RatingFollowUp | None


def _first(qs: QuerySet) -> QuerySet:
    """The queryset QuerySet.first() runs: in its order (else by primary key), one row."""
    return (qs if qs.ordered else qs.order_by("pk"))[:1]


def _rating(ticket_id: int) -> QuerySet[SatisfactionRating]:
    return _first(SatisfactionRating.objects.filter(ticket_id=ticket_id))


def _survey(ticket_id: int) -> QuerySet[SatisfactionSurvey]:
    return _first(SatisfactionSurvey.objects.select_related("notification").filter(ticket_id=ticket_id))


def _follow_up(ticket_id: int) -> QuerySet[RatingFollowUp]:
    follow_ups = RatingFollowUp.objects.select_related("resolved_by", "rating").filter(ticket_id=ticket_id)
    return _first(follow_ups.order_by("-created_at", "-id"))


# A ticket's rating, survey and follow-up (the ticket page's panel), compiled once per process.
_RATING = CompiledQuerySet(_rating, {"ticket_id": STAND_IN_ID})
_SURVEY = CompiledQuerySet(_survey, {"ticket_id": STAND_IN_ID})
_FOLLOW_UP = CompiledQuerySet(_follow_up, {"ticket_id": STAND_IN_ID})


def _one(statement: CompiledQuerySet, ticket: Ticket) -> Any:
    rows = statement.fetch(ticket_id=ticket.pk)
    return rows[0] if rows else None


def ticket_satisfaction(*, user: User, ticket: Ticket) -> TicketSatisfaction:
    """For a ticket already loaded through a ticket selector. Agents get all three (three queries);
    a customer only the rating, and only as the ticket's requester."""
    if not user.is_agent:
        contact = getattr(user, "contact", None)
        mine = contact is not None and ticket.requester_id == contact.pk
        return TicketSatisfaction(rating=_one(_RATING, ticket) if mine else None, survey=None, follow_up=None)
    return TicketSatisfaction(
        rating=_one(_RATING, ticket), survey=_one(_SURVEY, ticket), follow_up=_one(_FOLLOW_UP, ticket)
    )


def follow_up_get_for(*, user: User, follow_up_id: int) -> RatingFollowUp:
    """One follow-up, for agents; 404 for anyone else or when there is none."""
    if not user.is_agent:
        raise NotVisible()
    try:
        return RatingFollowUp.objects.select_related("ticket", "resolved_by").get(pk=follow_up_id)
    except (RatingFollowUp.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such follow-up.") from exc
