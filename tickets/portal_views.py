"""Customer portal pages about requests."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tickets = selectors.ticket_list_for(user=request.user)
    return render(
        request,
        "tickets/portal_home.html",
        {
            "open_tickets": tickets.open()[:20],
            "solved_tickets": tickets.exclude(status__in=["new", "open", "pending", "on_hold"])[:10],
        },
    )
