"""Agent pages of satisfaction: the ticket page's panel (rating, survey, follow-up of a bad rating)
and marking a follow-up done (included in the agent namespace)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from helpdesk.exceptions import DomainError
from helpdesk.forms import service_error_text
from helpdesk.models import User
from helpdesk.permissions import agent_required
from tickets import selectors as ticket_selectors
from tickets.models import Ticket
from tickets.satisfaction import follow_ups, selectors


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


def satisfaction_panel(*, user: User, ticket: Ticket) -> dict[str, Any]:
    """The panel's context: the rating, the survey and the follow-up of a bad rating (agents only)."""
    return {
        "ticket": ticket,
        "sat": selectors.ticket_satisfaction(user=user, ticket=ticket),
        "done_form": FollowUpDoneForm(),
    }


@agent_required
@require_GET
def ticket_satisfaction(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket page's satisfaction panel (htmx loads it after the page; alone without htmx)."""
    ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    htmx = request.headers.get("HX-Request") == "true"
    template = "tickets/satisfaction/_panel_body.html" if htmx else "tickets/satisfaction/panel_page.html"
    return render(request, template, satisfaction_panel(user=request.user, ticket=ticket))


@agent_required
@require_POST
def follow_up_done(request: HttpRequest, ticket_id: int, follow_up_id: int) -> HttpResponse:
    """Mark the ticket's follow-up of a bad rating done, with a note; back to the ticket."""
    ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    follow_up = selectors.follow_up_get_for(user=request.user, follow_up_id=follow_up_id)
    if follow_up.ticket_id != ticket.pk:
        raise Http404("No such follow-up.")
    form = FollowUpDoneForm(request.POST)
    back = reverse("agent:ticket", args=[ticket.pk]) + "#satisfaction-title"
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", [])))
        return redirect(back)
    try:
        follow_ups.follow_up_done(follow_up=follow_up, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Follow-up marked done."))
    return redirect(back)
