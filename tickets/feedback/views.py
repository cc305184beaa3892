"""Agent pages of product feedback: the item list, an item with its demand and tickets, and the
actions of the ticket page's panel. Short views: load through a selector, validate with a form,
call the service, redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from helpdesk import dates
from helpdesk.exceptions import DomainError, NotVisible
from helpdesk.forms import add_service_errors, service_error_text
from helpdesk.paging import page_number
from helpdesk.permissions import agent_required
from tickets import selectors as ticket_selectors
from tickets.feedback import forms, selectors, services
from tickets.models import FeedbackItem, Ticket
from tickets.workspace.lists import paginate

LINKS_PAGE_SIZE = 50


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@agent_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    """Items with their demand counts (GET); POST creates one."""
    user = request.user
    new_form = forms.FeedbackItemForm(request.POST or None, user=user, initial={"status": FeedbackItem.Status.NEW})
    if request.method == "POST" and new_form.is_valid():
        try:
            item = services.feedback_item_create(actor=user, **new_form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(new_form, exc)
        else:
            messages.success(request, _("Feedback item created."))
            return redirect("agent:feedback-item", item_id=item.pk)
    form = forms.FeedbackFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    items = selectors.feedback_item_list_for(user=user, filters=filters)
    page = paginate(items, page=filters.get("page") or 1)
    return render(
        request,
        "tickets/feedback/list.html",
        {"form": form, "new_form": new_form, "page": page, "filtered": any(filters.values())},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request: HttpRequest, item: FeedbackItem, edit_form=None) -> dict:
    links = paginate(selectors.feedback_links_of_item(item=item), page=page_number(request.GET.get("page")))
    initial = {field: getattr(item, field) for field in services.ITEM_FIELDS} | {"status": item.status}
    return {
        "item": item,
        "demand": selectors.feedback_demand(item=item),
        "links": links,
        "pending": selectors.feedback_pending_links(item=item).count() if item.is_final else 0,
        "history": list(item.status_changes.select_related("actor").order_by("-created_at", "-pk")[:20]),
        "edit_form": edit_form or forms.FeedbackItemForm(user=request.user, initial=initial),
    }


@agent_required
@require_GET
def feedback_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.feedback_item_get_for(user=request.user, item_id=item_id)
    return render(request, "tickets/feedback/item.html", _detail_context(request, item))


@agent_required
@require_POST
def feedback_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.feedback_item_get_for(user=request.user, item_id=item_id)
    form = forms.FeedbackItemForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.feedback_item_update(item=item, actor=request.user, changes=form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Feedback item saved."))
            return redirect("agent:feedback-item", item_id=item.pk)
    context = _detail_context(request, item, edit_form=form)
    return render(request, "tickets/feedback/item.html", context, status=400)


@agent_required
@require_POST
def feedback_notify(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.feedback_item_get_for(user=request.user, item_id=item_id)
    try:
        queued = services.feedback_item_notify(item=item, actor=request.user)
    except (ValidationError, DomainError) as exc:
        messages.error(request, service_error_text(exc))
    else:
        if queued:
            messages.success(
                request,
                dates.fill(
                    ngettext(
                        "%(count)s customer will be told with a reply on their ticket.",
                        "%(count)s customers will be told; each gets a reply on their ticket.",
                        queued,
                    ),
                    {"count": queued},
                ),
            )
        else:
            messages.info(request, _("Every linked customer has already been told."))
    return redirect("agent:feedback-item", item_id=item.pk)


@agent_required
@require_POST
def feedback_unlink(request: HttpRequest, item_id: int, ticket_id: int) -> HttpResponse:
    """Unlink a ticket, from the item's page or from the ticket's panel (`next` says where to go back)."""
    item = selectors.feedback_item_get_for(user=request.user, item_id=item_id)
    ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
    services.feedback_unlink(item=item, ticket=ticket, actor=request.user)
    messages.success(request, _("Ticket unlinked from the feedback item."))
    if request.POST.get("next") == "ticket":
        return redirect("agent:ticket", ticket_id=ticket.pk)
    return redirect("agent:feedback-item", item_id=item.pk)


@agent_required
@require_POST
def ticket_feedback_link(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket panel: link the ticket to an existing item, or create one from it."""
    ticket = ticket_selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False)
    form = forms.LinkItemForm(request.POST)
    back = reverse("agent:ticket", args=[ticket.pk]) + "#feedback-title"
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    data = form.cleaned_data
    try:
        if data.get("item"):
            services.feedback_link(item=data["item"], tickets=[ticket], actor=request.user)
        else:
            services.feedback_item_from_ticket(
                ticket=ticket,
                actor=request.user,
                title=data["title"],
                kind=data.get("kind") or FeedbackItem.Kind.FEATURE_REQUEST,
            )
    except (ValidationError, DomainError) as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Ticket linked to product feedback."))
    return redirect(back)


def feedback_bulk_link(request: HttpRequest, *, item_id: int, tickets: list[Ticket]) -> None:
    """The ticket list's bulk action: link the selected tickets to item number `item_id`."""
    try:
        item = selectors.feedback_item_get_for(user=request.user, item_id=item_id)
        links = services.feedback_link(item=item, tickets=tickets, actor=request.user)
    except (ValidationError, DomainError) as exc:
        messages.error(request, _("No such feedback item.") if isinstance(exc, NotVisible) else service_error_text(exc))
        return
    messages.success(
        request,
        dates.fill(
            ngettext("%(count)s ticket linked to “%(title)s”.", "%(count)s tickets linked to “%(title)s”.", len(links)),
            {"count": len(links), "title": item.title},
        ),
    )
