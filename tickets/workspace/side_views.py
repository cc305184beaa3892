"""The agent ticket page's sidebar panels that htmx loads after the page (issue #22): properties, the
requester's other tickets, the refer / link / problem actions, the knowledge-base card.

The page itself builds none of their forms and runs none of their queries; each panel is the partial
the page used to include, rendered from its own context, so it shows the same once loaded. Agents only:
a customer, or an agent who may not see the ticket, gets a 404 like the page.
"""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from helpdesk.permissions import agent_required
from tickets import kb_integration, selectors
from tickets.models import Status, Ticket, TicketLink
from tickets.problems.forms import TicketProblemForm
from tickets.problems.selectors import problem_choices
from tickets.workspace import lists as workspace
from tickets.workspace.ticket_forms import LinkForm, ReferForm, TicketPropertiesForm

OTHER_TICKETS_SHOWN = 8


def _links(ticket: Ticket) -> list[TicketLink]:
    """The ticket's links, those from it first, then those to it, in one query (the other ticket's
    number and subject joined)."""
    rows = (
        TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket))
        .select_related("from_ticket", "to_ticket")
        .only("kind", "from_ticket_id", "to_ticket_id", "from_ticket__subject", "to_ticket__subject")
        .order_by("pk")
    )
    return sorted(rows, key=lambda link: link.from_ticket_id != ticket.pk)


@agent_required
@require_GET
def ticket_properties_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The properties form (status, custom status, priority, type, team, assignee, category, root cause,
    tags): the same partial its POST answers with."""
    user = request.user
    # the ticket's own row: the form reads its tags (one query), and its custom status, category or root
    # cause (one query each) only when that is no longer offered, since the pickers name what they offer
    ticket = selectors.ticket_bare_for(user=user, ticket_id=ticket_id)
    form = TicketPropertiesForm(user=user, ticket=ticket)
    return render(request, "tickets/agent/_properties.html", {"ticket": ticket, "properties_form": form})


@agent_required
@require_GET
def ticket_other_tickets(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The requester's other tickets the agent may see, the latest changed first."""
    user = request.user
    ticket = selectors.ticket_bare_for(user=user, ticket_id=ticket_id)
    others = list(
        selectors.ticket_list_for(user=user, filters={"requester": ticket.requester_id})
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")[:OTHER_TICKETS_SHOWN]
    )
    context = {"ticket": ticket, "other_tickets": workspace.list_rows(others)}
    return render(request, "tickets/agent/_other_tickets.html", context)


@agent_required
@require_GET
def ticket_actions_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Refer to another team, link or merge (with the ticket's links), and the problem card."""
    user = request.user
    ticket = selectors.ticket_bare_for(user=user, ticket_id=ticket_id)
    context = {
        "ticket": ticket,
        "links": _links(ticket),
        "refer_form": ReferForm(user=user),
        "link_form": LinkForm(),
        # the card reads the problem itself (one query) when the ticket has one, else offers the picker
        "problem_form": None if ticket.problem_id else TicketProblemForm(choices=problem_choices()),
    }
    return render(request, "tickets/agent/_actions_panel.html", context)


@agent_required
@require_GET
def ticket_kb_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The articles used on the ticket, and making one of it once it is solved."""
    ticket = selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    context = {
        "ticket": ticket,
        "article_usages": list(kb_integration.article_usage_list_for_ticket(ticket=ticket)),
        "can_make_article": ticket.status in (Status.SOLVED, Status.CLOSED),
    }
    return render(request, "tickets/agent/_kb_side.html", context)
