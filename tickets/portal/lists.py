"""The portal's paginated lists: every request the customer may see, and their organization's.

Rows come from the selectors the API lists through (tickets.selectors.ticket_list_for, scoped to the
customer); a page runs the same queries whatever its size.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tickets.portal import selectors as portal_selectors
from tickets.portal.forms import RequestListForm
from tickets.portal.home import portal_requests_for, request_page_rows
from tickets.portal.views import customer_page, portal_page

ORG_PAGE_SIZE = 25
REQUESTS_PAGE_SIZE = 25


def _query(**params: str) -> str:
    """A list page's query string without its defaults ("all", no words)."""
    return urlencode({key: value for key, value in params.items() if value and value != "all"})


@customer_page
def requests(request: HttpRequest) -> HttpResponse:
    """Every request the customer may see, newest activity first, by status and words, paginated."""
    form = RequestListForm(request.GET)
    status, q = "all", ""
    if form.is_valid():
        status, q = form.cleaned_data["status"] or "all", form.cleaned_data["q"].strip()
    tickets = portal_requests_for(user=request.user, status=status, q=q)
    page = Paginator(tickets, REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    contact = request.contact
    shared = bool(contact and contact.organization and contact.organization.share_tickets)
    tabs = [
        {"label": label, "href": "?" + _query(status=key, q=q), "current": key == status}
        for key, label in (("all", _("All")), ("open", _("Open")), ("solved", _("Solved")))
    ]
    if q:
        empty = _("No request matches your search.")
    elif status == "all":
        empty = _("You have no requests yet.")
    else:
        empty = _("No requests here.")
    return portal_page(
        request,
        "tickets/portal/requests.html",
        {
            "form": form,
            "status": status,
            "q": q,
            "tabs": tabs,
            "rows": request_page_rows(list(page.object_list), contact=contact, shared=shared),
            "empty_text": empty,
            "page_obj": page,
            "pager_query": _query(status=status, q=q),
            "active": "requests",
        },
    )


@customer_page
def organization(request: HttpRequest) -> HttpResponse:
    tickets = portal_selectors.organization_tickets_for(user=request.user, contact=request.contact)
    if tickets is None:
        raise Http404("The organization does not share requests.")
    page = Paginator(tickets, ORG_PAGE_SIZE).get_page(request.GET.get("page"))
    return portal_page(
        request,
        "tickets/portal/organization.html",
        {
            "organization": request.contact.organization,
            "rows": portal_selectors.organization_rows(page.object_list, viewer=request.contact),
            "page_obj": page,
            "active": "organization",
        },
    )
