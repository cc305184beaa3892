"""The agent's ticket page and its actions: reply, properties, referrals, links, presence, the original email.

Short views in the style of tickets.workspace.views: load through a selector, validate with a form, call the
service, redirect (htmx gets a partial).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk import dates
from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors, service_error_text
from helpdesk.permissions import agent_required
from tickets import idempotency, kb_integration, selectors, services, timeline_reads
from tickets.models import Referral, Ticket
from tickets.timetrack.forms import time_spent_from
from tickets.workspace import lists as workspace
from tickets.workspace import presence, timeline
from tickets.workspace.pickers import pickers_load
from tickets.workspace.side_views import side_page
from tickets.workspace.ticket_forms import (
    LinkForm,
    ReferForm,
    ReferralAnswerForm,
    ReplyForm,
    TicketPropertiesForm,
)
from tickets.workspace.timeline_html import timeline_html
from tickets.workspace.views import _form_errors, _is_htmx, _ticket_url


def _ticket_context(request: HttpRequest, ticket: Ticket, **forms) -> dict:
    """What the page renders itself: the header, the composer and the timeline. The sidebar (the customer
    card, forms and lists) is panels htmx loads after it (tickets.workspace.side_views)."""
    user = request.user
    messages_, events, referrals = timeline_reads.timeline_parts(user=request.user, ticket=ticket)
    entries = timeline.timeline(messages=messages_, events=events, referrals=referrals)
    # the composer's pickers, one query: the activity types of its time box, the macros the agent may use
    composer = pickers_load(user=user, statuses=False, categories=False, activities=True, macros=True)
    return {
        "ticket": ticket,
        "sla": workspace.sla_badge(ticket),
        "timeline_html": timeline_html(entries, ticket=ticket, request=request),
        "message_count": len(messages_),
        "prompt_referrals": timeline.referral_prompt(referrals, viewer=user, ticket=ticket),
        "reply_form": forms.get("reply_form")
        or ReplyForm(
            ticket=ticket, activities=composer.activities, seen=timeline.seen_at(ticket=ticket, events=events)
        ),
        "changes": forms.get("changes") or [],
        "heartbeat_seconds": presence.HEARTBEAT_SECONDS,
        # the newest event shown: the presence heartbeat asks whether anything came after it
        "last_event": max((event.pk for event in events), default=0),
        "macros": composer.macros,  # a name per active macro
    }


@agent_required
@require_GET
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    # no tags, no terms: the page shows them only in the sidebar's panels (tickets.workspace.side_views)
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False, with_tags=False)
    return render(request, "tickets/agent/ticket.html", _ticket_context(request, ticket))


@agent_required
@require_GET
def ticket_timeline(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The timeline alone, re-fetched by htmx after a sidebar change: the ticket and what the timeline
    shows, none of the sidebar's queries."""
    ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False, with_tags=False)
    messages_, events, referrals = timeline_reads.timeline_parts(user=request.user, ticket=ticket)
    entries = timeline.timeline(messages=messages_, events=events, referrals=referrals)
    context = {
        "timeline_html": timeline_html(entries, ticket=ticket, request=request),
        "last_event": max((event.pk for event in events), default=0),
    }
    return render(request, "tickets/agent/_timeline_refresh.html", context)


