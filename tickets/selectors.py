"""Every read of tickets, scoped to the acting user: what they may not see does not exist."""

from django.db.models import Q, QuerySet
from django.http import Http404

from helpdesk.models import User

from .models import Message, Ticket, TicketEvent


def ticket_visibility_q(user: User) -> Q | None:
    """The filter a user's tickets satisfy; None means all tickets (agents), Q() never matches nobody."""
    if user.is_agent:
        return None
    contact = getattr(user, "contact", None) if user.is_authenticated else None
    if contact is None:
        return Q(pk__in=[])
    q = Q(requester_id=contact.pk)
    organization = contact.organization
    if organization is not None and organization.share_tickets:
        q |= Q(organization_id=organization.pk)
    return q


def ticket_base_for(*, user: User) -> QuerySet[Ticket]:
    """Tickets the user may see, without joins (for counts and existence checks)."""
    q = ticket_visibility_q(user)
    qs = Ticket.objects.filter(merged_into__isnull=True) if user.is_customer else Ticket.objects.all()
    return qs if q is None else qs.filter(q)


def ticket_list_for(*, user: User) -> QuerySet[Ticket]:
    """Tickets the user may see, with what a list row shows loaded in the same query."""
    return (
        ticket_base_for(user=user)
        .select_related("requester", "organization", "team", "assignee")
        .prefetch_related("tags")
        .defer("search_document", "search_vector")  # big, and only the search filter reads them
    )


def ticket_get_for(*, user: User, ticket_id: int, with_terms: bool = True) -> Ticket:
    """One ticket the user may see, else 404 (never 403: a hidden ticket does not exist).

    `with_terms` also joins its contract and SLA policy (the ticket page shows them); the API, which
    shows only their ids, skips them: every extra join costs PostgreSQL planning time on each call.
    """
    related = ("product", "contract", "sla_policy") if with_terms else ("product",)
    try:
        return ticket_list_for(user=user).select_related(*related).get(pk=ticket_id)
    except (Ticket.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such ticket.") from exc


def ticket_bare_for(*, user: User, ticket_id: int) -> Ticket:
    """A ticket the user may see, with no related rows joined (for its messages or events), else 404."""
    try:
        return ticket_base_for(user=user).defer("search_document", "search_vector").get(pk=ticket_id)
    except (Ticket.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such ticket.") from exc


def message_list_for(*, user: User, ticket: Ticket) -> QuerySet[Message]:
    """Messages of a ticket already loaded through ticket_get_for; customers never get notes."""
    qs = ticket.messages.select_related("author_user", "author_contact").prefetch_related("attachments")
    if not user.is_agent:
        qs = qs.filter(internal=False)
    return qs.order_by("created_at", "id")


def event_list_for(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The audit trail; customers see only the public events (status changes, replies)."""
    qs = ticket.events.select_related("actor")
    if not user.is_agent:
        qs = qs.filter(public=True)
    return qs.order_by("created_at", "id")
