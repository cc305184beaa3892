"""The agent ticket page's sidebar panels, loaded after the page in one request (issue #22): properties,
the customer card (the requester, their organization, contract, products and service level), the
requester's other tickets, time spent, satisfaction, the refer / link / problem actions, product
feedback and sales, the knowledge-base card.

The page itself builds none of their forms and runs none of their queries. One answer carries every
panel: htmx swaps each into its slot on the page (out of band); without JavaScript the same panels are
a page of their own, linked from the ticket page. Each panel is the partial the page used to include,
so it shows the same once loaded. Agents only: a customer, or an agent who may not see the ticket, gets
a 404 like the page.
"""

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from helpdesk.forms import form_errors_text
from helpdesk.models import Role, Team, User
from helpdesk.permissions import agent_required, require_agent
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from tickets import kb_integration, selectors
from tickets.feedback.panel import ticket_panel
from tickets.models import Status, Ticket, TicketLink
from tickets.problems.forms import TicketProblemForm
from tickets.problems.selectors import problem_choices
from tickets.satisfaction.views import satisfaction_panel
from tickets.timetrack import selectors as time_selectors
from tickets.timetrack.views import time_panel
from tickets.workspace import lists as workspace
from tickets.workspace import timeline
from tickets.workspace.pickers import Pickers, pickers_load
from tickets.workspace.rows import ticket_cards_html
from tickets.workspace.ticket_forms import LinkForm, ReferForm, TicketPropertiesForm

OTHER_TICKETS_SHOWN = 8


def _links_of(ticket_id: int) -> QuerySet[TicketLink]:
    return (
        TicketLink.objects.filter(Q(from_ticket_id=ticket_id) | Q(to_ticket_id=ticket_id))
        .select_related("from_ticket", "to_ticket")
        .only("kind", "from_ticket_id", "to_ticket_id", "from_ticket__subject", "to_ticket__subject")
        .order_by("pk")
    )


_LINKS = CompiledQuerySet(_links_of, {"ticket_id": STAND_IN_ID})  # compiled once per process


def _links(ticket: Ticket) -> list[TicketLink]:
    """The ticket's links, those from it first, then those to it, in one query (the other ticket's
    number and subject joined)."""
    return sorted(_LINKS.fetch(ticket_id=ticket.pk), key=lambda link: link.from_ticket_id != ticket.pk)


def _properties(user: User, ticket: Ticket, pickers: Pickers) -> dict[str, Any]:
    """The properties form (status, custom status, priority, type, team, assignee, category, root cause,
    tags): the same partial its POST answers with. The form reads the ticket's tags (one query), and its
    custom status, category or root cause (one query each) only when that is no longer offered, since
    the pickers name what they offer."""
    return {"properties_form": TicketPropertiesForm(user=user, ticket=ticket, pickers=pickers)}


def _customer(ticket: Ticket) -> dict[str, Any]:
    """The customer card: the requester and their organization, the contract (valid today or not, its
    products, its hours bank) and the SLA targets of the ticket's priority, from the ticket's terms
    (selectors.ticket_get_for); a query more only when the contract has an hours bank."""
    contract = ticket.contract
    return {
        "contract": contract,
        "contract_valid": contract.is_valid_on(timezone.localdate()) if contract else False,
        "hours_bank": time_selectors.contract_hours(contract=contract) if contract and contract.hours_bank else None,
        "products": list(contract.products.all()) if contract else [],
        "sla_target": ticket.sla_target,
        "sla_target_rows": timeline.sla_target_rows(ticket.sla_target),
    }


def _others_of(*, requester_id: int, ticket_id: int) -> QuerySet[Ticket]:
    # agents see every ticket: the statement is the same for all of them (compiled for a stand-in agent)
    return (
        selectors.ticket_base_for(user=User(pk=STAND_IN_ID, role=Role.AGENT))
        .filter(requester_id=requester_id)
        .exclude(pk=ticket_id)
        .order_by("-updated_at", "-id")
        .values(*selectors.LIST_FIELDS)[:OTHER_TICKETS_SHOWN]
    )


_OTHERS = CompiledQuerySet(_others_of, {"requester_id": STAND_IN_ID, "ticket_id": STAND_IN_ID + 1})


def _other_tickets(user: User, ticket: Ticket) -> dict[str, Any]:
    """The requester's other tickets the agent may see, the latest changed first: their rows from the
    ticket table alone and their names in one query, as the list reads a page (selectors.ticket_rows;
    joining five tables cost PostgreSQL more planning than the query takes), written in Python."""
    require_agent(user)  # the statement shows an agent's tickets: every one
    others = _OTHERS.fetch(requester_id=ticket.requester_id, ticket_id=ticket.pk)
    rows = workspace.list_rows(selectors.ticket_rows(others, with_internal=True))
    return {
        "other_tickets": rows,
        "other_tickets_html": ticket_cards_html(rows, empty_text=_("This is their only ticket.")),
    }


def _actions(user: User, ticket: Ticket, teams: list[Team]) -> dict[str, Any]:
    """Refer to another team, link or merge (with the ticket's links), and the problem card."""
    return {
        "links": _links(ticket),
        "refer_form": ReferForm(user=user, teams=teams),
        "link_form": LinkForm(),
        # the card reads the problem itself (one query) when the ticket has one, else offers the picker
        "problem_form": None if ticket.problem_id else TicketProblemForm(choices=problem_choices()),
    }


def _knowledge_base(ticket: Ticket) -> dict[str, Any]:
    """The articles used on the ticket, and making one of it once it is solved."""
    return {
        "article_usages": kb_integration.article_usage_list_for_ticket(ticket=ticket),
        "can_make_article": ticket.status in (Status.SOLVED, Status.CLOSED),
    }


def side_context(user: User, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    """Every panel's context; `forms` replaces a panel's form (a refused one, bound, with its errors)."""
    # the properties' pickers, the refer picker's teams, the time form's activity types and the sales
    # opportunity's products, in one query
    pickers = pickers_load(user=user, root_causes=True, people=True, activities=True, products=True)
    return {
        # product feedback and sales opportunities ("ear")
        **ticket_panel(user=user, ticket=ticket, products=pickers.products),
        **_properties(user, ticket, pickers),
        **_customer(ticket),
        **_other_tickets(user, ticket),
        **time_panel(user=user, ticket=ticket, activities=pickers.activities),  # totals, latest entries, logging
        **satisfaction_panel(user=user, ticket=ticket),  # the rating, the survey, a follow-up
        **_actions(user, ticket, pickers.teams),
        **_knowledge_base(ticket),
        **forms,
    }


def side_page(request: HttpRequest, ticket_id: int, **forms: Any) -> HttpResponse:
    """The panels as a page of their own with a refused form kept as typed, its errors beside its fields
    and above the page: what a sidebar form posted without htmx answers (the page the browser shows,
    with or without JavaScript). A form shown again, as Django's views do: 200."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_tags=False)
    for form in forms.values():
        messages.error(request, form_errors_text(form))
    return render(request, "tickets/agent/side_page.html", side_context(request.user, ticket, **forms))


@agent_required
@require_GET
def ticket_side(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Every deferred panel of the ticket page in one answer: out-of-band swaps for htmx, else a page."""
    user = request.user
    # its own row, then its people and terms in one query (the customer card shows them); tags: properties
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id, with_tags=False)
    context = side_context(user, ticket)
    if request.headers.get("HX-Request") == "true":
        return render(request, "tickets/agent/_side_panels.html", {**context, "oob": True})
    return render(request, "tickets/agent/side_page.html", context)