@agent_required
@require_POST
def ticket_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = ReplyForm(request.POST, request.FILES, ticket=ticket, user=user)
    if form.is_valid():
        data = form.cleaned_data
        changes = (
            timeline.changes_since(user=user, ticket=ticket, since=data["seen"])
            if data.get("seen") and not data.get("confirmed")
            else []
        )
        if changes:
            form.keep_files()  # asked to check first: the files wait, kept, for "send anyway"
            confirm = request.POST.copy()
            confirm["confirmed"] = "on"
            confirm["seen"] = max(ticket.updated_at, *(change.event.created_at for change in changes)).isoformat()
            confirm.setlist("kept", [str(upload.pk) for upload in form.kept_uploads])
            form = ReplyForm(confirm, ticket=ticket, user=user)
            form.is_valid()
            context = _ticket_context(request, ticket, reply_form=form, changes=changes)
            return render(request, "tickets/agent/ticket.html", context, status=409)
        internal = data["kind"] == "note"
        # A double submit or a re-send of the same message (the form's token and text) is stored once.
        key = idempotency.form_once_key(data["token"], str(ticket.pk), data["kind"], data["body"], *form.files_key())
        try:
            idempotency.once(user=user, scope="agent-reply", key=key, run=lambda: _send(user, form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            presence.presence_leave(ticket_id=ticket.pk, user=user)
            messages.success(request, _("Internal note added.") if internal else _("Reply sent."))
            return redirect(_ticket_url(ticket))
    form.keep_files()  # its valid files are not lost: listed as kept on the form shown again
    return render(request, "tickets/agent/ticket.html", _ticket_context(request, ticket, reply_form=form), status=400)


def _send(user, form: ReplyForm) -> int:
    """The composer's reply or note, and the articles it used (counted only once it is sent)."""
    ticket, data = form.ticket, form.cleaned_data
    with transaction.atomic():
        message = services.ticket_reply(
            ticket=ticket,
            actor=user,
            body=data["body"],
            internal=data["kind"] == "note",
            attachments=data["attachments"],
            status=data.get("status") or None,
            time=time_spent_from(data),
            time_asked=True,
        )
        refs = kb_integration.parse_usage_refs(data.get("articles") or "")
        kb_integration.article_usages_record(ticket=ticket, actor=user, refs=refs)
        form.kept_attached()
    return message.pk


@agent_required
@require_POST
def ticket_properties(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Status, priority, type, team, assignee and tags from the sidebar; answers htmx with the sidebar.

    Only what the agent changed on their page is applied; a field someone else changed since is refused
    with its current value (tickets.services.seen), the form coming back with the agent's choices."""
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = TicketPropertiesForm(request.POST, user=user, ticket=ticket)
    saved = False
    if form.is_valid():
        try:
            services.ticket_edit(ticket=ticket, actor=user, **form.edit_arguments())
            saved = True
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc, field="status")
    if saved and not _is_htmx(request):
        messages.success(request, _("Ticket updated."))
        return redirect(_ticket_url(ticket))
    if not saved:
        ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)  # as it is now
        form = form.rebased(ticket)
        if not _is_htmx(request):
            return side_page(request, ticket_id, properties_form=form)
    else:
        ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
        form = TicketPropertiesForm(user=user, ticket=ticket)
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
    """Refer the ticket to another team; a refused referral comes back on the panels' page as typed."""
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = ReferForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.ticket_refer(
                ticket=ticket, actor=user, to_team=data["to_team"], note=data["note"], handoff=data["handoff"]
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Referred to %(team)s.") % {"team": data["to_team"]})
            return redirect(_ticket_url(ticket))
    return side_page(request, ticket.pk, refer_form=form)


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
    except (ValidationError, DomainError) as exc:
        messages.error(request, service_error_text(exc))
    return redirect(_ticket_url(ticket_id))


@agent_required
@require_POST
def ticket_link(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Link this ticket to another by number, or merge it into the other one; a refused one comes back on
    the panels' page as typed."""
    user = request.user
    ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return side_page(request, ticket.pk, link_form=form)
    data = form.cleaned_data
    try:
        other = selectors.ticket_get_for(user=user, ticket_id=data["number"])
    except Http404:
        form.add_error("number", _("There is no ticket #%(number)s.") % {"number": data["number"]})
        return side_page(request, ticket.pk, link_form=form)
    try:
        if data["action"] == "merge":
            target = services.ticket_merge(source=ticket, target=other, actor=user)
            messages.success(
                request, dates.fill(_("Ticket #%(source)s was merged into this ticket."), {"source": ticket.pk})
            )
            return redirect(_ticket_url(target))
        services.ticket_link(ticket=ticket, other=other, kind=data["action"], actor=user)
    except (ValidationError, DomainError) as exc:
        add_service_errors(form, exc, field="number")
        return side_page(request, ticket.pk, link_form=form)
    messages.success(request, dates.fill(_("Linked to #%(number)s."), {"number": other.pk}))
    return redirect(_ticket_url(ticket))


@agent_required
@require_POST
def ticket_presence(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Heartbeat of an open ticket page: stores this agent's presence, answers who else is here and,
    given the newest event the page shows (`after`), whether someone else changed the ticket since."""
    ticket = selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)  # polled: no joins
    others = presence.presence_touch(ticket_id=ticket.pk, user=request.user, state=request.POST.get("state", ""))
    after = request.POST.get("after", "")
    changed = after.isdigit() and timeline.changed_after(user=request.user, ticket=ticket, event_id=int(after))
    return render(request, "tickets/agent/_presence.html", {"others": others, "changed": changed, "ticket": ticket})


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
