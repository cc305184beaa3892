"""Agent workspace pages: home, the ticket list and bulk changes, new tickets and calls.

Short views that load through selectors, validate with a form and call a service. The ticket page and
its actions are in tickets.workspace.ticket_views.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from customers import rules as customer_rules
from customers import selectors as customer_selectors
from customers.services import phone_digits
from helpdesk import dates
from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors
from helpdesk.forms import form_errors_text as _form_errors  # the views of this package import it from here
from helpdesk.permissions import agent_required
from tickets import calls, selectors, services
from tickets.feedback.views import feedback_bulk_link
from tickets.models import Ticket
from tickets.problems.views import problem_bulk_link
from tickets.workspace import lists as workspace
from tickets.workspace import saved_views
from tickets.workspace.call_forms import CallFindForm, CallForm
from tickets.workspace.forms import (
    BulkActionForm,
    NewTicketForm,
    SaveViewForm,
    TicketFilterForm,
    tag_names,
)
from tickets.workspace.home import ROWS as HOME_ROWS
from tickets.workspace.home import home_lists
from tickets.workspace.pickers import pickers_load
from tickets.workspace.rows import ticket_cards_html, ticket_header_html, ticket_rows_html, ticket_tabs_html


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _ticket_url(ticket: Ticket | int) -> str:
    return reverse("agent:ticket", args=[getattr(ticket, "pk", ticket)])


# --- home -------------------------------------------------------------------------------------


# What each home list says when it is empty.
HOME_EMPTY = {
    "mine": lambda: _("Nothing is assigned to you. Take one from your teams' unassigned tickets."),
    "unassigned": lambda: _("Your teams' queue is clear. New requests will show up here."),
    "breached": lambda: _("No breached tickets in your queues. Keep it that way by answering the due-soon ones first."),
    "warning": lambda: _("Nothing is close to its SLA deadline."),
}


@agent_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    found = home_lists(request.user)  # six statements compiled once per process (tickets.workspace.home)
    context: dict = {}
    for name, empty_text in HOME_EMPTY.items():  # the rows written in Python (tickets.workspace.rows)
        rows, count = found[name]["rows"], found[name]["count"]
        context[name] = {"rows": rows, "count": workspace.count_label(count), "more": count > HOME_ROWS}
        context[name]["html"] = ticket_cards_html(rows, empty_text=empty_text())
    context["referrals"] = found["referrals"]["rows"]
    context["referrals_more"] = found["referrals"]["count"] > HOME_ROWS
    return render(request, "tickets/agent/home.html", context)


# --- the ticket list --------------------------------------------------------------------------


def _list_params(request: HttpRequest, saved) -> QueryDict:
    """The list's parameters: a saved view's stored ones, overridden by what this URL sets."""
    if saved is None:
        return request.GET
    params = QueryDict(mutable=True)
    for key, value in saved.query.items():
        params[key] = value
    for key in request.GET:
        if key != "view":
            params.setlist(key, request.GET.getlist(key))
    return params


def _saved_view(request: HttpRequest, my_views: list):
    """The saved view `?view=<id>` names, among the agent's own and those shared with them; 404 for any
    other id, None for a built-in view."""
    raw_view = request.GET.get("view", "")
    if not raw_view.isdigit():
        return None
    saved = next((v for v in my_views if v.pk == int(raw_view)), None)
    if saved is None:
        raise Http404("No such view.")
    return saved


@agent_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_views = saved_views.saved_view_tabs_for(user=user)
    saved = _saved_view(request, my_views)
    params = _list_params(request, saved)
    # one query, compiled once per process: the filters' custom statuses, agents and teams (the list
    # has no category filter; the bulk bar's categories load with its fields)
    pickers = pickers_load(user=user, people=True, categories=False)
    form = TicketFilterForm(params or None, user=user, pickers=pickers)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    view = filters.get("view") or ("all" if filters.get("q") else "open")
    if view not in workspace.VIEW_KEYS:
        view = "all"  # a saved view never stores another saved view's id
    sort = filters.get("sort") or "updated"
    columns = saved_views.ordered_columns(saved.columns if saved else saved_views.DEFAULT_COLUMNS)
    # As the API reads a page: its rows from the ticket table alone, then their people, teams and
    # tags in one query (selectors.ticket_rows), no model instances.
    list_filters = workspace.list_filters(filters)
    page = workspace.queue_page(user=user, view=view, filters=list_filters, sort=sort, page=filters.get("page") or 1)
    page.rows = workspace.list_rows(selectors.ticket_rows(page.rows, with_internal=True))
    current = saved_views.query_from_params(params, cleaned={**filters, "view": view, "sort": sort})
    current["view"] = view
    encoded = QueryDict(mutable=True)
    encoded.update(current)
    # the counts load after the page (ticket_tab_counts): the list's rows come first
    tabs = workspace.view_tabs(user=user, active="" if saved else view, counted=False)
    return render(
        request,
        "tickets/agent/tickets.html",
        {
            "form": form,
            "filter_panel_key": form.panel_key(),
            "view": view,
            "view_param": saved.pk if saved else view,
            "saved": saved,
            # "save this view": its labels and choices, without building a form to validate nothing
            "save_form": SaveViewForm.base_fields,
            "save_query": encoded.urlencode(),
            "column_choices": saved_views.COLUMNS.items(),
            # everything the "save this view" fields show but the language (their fragment's key)
            "save_view_key": repr((columns, [(team.pk, team.display_name) for team in form.pickers.my_teams])),
            "my_teams": form.pickers.my_teams,
            "columns": columns,
            "rows_html": ticket_rows_html(page.rows, show={key: key in columns for key in saved_views.COLUMNS}),
            "header_html": ticket_header_html(
                [(k, saved_views.COLUMNS[k]) for k in columns], sort=sort, get=request.GET
            ),
            "sort": sort,
            "tabs_html": ticket_tabs_html(tabs, saved_views=my_views, saved=saved, get=request.GET),
            "page": page,
            "filtered": bool(filters) and form.is_filtered,
            # without JavaScript the bar's fields come with the page when asked for (?bulk=1)
            "bulk": BulkActionForm(user=user) if request.GET.get("bulk") == "1" else None,
        },
        status=400 if form.is_bound and form.errors else 200,  # the page says which parameters were refused
    )


@agent_required
@require_GET
def ticket_tab_counts(request: HttpRequest) -> HttpResponse:
    """The list's seven capped tab counts (one statement), loaded by htmx after the page and swapped
    into their tabs out of band."""
    tabs = workspace.view_tabs(user=request.user, active="")
    return render(request, "tickets/agent/_tab_counts.html", {"tabs": tabs})


@agent_required
@require_GET
def ticket_bulk_fields(request: HttpRequest) -> HttpResponse:
    """The bulk bar's action and its fields, loaded by htmx when the agent first selects a ticket or
    enters the bar: the list itself builds none of its pickers."""
    return render(request, "tickets/agent/_bulk_fields.html", {"bulk": BulkActionForm(user=request.user)})


def _bulk_edit(form: BulkActionForm, ticket: Ticket) -> dict:
    """The ticket_edit arguments of one bulk action (assign, team, status, priority, add a tag)."""
    data = form.cleaned_data
    action = data["action"]
    if action == "assign":
        return {"changes": {"assignee": form.assignee_user()}}
    if action == "status":
        return {"status": data["status"]}
    if action == "tag":
        seen = [t.name for t in ticket.tags.all()]  # as read with the batch: one added, none removed meanwhile
        return {"tags": [*seen, data["tag"]], "seen": {"tags": seen}}
    if action == "custom_status":  # None takes the ticket off its custom status
        return {"custom_status": data["custom_status"]}
    return {"changes": {action: data[action]}}  # team, priority, category (None: no category)


@agent_required
@require_POST
def ticket_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one change to the selected tickets, each through the service; refused rows are skipped."""
    user = request.user
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("agent:tickets")
    form = BulkActionForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    data = form.cleaned_data
    tickets = list(selectors.ticket_batch_for(user=user, ticket_ids=data["tickets"]))
    missing = len(set(data["tickets"])) - len(tickets)
    if missing:
        messages.error(
            request,
            dates.fill(
                ngettext(
                    "%(count)s of the selected tickets was not found: deleted, merged or not yours to see.",
                    "%(count)s of the selected tickets were not found: deleted, merged or not yours to see.",
                    missing,
                ),
                {"count": missing},
            ),
        )
    if data["action"] == "feedback":
        feedback_bulk_link(request, item_id=data["feedback_item"], tickets=tickets)
        return redirect(back)
    if data["action"] == "problem":
        problem_bulk_link(request, problem_id=data["problem"], tickets=tickets)
        return redirect(back)
    done = skipped = 0
    if data["action"] == "merge" and tickets:
        # The oldest selected ticket keeps the conversation; the others close as its duplicates.
        target, tickets = tickets[0], tickets[1:]
    for ticket in tickets:
        try:
            if data["action"] == "merge":
                services.ticket_merge(source=ticket, target=target, actor=user)
            elif data["action"] == "spam":
                block = data["block_sender"] and services.spam_block_default(ticket)
                services.ticket_mark_spam(ticket=ticket, actor=user, block_sender=block)
            else:
                services.ticket_edit(ticket=ticket, actor=user, **_bulk_edit(form, ticket))
            done += 1
        except (ValidationError, DomainError):
            skipped += 1
    _bulk_report(request, done=done, skipped=skipped)
    return redirect(back)


