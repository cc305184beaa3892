"""Agent workspace pages for macros, saved views and the knowledge base on tickets.

Short views in the style of tickets.workspace.views: load through a selector, validate with a form, call the
service (tickets.workspace.macros, tickets.workspace.saved_views, tickets.kb_integration), redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk import dates
from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors, service_error_text
from helpdesk.paging import page_number
from helpdesk.permissions import agent_required
from tickets import kb_integration, selectors
from tickets.models import Macro
from tickets.workspace import lists as workspace
from tickets.workspace import macros, saved_views
from tickets.workspace.forms import MacroForm, SaveViewForm, TicketFilterForm
from tickets.workspace.views import _form_errors, _ticket_url

# --- referrals to my teams ---------------------------------------------------------------------


@agent_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    """Every open referral to the agent's teams, the soonest due first, 50 a page (the home page shows
    the first eight)."""
    team_ids = list(request.user.teams.values_list("pk", flat=True))
    page = workspace.paginate(
        workspace.open_referrals_for(user=request.user, team_ids=team_ids).select_related(
            "ticket", "from_team", "to_team"
        ),
        page=page_number(request.GET.get("page")),
    )
    return render(request, "tickets/agent/referrals.html", {"page": page})


# --- macros -----------------------------------------------------------------------------------


def _editable_macro(request: HttpRequest, macro_id: int) -> Macro:
    return macros.macro_get_for(user=request.user, macro_id=macro_id, for_edit=True)


@agent_required
@require_GET
def macro_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    items = list(macros.macro_list_for(user=user))
    for macro in items:
        macro.editable = macros.macro_can_edit(user=user, macro=macro)
    return render(request, "tickets/agent/macros.html", {"macros": items, "placeholders": macros.PLACEHOLDERS})


@agent_required
def macro_new(request: HttpRequest) -> HttpResponse:
    form = MacroForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            macro = macros.macro_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Macro “%(name)s” saved.") % {"name": macro.name})
            return redirect("agent:macros")
    return render(
        request, "tickets/agent/macro_form.html", {"form": form, "macro": None}, status=400 if form.errors else 200
    )


@agent_required
def macro_edit(request: HttpRequest, macro_id: int) -> HttpResponse:
    macro = _editable_macro(request, macro_id)
    form = MacroForm(request.POST or None, user=request.user, initial=MacroForm.initial_for(macro))
    if request.method == "POST" and form.is_valid():
        try:
            macros.macro_update(macro=macro, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Macro “%(name)s” saved.") % {"name": macro.name})
            return redirect("agent:macros")
    return render(
        request, "tickets/agent/macro_form.html", {"form": form, "macro": macro}, status=400 if form.errors else 200
    )


@agent_required
@require_POST
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    macro = _editable_macro(request, macro_id)
    macros.macro_delete(macro=macro, actor=request.user)
    messages.success(request, _("Macro “%(name)s” deleted.") % {"name": macro.name})
    return redirect("agent:macros")


def _macro_from(request: HttpRequest, data) -> Macro | None:
    raw = (data.get("macro") or "").strip()
    if not raw.isdigit():
        return None
    return macros.macro_get_for(user=request.user, macro_id=int(raw))


@agent_required
@require_GET
def macro_preview(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The macro's text rendered for this ticket (htmx): agent.js copies it into the composer."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    macro = _macro_from(request, request.GET)
    text = macros.macro_render(macro=macro, ticket=ticket, agent=request.user) if macro else ""
    return render(request, "tickets/agent/_macro_preview.html", {"ticket": ticket, "macro": macro, "text": text})


@agent_required
@require_POST
def macro_apply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """One click: the macro's reply or note and all its field changes, or nothing."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    macro = _macro_from(request, request.POST)
    if macro is None:
        messages.error(request, _("Choose a macro."))
        return redirect(_ticket_url(ticket))
    try:
        macros.macro_apply(macro=macro, ticket=ticket, actor=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    except DomainError as exc:
        messages.error(request, _("The macro was not applied: %(reason)s") % {"reason": exc.detail})
    else:
        messages.success(request, _("Macro “%(name)s” applied.") % {"name": macro.name})
    return redirect(_ticket_url(ticket))


# --- saved views ------------------------------------------------------------------------------


@agent_required
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters, sort and columns as a view; or rename/re-share one's own."""
    user = request.user
    form = SaveViewForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(reverse("agent:tickets"))
    data = form.cleaned_data
    try:
        if data.get("saved"):
            view = saved_views.saved_view_get_for(user=user, view_id=data["saved"])
            view = saved_views.saved_view_update(
                view=view,
                actor=user,
                name=data["name"],
                columns=data["columns"],
                shared_with_team=data["shared_with_team"],
            )
        else:
            params = QueryDict(data.get("query") or "")
            filters = TicketFilterForm(params, user=user)
            filters.is_valid()  # what did not validate is left out of the view
            cleaned = filters.cleaned_data
            view = saved_views.saved_view_create(
                actor=user,
                name=data["name"],
                query=saved_views.query_from_params(params, cleaned=cleaned),
                columns=data["columns"],
                shared_with_team=data["shared_with_team"],
            )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
        return redirect(reverse("agent:tickets"))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{reverse('agent:tickets')}?view={view.pk}")


@agent_required
@require_POST
def view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    view = saved_views.saved_view_get_for(user=request.user, view_id=view_id)
    saved_views.saved_view_delete(view=view, actor=request.user)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(reverse("agent:tickets"))


# --- knowledge base ---------------------------------------------------------------------------


@agent_required
@require_GET
def article_search(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Knowledge-base hits for the composer's "insert article" box (htmx)."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    query = (request.GET.get("q") or "").strip()[:200]
    hits = kb_integration.article_suggestions(user=request.user, query=query) if query else []
    return render(request, "tickets/agent/_article_hits.html", {"ticket": ticket, "hits": hits, "query": query})


@agent_required
@require_POST
def article_from_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """A knowledge-base draft prefilled from this solved ticket; continue in the KB editor."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    try:
        article = kb_integration.article_draft_from_ticket(ticket=ticket, actor=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
        return redirect(_ticket_url(ticket))
    messages.success(request, dates.fill(_("Draft article created from ticket #%(number)s."), {"number": ticket.pk}))
    return redirect("kb:manage_edit", pk=article.pk)


@agent_required
@require_GET
def article_usage(request: HttpRequest, article_id: int) -> HttpResponse:
    """Which tickets used this knowledge-base article, newest first, 50 a page."""
    article, usages = kb_integration.ticket_usage_list_for(user=request.user, article_id=article_id)
    page = Paginator(usages, 50).get_page(request.GET.get("page"))
    return render(request, "tickets/agent/article_usage.html", {"article": article, "page": page})
