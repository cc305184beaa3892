"""Reads of ratings, surveys and follow-ups, scoped to the acting user: agents see every rating;
a customer sees only the rating of a ticket they requested (never a colleague's, even on a ticket
their organization shares)."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from helpdesk.exceptions import NotVisible
from helpdesk.models import User
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


def ticket_satisfaction(*, user: User, ticket: Ticket) -> TicketSatisfaction:
    """For a ticket already loaded through a ticket selector. Agents get all three (three queries);
    a customer only the rating, and only as the ticket's requester."""
    if not user.is_agent:
        contact = getattr(user, "contact", None)
        mine = contact is not None and ticket.requester_id == contact.pk
        rating = SatisfactionRating.objects.filter(ticket=ticket).first() if mine else None
        return TicketSatisfaction(rating=rating, survey=None, follow_up=None)
    return TicketSatisfaction(
        rating=SatisfactionRating.objects.filter(ticket=ticket).first(),
        survey=SatisfactionSurvey.objects.select_related("notification").filter(ticket=ticket).first(),
        follow_up=RatingFollowUp.objects.select_related("resolved_by", "rating")
        .filter(ticket=ticket)
        .order_by("-created_at", "-id")
        .first(),
    )


def follow_up_get_for(*, user: User, follow_up_id: int) -> RatingFollowUp:
    """One follow-up, for agents; 404 for anyone else or when there is none."""
    if not user.is_agent:
        raise NotVisible()
    try:
        return RatingFollowUp.objects.select_related("ticket", "resolved_by").get(pk=follow_up_id)
    except (RatingFollowUp.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such follow-up.") from exc
