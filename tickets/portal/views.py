"""Customer portal pages: home, a request, the contract, ratings (the lists: tickets.portal.lists).

Short views: load through a scoped selector, validate a form, call the service, redirect. Agents
who open a portal page are sent to the same ticket in their workspace.
"""

import functools
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customers import selectors as customer_selectors
from helpdesk import dates
from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors, service_error_text
from helpdesk.ratelimit import ratelimit
from tickets import deflection, idempotency, kb_integration, ratings, selectors, services, transitions
from tickets.models import Channel, SatisfactionRating, Status
from tickets.portal import selectors as portal_selectors
from tickets.portal.forms import FollowUpForm, NewRequestForm, RatingForm, ReplyForm
from tickets.portal.home import portal_home_for


def _agent_url(ticket_id: int | None) -> str:
    try:
        return reverse("agent:ticket", args=[ticket_id]) if ticket_id else reverse("agent:home")
    except NoReverseMatch:
        return "/agent/"


def customer_page(view: Callable) -> Callable:
    """Signed-in customers only (anonymous → login, agents → the workspace); sets request.contact."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_agent:
            return redirect(_agent_url(kwargs.get("ticket_id")))
        contact = customer_selectors.contact_for_user(user=request.user)
        if contact is not None:
            request.user.contact = contact  # cache it: the ticket selectors read user.contact
        request.contact = contact
        return view(request, *args, **kwargs)

    return wrapped


def portal_page(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    contact = request.contact
    organization = contact.organization if contact is not None else None
    context = {
        "contact": contact,
        "shares_tickets": bool(organization and organization.share_tickets),
        "kb_search_url": _kb_url("kb:search", "/kb/search/"),
        **context,
    }
    return render(request, template, context, status=status)


def _kb_url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def require_contact(request: HttpRequest):
    if request.contact is None:
        raise Http404("This login is not linked to a customer.")
    return request.contact


# --- home, new request ------------------------------------------------------------------------


@customer_page
def home(request: HttpRequest) -> HttpResponse:
    data = portal_home_for(user=request.user, contact=request.contact)
    return portal_page(request, "tickets/portal/home.html", {"home": data, "active": "home"})


@customer_page
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    contact = require_contact(request)
    products = portal_selectors.products_for_new_request(contact=contact, today=timezone.localdate())
    form = NewRequestForm(request.POST or None, request.FILES or None, products=products, user=request.user)
    if request.method == "POST" and form.is_valid():
        priority, ticket_type = form.priority_and_type()
        token = request.POST.get("deflection_token", "")
        try:
            # The form's token makes a double submit or a re-send open one request (tickets.idempotency.once);
            # with what was written in the key, a form sent again after going back and changing it (the
            # same token) opens its own request instead of being dropped for the first one.
            ticket_id, replayed = idempotency.once(
                user=request.user,
                scope="portal-new-request",
                key=idempotency.form_once_key(token, form.cleaned_data["subject"], form.cleaned_data["description"]),
                run=lambda: _open_request(request, contact, form, priority=priority, ticket_type=ticket_type),
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc, field="attachments")
        else:
            if replayed:
                return redirect("portal:ticket", ticket_id)
            ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False)
            deflection.deflection_converted(contact=contact, token=token, ticket=ticket)
            kb_integration.request_sent_despite_suggestions(
                user=request.user, subject=ticket.subject, description=form.cleaned_data["description"]
            )
            messages.success(
                request, dates.fill(_("Thank you! We received your request #%(number)s."), {"number": ticket.pk})
            )
            return redirect("portal:ticket", ticket.pk)
    form.keep_files()  # its valid files are not lost: listed as kept on the form shown again
    token = request.POST.get("deflection_token") or str(uuid.uuid4())
    return portal_page(
        request,
        "tickets/portal/new.html",
        {
            "form": form,
            "suggest_url": _kb_url("kb:suggest", "/kb/suggest/"),
            "active": "new",
            "deflection_token": token,
        },
        status=400 if form.errors else 200,
    )


def _open_request(request: HttpRequest, contact, form: NewRequestForm, *, priority: str, ticket_type: str) -> int:
    ticket = services.ticket_open(
        actor=request.user,
        requester=contact,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["description"],
        priority=priority,
        type=ticket_type,
        channel=Channel.PORTAL,
        product=form.cleaned_data["product"],
        attachments=form.cleaned_data["attachments"],
    )
    form.kept_attached()
    return ticket.pk


@customer_page
@require_POST
def article_opened(request: HttpRequest) -> HttpResponse:
    """Beacon from the new-request form: the customer opened a suggested article (204, always)."""
    contact = require_contact(request)
    deflection.deflection_open(
        contact=contact,
        user=request.user,
        token=request.POST.get("token", ""),
        article_id=request.POST.get("article", ""),
    )
    return HttpResponse(status=204)


# --- one request ------------------------------------------------------------------------------


def _ticket_page(request: HttpRequest, ticket, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    page = portal_selectors.ticket_page_for(user=request.user, contact=request.contact, ticket=ticket)
    rating_open = ratings.can_rate(ticket=ticket, contact=request.contact, rating=page.rating, now=now)
    initial_rating = {"score": page.rating.score, "comment": page.rating.comment} if page.rating else None
    context = {
        "page": page,
        "ticket": ticket,
        "can_reply": portal_selectors.can_reply(ticket, now=now),
        "can_solve": portal_selectors.can_solve(ticket),
        "can_reopen": portal_selectors.can_reopen(ticket, now=now),
        "can_follow_up": portal_selectors.can_follow_up(ticket, now=now),
        "can_rate": rating_open,
        "reopen_days": transitions.reopen_days(),
        "reply_form": ReplyForm(),
        "follow_up_form": FollowUpForm(),
        "rating_form": RatingForm(initial=initial_rating),
        **(forms or {}),
    }
    return portal_page(request, "tickets/portal/ticket.html", context, status=status)


@customer_page
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    # The page shows the product alone of the ticket's terms (joined); contract and SLA stay unread.
    try:
        found = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id, with_terms=False)
    except Http404:
        # A link to a request merged since (the acknowledgement mail): on to the one it lives on in,
        # when the customer may see that one; otherwise the same 404 as for any other number.
        survivor = selectors.ticket_survivor_for(user=request.user, ticket_id=ticket_id)
        if survivor is None:
            raise
        messages.info(
            request,
            dates.fill(
                _("Request #%(old)s was merged into request #%(number)s; its conversation continues here."),
                {"old": ticket_id, "number": survivor.pk},
            ),
        )
        return redirect("portal:ticket", survivor.pk)
    return _ticket_page(request, found)


def _customer_reply(request: HttpRequest, ticket_id: int, *, form_class, form_key: str) -> HttpResponse:
    """The reply form and the "open a new linked request" form both post a customer's reply; the
    service decides whether it is a reply, a reopening or a linked follow-up, and takes a reply to a
    request merged since the page was shown on to the request it was merged into."""
    contact = require_contact(request)
    found = selectors.ticket_reply_get_for(user=request.user, ticket_id=ticket_id)
    form = form_class(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data, made = form.cleaned_data, []

        def send() -> int:
            made.append(
                services.ticket_customer_reply(
                    ticket=found,
                    actor=request.user,
                    contact=contact,
                    body=data["body"],
                    channel=Channel.PORTAL,
                    attachments=data["attachments"],
                )
            )
            form.kept_attached()
            return made[0].ticket.pk

        # A double submit or a re-send of the same reply (the form's token and text) is stored once.
        key = idempotency.form_once_key(data["token"], str(found.pk), form_key, data["body"], *form.files_key())
        try:
            ticket_id, replayed = idempotency.once(user=request.user, scope="portal-reply", key=key, run=send)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc, field="attachments")
        else:
            messages.success(request, _("Your reply was already added.") if replayed else _reply_done(found, made[0]))
            theirs = selectors.ticket_base_for(user=request.user).filter(pk=ticket_id)
            if found.merged_into_id is not None and not theirs.exists():
                return redirect("portal:home")  # merged into someone else's request, which they cannot read
            return redirect("portal:ticket", ticket_id)
    form.keep_files()  # its valid files are not lost: listed as kept on the form shown again
    return _ticket_page(request, found, forms={form_key: form}, status=400)


def _reply_done(found, outcome: services.CustomerReply) -> str:
    """What the customer is told became of their reply to `found`."""
    if outcome.follow_up:
        return dates.fill(
            _("We opened request #%(number)s, linked to #%(old)s."), {"number": outcome.ticket.pk, "old": found.pk}
        )
    if found.merged_into_id is not None:
        return dates.fill(
            _("Request #%(old)s was merged into request #%(number)s; your reply was added there."),
            {"number": outcome.ticket.pk, "old": found.pk},
        )
    return _("Your reply was added.")


@customer_page
@require_POST
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _customer_reply(request, ticket_id, form_class=ReplyForm, form_key="reply_form")


@customer_page
@require_POST
def follow_up(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _customer_reply(request, ticket_id, form_class=FollowUpForm, form_key="follow_up_form")


def _change_status(request: HttpRequest, ticket_id: int, *, status: str, done: str) -> HttpResponse:
    """Solve or reopen: the service checks the transition table and the reopen window."""
    found = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    try:
        services.ticket_change_status(ticket=found, actor=request.user, status=status)
    except (ValidationError, DomainError) as exc:  # merged meanwhile: TicketMerged
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, done)
    return redirect("portal:ticket", found.pk)


@customer_page
@require_POST
def solve(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _change_status(request, ticket_id, status=Status.SOLVED, done=_("Marked as solved. Glad it is sorted!"))


@customer_page
@require_POST
def reopen(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _change_status(
        request, ticket_id, status=Status.OPEN, done=_("Reopened. Tell us what is still wrong in a reply.")
    )


@customer_page
@require_POST
def rate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    contact = require_contact(request)
    found = selectors.ticket_get_for(user=request.user, ticket_id=ticket_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            ratings.rating_submit(
                ticket=found, contact=contact, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
            return redirect("portal:ticket", found.pk)
        else:
            messages.success(request, _("Thank you for your rating!"))
            return redirect("portal:ticket", found.pk)
    return _ticket_page(request, found, forms={"rating_form": form}, status=400)


@require_http_methods(["GET", "POST"])
@ratelimit("rating_link", methods=("GET", "POST"), email_field=None)
def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link of the "solved" mail: GET confirms (score preselected), POST saves."""
    try:
        link = ratings.rating_link_read(token=token)
    except DomainError:
        return render(request, "tickets/portal/rate_link_invalid.html", status=400)
    found = link.ticket
    existing = SatisfactionRating.objects.filter(ticket=found).first()
    initial = {"score": link.score, "comment": existing.comment if existing else ""}
    form = RatingForm(request.POST or None, initial=initial)
    can = ratings.can_rate(ticket=found, contact=found.requester, rating=existing, now=timezone.now())
    saved = False
    if request.method == "POST" and can and form.is_valid():
        try:
            ratings.rating_submit(
                ticket=found,
                contact=found.requester,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            saved = True
    return render(
        request,
        "tickets/portal/rate_link.html",
        {"ticket": found, "form": form, "can_rate": can, "saved": saved, "existing": existing},
        status=400 if form.errors else 200,
    )


# --- organization, contract -------------------------------------------------------------------


@customer_page
def contract(request: HttpRequest) -> HttpResponse:
    data = portal_selectors.contract_page_for(user=request.user, contact=request.contact, today=timezone.localdate())
    return portal_page(request, "tickets/portal/contract.html", {"data": data, "active": "contract"})
