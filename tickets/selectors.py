"""Every read of tickets, scoped to the acting user: what they may not see does not exist."""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from helpdesk.exceptions import NotVisible
from helpdesk.models import User
from helpdesk.statements import BIGINT_MAX, STAND_IN_ID, STAND_IN_MOMENT, CompiledQuerySet
from tickets.filters import ticket_filter
from tickets.list_rows import ListRef, TicketListRow, ticket_rows  # noqa: F401 (the lists' rows, read through here)
from tickets.models import SPAM_TAG, Ticket
from tickets.ticket_terms import ticket_terms_attach
from tickets.transitions import MERGE_HOPS

# The ticket's own columns that a list row shows (the API's related rows come from ticket_rows).
LIST_FIELDS = (
    "id",
    "subject",
    "status",
    "priority",
    "type",
    "channel",
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
    "first_responded_at",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "sla_state",
    "requester_id",
    "organization_id",
    "team_id",
    "assignee_id",
    "product_id",
    "contract_id",
    "sla_policy_id",
    "merged_into_id",
    "category_id",
    "root_cause_id",
    "problem_id",
    "custom_status_id",
)


def _visibility(user: User) -> dict[str, Any]:
    """What a user's tickets depend on: agent or not, their contact, the organization sharing its tickets."""
    if user.is_agent:
        return {"agent": True, "contact_id": None, "organization_id": None}
    contact = getattr(user, "contact", None) if user.is_authenticated else None
    if contact is None:
        return {"agent": False, "contact_id": None, "organization_id": None}
    organization = contact.organization
    shared = organization is not None and organization.share_tickets
    return {"agent": False, "contact_id": contact.pk, "organization_id": organization.pk if shared else None}


def _visibility_q(*, agent: bool, contact_id: int | None, organization_id: int | None) -> Q | None:
    if agent:
        return None
    if contact_id is None:
        return Q(pk__in=[])
    q = Q(requester_id=contact_id)
    if organization_id is not None:
        q |= Q(organization_id=organization_id)
    return q


def ticket_visibility_q(user: User) -> Q | None:
    """The filter a user's tickets satisfy; None means all tickets (agents), Q() never matches nobody."""
    return _visibility_q(**_visibility(user))


def ticket_base_for(*, user: User) -> QuerySet[Ticket]:
    """Tickets the user may see, without joins (for counts and existence checks)."""
    return _ticket_base(customer=user.is_customer, **_visibility(user))


def _ticket_base(*, customer: bool, **visibility) -> QuerySet[Ticket]:
    q = _visibility_q(**visibility)
    qs = Ticket.objects.filter(merged_into__isnull=True) if customer else Ticket.objects.all()
    return qs if q is None else qs.filter(q)


def tickets_all_visible(*, user: User, tickets: Iterable[Ticket]) -> list[Ticket]:
    """The tickets without repeats, each one the user may see (one query); a hidden one refuses the
    whole call with a 404, so a bulk change never acts on a ticket the user cannot see."""
    tickets = list({ticket.pk: ticket for ticket in tickets}.values())
    visible = set(ticket_base_for(user=user).filter(pk__in=[t.pk for t in tickets]).values_list("pk", flat=True))
    if len(visible) != len(tickets):
        raise NotVisible(_("No such ticket."))
    return tickets


