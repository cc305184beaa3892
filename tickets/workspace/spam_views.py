"""The agent's "mark as spam" page: what will happen, the "also block the sender" choice, confirm.
The list's bulk bar marks several tickets through the same service (tickets.workspace.views.ticket_bulk)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import dates
from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors
from helpdesk.permissions import agent_required
from tickets import selectors, services
from tickets.models import Status, Ticket


class SpamForm(forms.Form):
    block_sender = forms.BooleanField(
        label=gettext_lazy("Also block the sender"),
        required=False,
        help_text=gettext_lazy(
            "Their next emails are quarantined instead of opening tickets; an administrator can unblock them."
        ),
    )


def _done_message(result: services.SpamResult) -> str:
    if result.blocked is not None:
        text = _("Ticket #%(number)s was marked as spam and closed; %(sender)s is blocked.")
        return dates.fill(text, {"number": result.ticket.pk, "sender": str(result.blocked)})
    return dates.fill(_("Ticket #%(number)s was marked as spam and closed."), {"number": result.ticket.pk})


def _can_mark(ticket: Ticket) -> bool:
    return ticket.status != Status.CLOSED and ticket.merged_into_id is None


@agent_required
def ticket_spam(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """GET: the confirmation; POST: mark the ticket as spam (and block its sender when chosen), then back
    to the ticket list. A refusal (closed, merged, an address that cannot be blocked) shows on the form."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False, with_tags=False)
    if request.method == "POST":
        form = SpamForm(request.POST)
        if form.is_valid():
            try:
                result = services.ticket_mark_spam(
                    ticket=ticket, actor=request.user, block_sender=form.cleaned_data["block_sender"]
                )
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _done_message(result))
                return redirect(reverse("agent:tickets"))
    else:
        form = SpamForm(initial={"block_sender": services.spam_block_default(ticket)})
    context = {"ticket": ticket, "form": form, "can_mark": _can_mark(ticket), "address": ticket.requester.email}
    return render(request, "tickets/agent/ticket_spam.html", context, status=400 if form.errors else 200)