def _bulk_report(request: HttpRequest, *, done: int, skipped: int) -> None:
    """The bulk action's flash messages: how many tickets changed, how many were skipped."""
    if done:
        text = ngettext("%(count)s ticket updated.", "%(count)s tickets updated.", done)
        messages.success(request, dates.fill(text, {"count": done}))
    if skipped:
        text = ngettext(
            "%(count)s ticket was skipped: the change is not allowed for it.",
            "%(count)s tickets were skipped: the change is not allowed for them.",
            skipped,
        )
        messages.error(request, dates.fill(text, {"count": skipped}))


# --- new tickets, contacts, calls -------------------------------------------------------------


@agent_required
@require_GET
def contact_lookup(request: HttpRequest) -> HttpResponse:
    """Contacts matching what was typed (name, email or phone), for the "find or create" fields: the email
    field sends `email`, the phone field `phone` (found however the number is written, Persian digits too)."""
    by_phone = "phone" in request.GET
    q = (request.GET.get("q") or request.GET.get("email") or request.GET.get("phone") or "").strip()
    matches = list(customer_selectors.contact_search(user=request.user, q=q)[:8]) if len(q) >= 2 else []
    # A number no contact has yet, long enough to record one by (customers.rules.phone_number_error).
    new_number = by_phone and not matches and customer_rules.phone_number_error(phone_digits(q)) is None
    return render(
        request, "tickets/agent/_contact_matches.html", {"matches": matches, "q": q, "new_number": new_number}
    )