def _with_row_relations(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return (
        qs.select_related("requester", "organization", "team", "assignee")
        .prefetch_related("tags")
        .defer("search_document", "search_vector")  # big, and only the search filter reads them
    )


# What a list row shows of its related rows, joined in the row query (ticket_list_for).
LIST_RELATED_FIELDS = (
    "requester__id",
    "requester__full_name",
    "requester__email",
    "requester__phone",  # Contact.__str__ of one without name or address
    "organization__id",
    "organization__name",
    "team__id",
    "team__name",
    "team__name_fa",
    "assignee__id",
    "assignee__full_name",
    "assignee__email",
    # a team's own status: the agent label (agent lists) and the customer label (the portal)
    "custom_status__id",
    "custom_status__name",
    "custom_status__name_fa",
    "custom_status__customer_name",
    "custom_status__customer_name_fa",
    "custom_status__base_status",
)
# `ordering` of ticket_list_for: the agent list's sorts (tickets.workspace.lists.SORTS).
ORDERINGS = {
    "updated": lambda qs: qs.order_by("-updated_at", "-id"),
    "due": lambda qs: qs.by_sla_due(),
    "priority": lambda qs: qs.by_priority(),
}


def ticket_list_for(
    *,
    user: User,
    filters: Mapping[str, Any] | None = None,
    ordering: str | None = None,
    joined: tuple[str, ...] = (),
) -> QuerySet[Ticket]:
    """The tickets of a list the user may see: `filters` by the API's public names (tickets.filters;
    values already valid, raises ValidationError otherwise), `ordering` one of ORDERINGS (none: the
    model's). Slim: only the columns a row shows, requester, organization, team, assignee and custom status joined,
    and the relations named in `joined` (whole rows; the portal's satisfaction_rating).

    Every ticket list starts here (agent pages, portal, API); each interface pages it its own way.
    """
    qs = ticket_base_for(user=user)
    if filters:
        qs = ticket_filter(qs, user=user, data=filters)
    if ordering:
        qs = ORDERINGS[ordering](qs)
    return qs.select_related("requester", "organization", "team", "assignee", "custom_status", *joined).only(
        *LIST_FIELDS, *LIST_RELATED_FIELDS, *joined
    )


def ticket_batch_for(*, user: User, ticket_ids: Iterable[int]) -> QuerySet[Ticket]:
    """Whole tickets among `ticket_ids` the user may see, relations joined, in id order (bulk actions)."""
    return _with_row_relations(ticket_base_for(user=user)).filter(pk__in=list(ticket_ids)).order_by("pk")


def ticket_for_system(*, ticket_id: int) -> Ticket | None:
    """A ticket as agents see it, for jobs that act for no user (webhook payloads); None if gone."""
    related = _with_row_relations(Ticket.objects.all()).select_related("product", "custom_status")
    return related.filter(pk=ticket_id).first()


def ticket_get_for(*, user: User, ticket_id: int, with_terms: bool = True, with_tags: bool = True) -> Ticket:
    """One ticket the user may see, else 404 (never 403: a hidden ticket does not exist).

    `with_terms` also reads its product, contract (and its products), SLA policy (and the target of its
    priority, `ticket.sla_target`), category, root cause and problem, the ticket page shows them, with its
    requester, organization, team, assignee and custom status, in a second query (tickets.ticket_terms:
    joined here they cost more planning than both queries take). Without its terms (the ticket page, the
    API, which shows only the terms' ids) the product and the people come joined to the ticket's own row:
    one prepared statement, planned once per connection. `with_tags=False` skips the tags' query (the
    ticket page shows them only in its properties panel).
    """
    tags = user.is_agent and with_tags
    if not with_terms:
        return _ticket_row(user=user, ticket_id=ticket_id, tags=tags, people=True)
    # the ticket's own row; its people, labels and terms come in one union of primary-key lookups
    ticket = _ticket_row(user=user, ticket_id=ticket_id, tags=tags)
    ticket_terms_attach(ticket)
    return ticket


# What ticket_get_for reads with a ticket when it reads none of its terms: its product and its people.
_PEOPLE = ("product", "requester", "organization", "team", "assignee", "custom_status")


def _ticket_row_queryset(visible: QuerySet[Ticket], *, ticket_id: int, tags: bool, people: bool) -> QuerySet[Ticket]:
    qs = visible.filter(pk=ticket_id).defer("search_document", "search_vector")
    if people:
        qs = qs.select_related(*_PEOPLE)
    # tags are for agents only: no customer page or output shows them
    return (qs.prefetch_related("tags") if tags else qs)[:2]


def _ticket_row(*, user: User, ticket_id: Any, tags: bool, people: bool = False) -> Ticket:
    try:
        ticket_id = int(ticket_id)
    except (ValueError, TypeError) as exc:
        raise Http404("No such ticket.") from exc
    if not 0 < ticket_id <= BIGINT_MAX:
        raise Http404("No such ticket.")  # out of the column's range
    # one statement per shape of visibility, prepared: a primary-key lookup has one good plan for every id
    rows = visible_fetch(
        user=user,
        name=f"ticket-row:{tags}:{people}",
        build=lambda visible, ticket_id: _ticket_row_queryset(visible, ticket_id=ticket_id, tags=tags, people=people),
        prepare=True,
        ticket_id=ticket_id,
    )
    if len(rows) != 1:
        raise Http404("No such ticket.")  # hidden, missing, or a login that sees no ticket
    return rows[0]


# Reads over the tickets a user may see, one statement per read and shape of visibility.
_VISIBLE: dict[tuple, CompiledQuerySet] = {}


def visible_fetch(
    *, user: User, name: str, build: Callable[..., QuerySet], prepare: bool = False, **values: Any
) -> list:
    """What `build(tickets_the_user_may_see, **values)` reads (its values ids or moments), run as a
    statement compiled once per process for each read `name` and shape of visibility (agent; a
    customer's contact, with their organization where it shares its tickets) and run with this user's
    own values; nothing for a login that sees no ticket. Not prepared unless `prepare`: a list sorted
    and cut is planned for each call's values (statements.Compiled.prepare)."""
    visibility = _visibility(user)
    customer, agent = user.is_customer, visibility.pop("agent")
    if not agent and visibility["contact_id"] is None:
        return []
    seen = {key: value for key, value in visibility.items() if value is not None}
    shape = (name, customer, agent, *sorted(seen))
    if shape not in _VISIBLE:

        def compiled(**stand_ins: Any) -> QuerySet:
            visible = {key: stand_ins.pop(key, None) for key in ("contact_id", "organization_id")}
            return build(_ticket_base(customer=customer, agent=agent, **visible), **stand_ins)

        stand_ins: dict[str, Any] = {key: STAND_IN_ID + i for i, key in enumerate(sorted(seen))}
        for i, key in enumerate(sorted(values), start=len(stand_ins)):
            moment = isinstance(values[key], datetime)
            stand_ins[key] = STAND_IN_MOMENT + timedelta(microseconds=i) if moment else STAND_IN_ID + i
        _VISIBLE[shape] = CompiledQuerySet(compiled, stand_ins, prepare=prepare)
    return _VISIBLE[shape].fetch(**seen, **values)


def ticket_bare_for(*, user: User, ticket_id: int) -> Ticket:
    """A ticket the user may see, with no related rows joined (for its messages or events), else 404:
    ticket_get_for's own row without its tags, through the same compiled statements."""
    return _ticket_row(user=user, ticket_id=ticket_id, tags=False)


def ticket_reply_get_for(*, user: User, ticket_id: int) -> Ticket:
    """The ticket a user's reply to `ticket_id` is written on, else 404: one they may see
    (ticket_get_for), or, for a customer, one they could see that was merged into another since (a
    page shown before the merge); services.ticket_customer_reply takes that reply on to the ticket it
    was merged into. Merged tickets stay out of everything else a customer reads."""
    try:
        return ticket_get_for(user=user, ticket_id=ticket_id)
    except Http404:
        q = ticket_visibility_q(user)
        # agents see merged tickets like any other; a number out of the column's range is no ticket
        if q is None or not str(ticket_id).isdigit() or not 0 < int(ticket_id) <= BIGINT_MAX:
            raise
    found = Ticket.objects.filter(q, pk=ticket_id, merged_into__isnull=False).select_related("requester").first()
    if found is None:
        raise Http404("No such ticket.")
    return found


def ticket_survivor_for(*, user: User, ticket_id: int) -> Ticket | None:
    """For a customer who could see `ticket_id` before it was merged: the ticket it lives on in
    (following merges of merges, at most MERGE_HOPS), when they may see that one too; else None, so
    a merge into someone else's request stays a 404 that tells nothing (one query per hop, plus one)."""
    q = ticket_visibility_q(user)
    if q is None or not str(ticket_id).isdigit() or not 0 < int(ticket_id) <= BIGINT_MAX:
        return None
    target_id = Ticket.objects.filter(q, pk=ticket_id).values_list("merged_into_id", flat=True).first()
    for _hop in range(MERGE_HOPS):
        if target_id is None:
            return None
        found = Ticket.objects.filter(pk=target_id).only("pk", "merged_into_id").first()
        if found is None:
            return None
        if found.merged_into_id is None:
            return ticket_base_for(user=user).filter(pk=found.pk).first()
        target_id = found.merged_into_id
    return None


def spam_out(prefix: str = "") -> Q:
    """Leaves out spam tickets (tagged SPAM_TAG by tickets.services.spam): no report counts them as work,
    and no contract's hours bank counts time logged on one (tickets.timetrack.selectors). `prefix` is the
    path to the ticket (`ticket__` from a message or a time entry). The reports' summary views leave spam
    out themselves (migration 0056).
    An anti-join on the ticket's id through the tags' (ticket_id, tag_id) index: the few spam rows only."""
    ticket_id = f"{prefix.removesuffix('__')}_id" if prefix else "pk"
    spam = Ticket.tags.through.objects.filter(ticket_id=OuterRef(ticket_id), tag__name=SPAM_TAG)
    return ~Q(Exists(spam))
