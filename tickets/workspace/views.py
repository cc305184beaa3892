"""Agent workspace pages: short views that load through selectors, validate with a form and call a service."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers import selectors as customer_selectors
from customers import services as customer_services
from helpdesk.exceptions import DomainError
from tickets import calls, kb_integration, selectors, services
from tickets.models import Referral, SlaState, Status, Ticket
from tickets.workspace import lists as workspace
from tickets.workspace import macros, presence, saved_views, timeline
from tickets.workspace.forms import (
    BulkActionForm,
    CallFindForm,
    CallForm,
    LinkForm,
    NewTicketForm,
    ReferForm,
    ReferralAnswerForm,
    ReplyForm,
    SaveViewForm,
    TicketFilterForm,
    TicketPropertiesForm,
    tag_names,
)


def agent_required(view: Callable) -> Callable:
    """Signed-in agents and admins only; anyone else signed in gets a 404 (the workspace does not exist)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_agent:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form's fields (unknown fields on the form itself)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _ticket_url(ticket: Ticket | int) -> str:
    return reverse("agent:ticket", args=[getattr(ticket, "pk", ticket)])


# --- home -------------------------------------------------------------------------------------


@agent_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    base = selectors.ticket_list_for(user=user)
    my_scope = base.open().filter(Q(assignee=user) | Q(team__in=user.teams.all()))

    def rows(qs):
        return workspace.decorate_rows(list(qs.by_sla_due()[:8]))

    sections = {
        "mine": base.open().filter(assignee=user),
        "unassigned": workspace.apply_view(base, view="unassigned", user=user),
        "warning": my_scope.filter(sla_state=SlaState.WARNING),
        "breached": my_scope.filter(sla_state=SlaState.BREACHED),
    }
    referrals = list(
        Referral.objects.filter(
            ticket__in=selectors.ticket_base_for(user=user),
            to_team__in=user.teams.all(),
            state=Referral.State.OPEN,
        )
        .select_related("ticket", "from_team", "to_team", "requested_by")
        .order_by("due_at", "id")[:10]
    )
    context = {
        name: {"rows": rows(qs), "count": workspace.count_label(workspace.capped_count(qs))}
        for name, qs in sections.items()
    }
    context["referrals"] = referrals
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


