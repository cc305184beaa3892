"""Every read of product feedback, scoped to the acting user: customers never see an item (404).

Demand figures are computed by the database (COUNT DISTINCT, MIN, MAX, SUM), never by looping over
tickets in Python.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum, Window
from django.utils import timezone

from customers.models import ServiceContract
from helpdesk.exceptions import NotVisible
from helpdesk.models import User
from helpdesk.permissions import is_agent
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from tickets.models import FeedbackItem, FeedbackLink, Status, Ticket


def _agents_only(user: User) -> None:
    if not is_agent(user):
        raise NotVisible


def feedback_item_list_for(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[FeedbackItem]:
    """Items an agent may see (all), newest change first, each with its demand counts (`ticket_count`,
    `customer_count`, `organization_count`) counted in the same query; `filters`: status, kind,
    product (id), owner (id), q (title). Customers: NotVisible."""
    _agents_only(user)
    filters = filters or {}
    qs = FeedbackItem.objects.all()
    for name in ("status", "kind"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    for name in ("product", "owner"):
        if filters.get(name):
            qs = qs.filter(**{f"{name}_id": filters[name]})
    if filters.get("q"):
        qs = feedback_item_search(qs, q=filters["q"])
    return feedback_item_annotated(qs).order_by("-updated_at", "-id")


def feedback_item_annotated(qs: QuerySet[FeedbackItem]) -> QuerySet[FeedbackItem]:
    """Items with their demand counts, counted by the database in the same query."""
    return qs.select_related("product", "owner").annotate(
        ticket_count=Count("links", distinct=True),
        customer_count=Count("links__ticket__requester", distinct=True),
        organization_count=Count("links__ticket__organization", distinct=True),
    )


def feedback_item_search(qs: QuerySet[FeedbackItem], *, q: str) -> QuerySet[FeedbackItem]:
    """Items whose title contains `q`, or whose tracker key is `q` (development's own key)."""
    q = q.strip()
    return qs.filter(Q(title__icontains=q) | Q(tracker_key__iexact=q)) if q else qs


def feedback_item_get_for(*, user: User, item_id: Any) -> FeedbackItem:
    """One item for an agent, else NotVisible (404): customers, and items that do not exist."""
    _agents_only(user)
    try:
        return FeedbackItem.objects.select_related("product", "owner", "created_by").get(pk=item_id)
    except (FeedbackItem.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


@dataclass(frozen=True)
class Demand:
    """Who is behind an item: counted by the database over the linked tickets."""

    tickets: int
    customers: int
    organizations: int
    first_request: datetime | None
    latest_request: datetime | None
    contracts: Sequence[ServiceContract]  # the organizations' contracts valid today, `annual_value` where known
    contract_value: Decimal | None  # their annual values added up (None: no value known)


def feedback_demand(*, item: FeedbackItem, today: date | None = None) -> Demand:
    """The demand behind an item, in two queries: the tickets' aggregates, then the active contracts
    of their organizations (with a window SUM of the known annual values)."""
    today = today or timezone.localdate()
    linked = Ticket.objects.filter(feedback_links__item=item)
    figures = linked.aggregate(
        tickets=Count("pk", distinct=True),
        customers=Count("requester", distinct=True),
        organizations=Count("organization", distinct=True),
        first=Min("created_at"),
        latest=Max("created_at"),
    )
    contracts = list(
        ServiceContract.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            organization__in=linked.filter(organization__isnull=False).values("organization"),
            valid_from__lte=today,
        )
        .select_related("organization")
        .annotate(total_value=contract_value_window())
        .order_by("organization__name", "name", "pk")
    )
    return Demand(
        tickets=figures["tickets"],
        customers=figures["customers"],
        organizations=figures["organizations"],
        first_request=figures["first"],
        latest_request=figures["latest"],
        contracts=contracts,
        contract_value=contracts[0].total_value if contracts else None,
    )


def contract_value_window() -> Window:
    """SUM(annual_value) OVER (): the total of every row of the query, carried on each row."""
    return Window(Sum("annual_value"))


def feedback_links_of_item(*, item: FeedbackItem) -> QuerySet[FeedbackLink]:
    """An item's linked tickets with their requester and organization, oldest link first, and who was
    told the outcome (`notified_at`); pages slice it."""
    return (
        FeedbackLink.objects.filter(item=item)
        .select_related("ticket__requester", "ticket__organization", "linked_by")
        .only(
            "pk",
            "item_id",
            "created_at",
            "notified_status",
            "notified_at",
            "notified_message_id",
            "linked_by__full_name",
            "linked_by__email",
            "ticket__id",
            "ticket__subject",
            "ticket__status",
            "ticket__created_at",
            "ticket__requester__full_name",
            "ticket__requester__email",
            "ticket__requester__phone",  # Contact.__str__ of one without name or address
            "ticket__requester__language",
            "ticket__organization__name",
        )
        .order_by("created_at", "pk")
    )


def _links_of_ticket(ticket_id: int) -> QuerySet[FeedbackLink]:
    return FeedbackLink.objects.filter(ticket_id=ticket_id).select_related("item").order_by("created_at", "pk")


_LINKS_OF_TICKET = CompiledQuerySet(_links_of_ticket, {"ticket_id": STAND_IN_ID})  # compiled once per process


def feedback_links_of_ticket(*, user: User, ticket: Ticket) -> list[FeedbackLink]:
    """The items a ticket backs (the ticket page's panel), in one query; none for customers."""
    if not is_agent(user):
        return []
    return _LINKS_OF_TICKET.fetch(ticket_id=ticket.pk)


def feedback_pending_links(*, item: FeedbackItem) -> QuerySet[FeedbackLink]:
    """Links whose customer has not been told the item's current outcome yet. A closed ticket's customer is
    told by mail alone (tickets.feedback.notify), so one without an address (known by phone only) cannot be."""
    unreachable = Q(ticket__status=Status.CLOSED, ticket__reply_to_email="", ticket__requester__email__isnull=True)
    return (
        FeedbackLink.objects.filter(item=item).exclude(notified_status=item.status).exclude(unreachable).order_by("pk")
    )