@agent_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NewTicketForm(request.POST or None, request.FILES or None, user=user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_open(
                actor=user,
                requester=services.RequesterDetails(
                    email=data["email"],
                    full_name=data["full_name"],
                    phone=data["phone"],
                    organization_name=data["organization_name"],
                    language=data["language"],
                ),
                subject=data["subject"],
                body=data["body"],
                priority=data["priority"] or None,
                type=data["type"],
                channel=data["channel"],
                team=data["team"],
                assignee=data["assignee"],
                tags=tag_names(data["tags"]),
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, dates.fill(_("Ticket #%(number)s created."), {"number": ticket.pk}))
            return redirect(_ticket_url(ticket))
    return render(request, "tickets/agent/new_ticket.html", {"form": form}, status=400 if form.errors else 200)


def _call_log(request: HttpRequest, form: CallForm, contact) -> Ticket | None:
    """Log the call the valid form describes; None (with the errors on the form) when refused."""
    data = form.cleaned_data
    caller = contact or services.RequesterDetails(
        email=data["email"], full_name=data["full_name"], phone=data["phone"], language=data["language"]
    )
    try:
        ticket = None
        if data.get("ticket"):
            ticket = selectors.ticket_get_for(user=request.user, ticket_id=data["ticket"])
        return calls.call_log(
            actor=request.user,
            contact=caller,
            ticket=ticket,
            direction=data["direction"],
            duration_minutes=data["duration"],
            notes=data["notes"],
            public_message=data["public_message"],
            subject=data["subject"],
            priority=data["priority"],
        )
    except Http404:
        form.add_error("ticket", _("There is no such ticket."))
    except ValidationError as exc:
        add_service_errors(form, exc)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return None


@agent_required
def call_new(request: HttpRequest) -> HttpResponse:
    """Log a call: find the caller (phone in any digits, or email), then note it on a ticket or open one."""
    user = request.user
    find = CallFindForm(request.GET or None)
    caller = find.cleaned_data["caller"].strip() if find.is_bound and find.is_valid() else ""
    matches = list(customer_selectors.contact_search(user=user, q=caller)[:10]) if caller else []
    contact_id = request.POST.get("contact") or request.GET.get("contact")
    if not contact_id and len(matches) == 1:
        contact_id = matches[0].pk
    contact = None
    if contact_id and str(contact_id).isdigit():
        contact = customer_selectors.contact_get_for(user=user, contact_id=int(contact_id))
    initial = {"contact": contact.pk if contact else None}
    if caller and not matches:
        initial["email" if "@" in caller else "phone"] = caller
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ticket = _call_log(request, form, contact)
        if ticket is not None:
            messages.success(request, dates.fill(_("Call logged on ticket #%(number)s."), {"number": ticket.pk}))
            return redirect(_ticket_url(ticket))
    open_tickets = (
        list(selectors.ticket_list_for(user=user, filters={"requester": contact.pk}).open()[:10]) if contact else []
    )
    return render(
        request,
        "tickets/agent/call.html",
        {
            "find": find,
            "caller": caller,
            "matches": matches,
            "contact": contact,
            "open_tickets": workspace.decorate_rows(open_tickets),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
