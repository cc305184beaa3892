"""Agent workspace pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def _require_agent(request: HttpRequest) -> None:
    if not request.user.is_agent:
        raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_agent(request)
    tickets = selectors.ticket_list_for(user=request.user)
    mine = tickets.open().filter(assignee=request.user)[:20]
    team_ids = list(request.user.teams.values_list("id", flat=True))
    unassigned = tickets.open().unassigned().filter(team_id__in=team_ids)[:20]
    return render(request, "tickets/agent_home.html", {"mine": mine, "unassigned": unassigned})
