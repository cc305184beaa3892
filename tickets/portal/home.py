"""The customer portal's home (the customer's own open requests and the last ones solved) and the
page listing every request they may see."""

from dataclasses import dataclass, replace

from django.db.models import QuerySet

from customers.models import Contact
from helpdesk.models import User
from tickets import selectors
from tickets.models import OPEN_STATUSES, Referral, SatisfactionRating, Status, Ticket
from tickets.portal.selectors import Row, open_referrals, request_rows, with_referrals

HOME_OPEN_LIMIT = 50
HOME_SOLVED_LIMIT = 10


@dataclass(frozen=True)
class Home:
    open_rows: list[Row]
    solved_rows: list[Row]
    more: bool = False  # requests beyond those shown: the page links to all of them (tickets.portal.lists)


def _mine(visible: QuerySet[Ticket], requester_id: int) -> QuerySet[Ticket]:
    return visible.filter(requester_id=requester_id).order_by("-updated_at", "-id")


def _open(visible: QuerySet[Ticket], *, requester_id: int) -> QuerySet:
    mine = _mine(visible, requester_id).filter(status__in=OPEN_STATUSES)
    return mine.values(*selectors.LIST_FIELDS)[: HOME_OPEN_LIMIT + 1]  # one more: are there more?


def _solved(visible: QuerySet[Ticket], *, requester_id: int) -> QuerySet:
    mine = _mine(visible, requester_id).filter(status__in=(Status.SOLVED, Status.CLOSED))
    return mine.values(*selectors.LIST_FIELDS)[: HOME_SOLVED_LIMIT + 1]


def portal_home_for(*, user: User, contact: Contact | None) -> Home:
    """The customer's own open requests and the last ones solved, and whether they have more (`more`).

    As the API reads a page: the rows from the ticket table alone (joining their five related tables
    cost PostgreSQL more planning than running), then what they name in one query for both lists
    (selectors.ticket_rows: a custom status's customer label only), the open ones' open referrals and
    the solved ones' ratings: five queries at most, whatever the number of rows."""
    if contact is None:
        return Home([], [])
    # both lists compiled once per process for each shape of visibility (selectors.visible_fetch)
    open_values = selectors.visible_fetch(user=user, name="portal-open", build=_open, requester_id=contact.pk)
    solved_values = selectors.visible_fetch(user=user, name="portal-solved", build=_solved, requester_id=contact.pk)
    more = len(open_values) > HOME_OPEN_LIMIT or len(solved_values) > HOME_SOLVED_LIMIT
    open_values, solved_values = open_values[:HOME_OPEN_LIMIT], solved_values[:HOME_SOLVED_LIMIT]
    rows = selectors.ticket_rows([*open_values, *solved_values], with_internal=False)
    open_tickets, solved = rows[: len(open_values)], rows[len(open_values) :]
    referrals: dict[int, list[Referral]] = {}
    if open_tickets:
        for referral in open_referrals().filter(ticket_id__in=[t.pk for t in open_tickets]):
            referrals.setdefault(referral.ticket_id, []).append(referral)
    for ticket in open_tickets:
        ticket.open_referrals = referrals.get(ticket.pk, [])
    ratings = {}
    if solved:
        ratings = {r.ticket_id: r for r in SatisfactionRating.objects.filter(ticket_id__in=[t.pk for t in solved])}
    for ticket in solved:
        ticket.satisfaction_rating = ratings.get(ticket.pk)
    return Home(request_rows(open_tickets), request_rows(solved, with_rating=True), more=more)


# The "all my requests" page's status filter: its values name the statuses the API's filter takes.
REQUEST_STATUSES = {
    "open": tuple(OPEN_STATUSES),
    "solved": (Status.SOLVED, Status.CLOSED),
    "all": (),
}


def portal_requests_for(*, user: User, status: str = "all", q: str = "") -> QuerySet[Ticket]:
    """Every request the customer may see, as the API lists them (selectors.ticket_list_for: their own,
    plus their organization's when it shares), newest activity first; `status` one of REQUEST_STATUSES,
    `q` the API's customer search (never internal notes). Open referrals prefetched (one query a page)."""
    filters: dict[str, object] = {}
    if REQUEST_STATUSES[status]:
        filters["status"] = list(REQUEST_STATUSES[status])
    if q.strip():
        filters["q"] = q
    return with_referrals(selectors.ticket_list_for(user=user, filters=filters, ordering="updated"))


def request_page_rows(tickets: list[Ticket], *, contact: Contact | None, shared: bool) -> list[Row]:
    """A page of portal_requests_for as rows, the solved ones' ratings read in one query; the requester
    named when the organization shares (a colleague's request is on the list)."""
    ids = [t.pk for t in tickets if t.status in REQUEST_STATUSES["solved"]]
    ratings = {r.ticket_id: r for r in SatisfactionRating.objects.filter(ticket_id__in=ids)} if ids else {}
    rows = request_rows(tickets, with_requester=shared, viewer=contact)
    return [replace(row, rating=ratings.get(row.ticket.pk)) for row in rows]
