"""Agent pages of sales opportunities: the sales team's list, one opportunity with its history, and
marking a ticket from its page. Short views: selector, form, service, redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors, service_error_text
from helpdesk.permissions import agent_required
from tickets import selectors as ticket_selectors
from tickets.models import Opportunity
from tickets.opportunities import forms, selectors, services
from tickets.workspace.lists import paginate


@agent_required
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    """The sales team's list, newest first; filter by state, kind, organization, product."""
    form = forms.OpportunityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.opportunity_list_for(user=request.user, filters=filters)
    page = paginate(rows, page=filters.get("page") or 1)
    filtered = any(value for name, value in filters.items() if name != "page")
    return render(request, "tickets/opportunities/list.html", {"form": form, "page": page, "filtered": filtered})


def _detail(request: HttpRequest, opportunity: Opportunity, form=None, status: int = 200) -> HttpResponse:
    form = form or forms.OpportunityChangeForm(
        user=request.user,
        initial={
            "state": opportunity.state,
            "owner": opportunity.owner,
            "estimated_value": opportunity.estimated_value,
            "kind": opportunity.kind,
            "product": opportunity.product_id,
            "sales_note": opportunity.note,
        },
    )
    history = list(selectors.opportunity_history(opportunity=opportunity))
    return render(
        request,
        "tickets/opportunities/item.html",
        {"opportunity": opportunity, "form": form, "history": history},
        status=status,
    )


@agent_required
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """One opportunity with its history (GET); POST moves it on (state with a note, owner, value) and
    corrects its kind, product and note for sales."""
    opportunity = selectors.opportunity_get_for(user=request.user, opportunity_id=opportunity_id)
    if request.method != "POST":
        return _detail(request, opportunity)
    form = forms.OpportunityChangeForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.opportunity_update(
                opportunity=opportunity, actor=request.user, changes=form.changes(), note=form.cleaned_data["note"]
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect("agent:opportunity", opportunity_id=opportunity.pk)
    return _detail(request, opportunity, form=form, status=400)


@agent_required
@require_POST
def ticket_opportunity_new(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket panel: mark the ticket as a sales opportunity (sales is told)."""
    ticket = ticket_selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False)
    form = forms.OpportunityForm(request.POST)
    back = reverse("agent:ticket", args=[ticket.pk]) + "#opportunity-title"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        services.opportunity_create(ticket=ticket, actor=request.user, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Marked as a sales opportunity; sales has been told."))
    return redirect(back)