@agent_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_views = list(saved_views.saved_view_list_for(user=user))
    saved = None
    raw_view = request.GET.get("view", "")
    if raw_view.isdigit():
        saved = next((v for v in my_views if v.pk == int(raw_view)), None)
        if saved is None:
            raise Http404("No such view.")
    params = _list_params(request, saved)
    form = TicketFilterForm(params or None, user=user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    view = filters.get("view") or ("all" if filters.get("q") else "open")
    if view not in workspace.VIEW_KEYS:
        view = "all"  # a saved view never stores another saved view's id
    sort = filters.get("sort") or "updated"
    columns = saved_views.ordered_columns(saved.columns if saved else saved_views.DEFAULT_COLUMNS)
    rows = workspace.queue_for(user=user, view=view, filters=workspace.list_filters(filters), sort=sort)
    if "tags" in columns:
        rows = rows.prefetch_related("tags")
    page = workspace.paginate(rows, page=filters.get("page") or 1)
    workspace.list_rows(page.rows)
    bulk = BulkActionForm(user=user, agents=form.agents, teams=form.teams)
    current = saved_views.query_from_params(params, cleaned={**filters, "view": view, "sort": sort})
    current["view"] = view
    encoded = QueryDict(mutable=True)
    encoded.update(current)
    save_form = SaveViewForm(user=user, initial={"query": encoded.urlencode(), "columns": columns})
    return render(
        request,
        "tickets/agent/tickets.html",
        {
            "form": form,
            "bulk": bulk,
            "view": view,
            "view_param": saved.pk if saved else view,
            "saved": saved,
            "saved_views": my_views,
            "save_form": save_form,
            "my_teams": list(user.teams.order_by("name")),
            "columns": columns,
            # Which cells a row has; every column is a key (a missing key is slow to look up in a template).
            "show": {key: key in columns for key in saved_views.COLUMNS},
            "column_labels": [(key, saved_views.COLUMNS[key]) for key in columns],
            "sort": sort,
            "sorts": workspace.SORTS.items(),
            "tabs": workspace.view_tabs(user=user, active="" if saved else view),
            "page": page,
            "filtered": bool(filters) and form.is_filtered,
        },
        status=400 if form.is_bound and form.errors else 200,  # the page says which parameters were refused
    )


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
    done = skipped = 0
    if data["action"] == "merge" and tickets:
        # The oldest selected ticket keeps the conversation; the others close as its duplicates.
        target, tickets = tickets[0], tickets[1:]
    for ticket in tickets:
        try:
            if data["action"] == "assign":
                services.ticket_update(ticket=ticket, actor=user, changes={"assignee": form.assignee_user()})
            elif data["action"] == "team":
                services.ticket_update(ticket=ticket, actor=user, changes={"team": data["team"]})
            elif data["action"] == "status":
                services.ticket_change_status(ticket=ticket, actor=user, status=data["status"])
            elif data["action"] == "priority":
                services.ticket_update(ticket=ticket, actor=user, changes={"priority": data["priority"]})
            elif data["action"] == "tag":
                names = [t.name for t in ticket.tags.all()] + [data["tag"]]
                services.ticket_update(ticket=ticket, actor=user, changes={}, tags=names)
            elif data["action"] == "merge":
                services.ticket_merge(source=ticket, target=target, actor=user)
            done += 1
        except (ValidationError, DomainError):
            skipped += 1
    if done:
        messages.success(request, _("%(count)s tickets updated.") % {"count": done})
    if skipped:
        messages.error(
            request, _("%(count)s tickets were skipped: the change is not allowed for them.") % {"count": skipped}
        )
    return redirect(back)


# --- the ticket page --------------------------------------------------------------------------


def _ticket_context(request: HttpRequest, ticket: Ticket, **forms) -> dict:
    user = request.user
    messages_ = list(selectors.message_list_for(user=user, ticket=ticket))
    events = list(selectors.event_list_for(user=user, ticket=ticket))
    referrals = list(
        ticket.referrals.select_related("from_team", "to_team", "requested_by", "answered_by").order_by("created_at")
    )
    links = list(ticket.links_out.select_related("to_ticket")) + list(ticket.links_in.select_related("from_ticket"))
    other_tickets = list(
        selectors.ticket_list_for(user=user, filters={"requester": ticket.requester_id})
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")[:8]
    )
    contract = ticket.contract
    products = list(contract.products.all()) if contract else []
    targets = ticket.sla_policy.targets.filter(priority=ticket.priority).first() if ticket.sla_policy_id else None
    return {
        "ticket": ticket,
        "sla": workspace.sla_badge(ticket),
        "timeline": timeline.timeline(messages=messages_, events=events, referrals=referrals),
        "message_count": len(messages_),
        "prompt_referrals": timeline.referral_prompt(referrals),
        "links": links,
        "other_tickets": workspace.decorate_rows(other_tickets),
        "contract": contract,
        "contract_valid": contract.is_valid_on(timezone.localdate()) if contract else False,
        "products": products,
        "sla_target": targets,
        "sla_target_rows": timeline.sla_target_rows(targets),
        "reply_form": forms.get("reply_form") or ReplyForm(ticket=ticket),
        "properties_form": forms.get("properties_form") or TicketPropertiesForm(user=user, ticket=ticket),
        "refer_form": forms.get("refer_form") or ReferForm(user=user),
        "answer_form": ReferralAnswerForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        "changes": forms.get("changes") or [],
        "heartbeat_seconds": presence.HEARTBEAT_SECONDS,
        "macros": [m for m in macros.macro_list_for(user=user) if m.is_active],
        "article_usages": list(kb_integration.article_usage_list_for_ticket(ticket=ticket)),
        "can_make_article": ticket.status in (Status.SOLVED, Status.CLOSED),
    }


@agent_required
@require_GET
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    return render(request, "tickets/agent/ticket.html", _ticket_context(request, ticket))


@agent_required
@require_GET
def ticket_timeline(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The timeline alone, re-fetched by htmx after a sidebar change."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    return render(request, "tickets/agent/_timeline.html", _ticket_context(request, ticket))


@agent_required
@require_POST
def ticket_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = ReplyForm(request.POST, request.FILES, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        changes = (
            timeline.changes_since(user=user, ticket=ticket, since=data["seen"])
            if data.get("seen") and not data.get("confirmed")
            else []
        )
        if changes:
            confirm = request.POST.copy()
            confirm["confirmed"] = "on"
            confirm["seen"] = ticket.updated_at.isoformat()
            form = ReplyForm(confirm, ticket=ticket)
            form.is_valid()
            context = _ticket_context(request, ticket, reply_form=form, changes=changes)
            context["files_dropped"] = bool(data.get("attachments"))
            return render(request, "tickets/agent/ticket.html", context, status=409)
        internal = data["kind"] == "note"
        try:
            with transaction.atomic():
                services.ticket_reply(
                    ticket=ticket,
                    actor=user,
                    body=data["body"],
                    internal=internal,
                    attachments=data["attachments"],
                    status=data.get("status") or None,
                )
                # Articles count as used only once the reply carrying them is sent.
                refs = kb_integration.parse_usage_refs(data.get("articles") or "")
                kb_integration.article_usages_record(ticket=ticket, actor=user, refs=refs)
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            presence.presence_leave(ticket_id=ticket.pk, user=user)
            messages.success(request, _("Internal note added.") if internal else _("Reply sent."))
            return redirect(_ticket_url(ticket))
    return render(request, "tickets/agent/ticket.html", _ticket_context(request, ticket, reply_form=form), status=400)


@agent_required
@require_POST
def ticket_properties(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Status, priority, type, team, assignee and tags from the sidebar; answers htmx with the sidebar."""
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = TicketPropertiesForm(request.POST, user=user, ticket=ticket)
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        original_status = ticket.status
        try:
            changes = {name: data[name] for name in ("priority", "type", "team", "assignee")}
            services.ticket_update(ticket=ticket, actor=user, changes=changes, tags=tag_names(data["tags"]))
            if data["status"] != original_status:
                services.ticket_change_status(ticket=ticket, actor=user, status=data["status"])
            saved = True
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            form.add_error("status", str(exc.detail))
            messages.error(request, str(exc.detail))
    if not _is_htmx(request):
        if saved:
            messages.success(request, _("Ticket updated."))
        elif not form.is_valid() and form.errors:
            messages.error(request, _form_errors(form))
        return redirect(_ticket_url(ticket))
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    if saved:
        form = TicketPropertiesForm(user=user, ticket=ticket)
    else:
        list(messages.get_messages(request))  # shown in the partial instead
    response = render(
        request,
        "tickets/agent/_properties.html",
        {"ticket": ticket, "properties_form": form, "saved": saved, "sla": workspace.sla_badge(ticket)},
    )
    if saved:
        response["HX-Trigger"] = "ticket-changed"
    return response


@agent_required
@require_POST
def ticket_refer(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = ReferForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.ticket_refer(
                ticket=ticket, actor=user, to_team=data["to_team"], note=data["note"], handoff=data["handoff"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
            return redirect(_ticket_url(ticket))
        else:
            messages.success(request, _("Referred to %(team)s.") % {"team": data["to_team"]})
            return redirect(_ticket_url(ticket))
    messages.error(request, _form_errors(form))
    return redirect(_ticket_url(ticket))


def _referral(request: HttpRequest, ticket_id: int, referral_id: int) -> Referral:
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    return get_object_or_404(ticket.referrals.select_related("ticket"), pk=referral_id)


@agent_required
@require_POST
def referral_action(request: HttpRequest, ticket_id: int, referral_id: int, action: str) -> HttpResponse:
    """Answer, cancel, or mark the customer told the outcome of a referral."""
    referral = _referral(request, ticket_id, referral_id)
    user = request.user
    try:
        if action == "answer":
            form = ReferralAnswerForm(request.POST)
            if not form.is_valid():
                messages.error(request, _form_errors(form))
                return redirect(_ticket_url(ticket_id))
            services.referral_answer(referral=referral, actor=user, answer=form.cleaned_data["answer"])
            messages.success(request, _("Referral answered."))
        elif action == "cancel":
            services.referral_cancel(referral=referral, actor=user)
            messages.success(request, _("Referral cancelled."))
        else:
            services.referral_mark_customer_informed(referral=referral, actor=user)
            messages.success(request, _("Noted: the customer knows the outcome."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect(_ticket_url(ticket_id))


@agent_required
@require_POST
def ticket_link(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Link this ticket to another by number, or merge it into the other one."""
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_ticket_url(ticket))
    data = form.cleaned_data
    try:
        other = selectors.ticket_get_for(user=user, ticket_id=data["number"])
    except Http404:
        messages.error(request, _("There is no ticket #%(number)s.") % {"number": data["number"]})
        return redirect(_ticket_url(ticket))
    try:
        if data["action"] == "merge":
            target = services.ticket_merge(source=ticket, target=other, actor=user)
            messages.success(request, _("Ticket #%(source)s was merged into this ticket.") % {"source": ticket.pk})
            return redirect(_ticket_url(target))
        services.ticket_link(ticket=ticket, other=other, kind=data["action"], actor=user)
        messages.success(request, _("Linked to #%(number)s.") % {"number": other.pk})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect(_ticket_url(ticket))


@agent_required
@require_POST
def ticket_presence(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Heartbeat of an open ticket page: stores this agent's presence, answers who else is here."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    others = presence.presence_touch(ticket_id=ticket.pk, user=request.user, state=request.POST.get("state", ""))
    return render(request, "tickets/agent/_presence.html", {"others": others})


# --- new tickets, contacts, calls -------------------------------------------------------------


@agent_required
@require_GET
def contact_lookup(request: HttpRequest) -> HttpResponse:
    """Contacts matching what was typed (name, email or phone), for the "find or create" fields."""
    q = (request.GET.get("q") or request.GET.get("email") or "").strip()
    matches = list(customer_selectors.contact_search(user=request.user, q=q)[:8]) if len(q) >= 2 else []
    return render(request, "tickets/agent/_contact_matches.html", {"matches": matches, "q": q})


@agent_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NewTicketForm(request.POST or None, request.FILES or None, user=user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact, _created = customer_services.contact_get_or_create(
                email=data["email"],
                full_name=data["full_name"],
                phone=data["phone"],
                organization_name=data["organization_name"],
            )
            ticket = services.ticket_create(
                actor=user,
                requester=contact,
                subject=data["subject"],
                body=data["body"],
                priority=data["priority"],
                type=data["type"],
                channel=data["channel"],
                team=data["team"],
                assignee=data["assignee"],
                tags=tag_names(data["tags"]),
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("Ticket #%(number)s created.") % {"number": ticket.pk})
            return redirect(_ticket_url(ticket))
    return render(request, "tickets/agent/new_ticket.html", {"form": form}, status=400 if form.errors else 200)


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
        data = form.cleaned_data
        try:
            if contact is None:
                contact, _created = customer_services.contact_get_or_create(
                    email=data["email"], full_name=data["full_name"], phone=data["phone"]
                )
            ticket = None
            if data.get("ticket"):
                ticket = selectors.ticket_get_for(user=user, ticket_id=data["ticket"])
            ticket = calls.call_log(
                actor=user,
                contact=contact,
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
            _add_errors(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("Call logged on ticket #%(number)s.") % {"number": ticket.pk})
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


@agent_required
def message_original(request: HttpRequest, ticket_id: int, message_id: int) -> FileResponse:
    """The email a message came from, unchanged (quoted history, signatures, every part)."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    message = ticket.messages.select_related("inbound_email").filter(pk=message_id).first()
    if message is None or message.inbound_email is None or not message.inbound_email.raw:
        raise Http404
    response = FileResponse(
        message.inbound_email.raw.open("rb"),
        as_attachment=True,
        filename=f"ticket-{ticket.pk}-message-{message.pk}.eml",
        content_type="message/rfc822",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
