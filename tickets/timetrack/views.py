"""The ticket page's time panel (htmx loads it after the page) and its actions: log time on its own,
change or delete an entry. Writes redirect back to the ticket with a message, as the other panels do."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.exceptions import NotAllowed
from helpdesk.forms import add_service_errors, form_errors_text, service_error_text
from helpdesk.permissions import agent_required
from tickets import selectors as ticket_selectors
from tickets.timetrack import selectors, services
from tickets.timetrack.forms import TimeEntryForm


def _back(ticket_id: int) -> str:
    return reverse("agent:ticket", args=[ticket_id]) + "#time-title"


def time_panel(*, user, ticket, activities: list | None = None) -> dict:
    """The panel's context: totals, the latest entries with an edit form for each the user may change.
    `activities`: the active activity types, when the page read them already (the sidebar's pickers)."""
    activities = selectors.activity_types_active() if activities is None else activities
    time = selectors.ticket_time_for(user=user, ticket=ticket)
    editable = {
        entry.pk: TimeEntryForm(entry=entry, activities=activities, prefix=f"e{entry.pk}")
        for entry in time.latest
        if services.time_entry_can_change(entry=entry, user=user)
    }
    rows = [(entry, editable.get(entry.pk)) for entry in time.latest]
    return {"ticket": ticket, "time": time, "rows": rows, "time_form": TimeEntryForm(activities=activities)}


@agent_required
@require_GET
def ticket_time(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The panel (htmx), or a page of its own without JavaScript."""
    ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    htmx = request.headers.get("HX-Request") == "true"
    template = "tickets/timetrack/_ticket_panel_body.html" if htmx else "tickets/timetrack/ticket_time_page.html"
    return render(request, template, time_panel(user=request.user, ticket=ticket))


def _refused(request: HttpRequest, ticket, *, form: TimeEntryForm, entry_id: int | None = None) -> HttpResponse:
    """The time page with the refused form as typed, its errors beside its fields and above the page: the page the
    browser shows after posting a form of the panel, with or without JavaScript."""
    messages.error(request, form_errors_text(form))
    context = time_panel(user=request.user, ticket=ticket)
    if entry_id is None:
        context["time_form"] = form
    else:
        context["rows"] = [(entry, form if entry.pk == entry_id else other) for entry, other in context["rows"]]
        context["open_entry"] = entry_id
    return render(request, "tickets/timetrack/ticket_time_page.html", context)


@agent_required
@require_POST
def ticket_time_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Log time on its own (no reply or note)."""
    ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    form = TimeEntryForm(request.POST)
    if not form.is_valid():
        return _refused(request, ticket, form=form)
    data = form.cleaned_data
    spent = services.TimeSpent(
        minutes=data["minutes"], activity=data["activity"], performed_on=data.get("performed_on"), note=data["note"]
    )
    try:
        services.time_entry_log(ticket=ticket, actor=request.user, time=spent)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _refused(request, ticket, form=form)
    messages.success(request, _("Time logged."))
    return redirect(_back(ticket.pk))


@agent_required
@require_POST
def ticket_time_edit(request: HttpRequest, ticket_id: int, entry_id: int, action: str) -> HttpResponse:
    """Change or delete an entry: its author or an admin (403 for another agent, 404 for another ticket's)."""
    ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    entry = selectors.time_entry_get_for(user=request.user, entry_id=entry_id)
    if entry.ticket_id != ticket.pk:
        raise Http404("No such time entry on this ticket.")
    if not services.time_entry_can_change(entry=entry, user=request.user):  # before reading the form
        raise NotAllowed(_("Only the agent who logged this time, or an admin, may change it."))
    if action == "delete":
        try:
            services.time_entry_delete(entry=entry, actor=request.user)
        except ValidationError as exc:
            messages.error(request, service_error_text(exc))
        else:
            messages.success(request, _("Time entry deleted."))
        return redirect(_back(ticket.pk))
    form = TimeEntryForm(request.POST, entry=entry, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            services.time_entry_update(entry=entry, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Time entry changed."))
            return redirect(_back(ticket.pk))
    return _refused(request, ticket, form=form, entry_id=entry.pk)
