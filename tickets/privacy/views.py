"""The agents' contact page, and for administrators its privacy actions: export and erase.

`/agent/contacts/<id>/` shows a contact and their tickets to agents; administrators also see the
export button, the record of past privacy actions and the way to the erasure, which asks again on its
own page (`/agent/contacts/<id>/erase/`): the contact's email address typed in full. A customer's own
erasure request (asked on the portal) shows here to every agent; an administrator carries it out with
that same erasure, or declines it with a reason (`/agent/contacts/<id>/erasure-requests/<id>/decline/`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from customers import selectors as customer_selectors
from customers import services as customer_services
from customers.models import Contact, ErasureRequest, PrivacyAction
from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors, form_errors_text, service_error_text
from helpdesk.permissions import agent_required, is_admin, require_admin
from tickets import selectors
from tickets.privacy.erase import contact_erase
from tickets.privacy.export import contact_export
from tickets.timetrack.selectors import contact_contracts_hours
from tickets.workspace import lists as workspace

RECENT_TICKETS = 20
RECENT_ACTIONS = 10


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is declined (mailed to the customer)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=gettext_lazy("Type the contact's email address (without one, their phone number) to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    tell = forms.BooleanField(
        label=gettext_lazy("They asked for it by mail, phone or letter: tell them when it is done"),
        help_text=gettext_lazy(
            "The confirmation goes to their address in their language before the address is erased, as for a "
            "request made on the portal. The request is recorded as asked by you on their behalf."
        ),
        required=False,
    )


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return customer_selectors.contact_get_for(user=request.user, contact_id=contact_id)


@agent_required
@require_GET
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    """A contact, their latest tickets and (administrators) the privacy actions."""
    contact = _contact(request, contact_id)
    tickets = selectors.ticket_list_for(user=request.user, filters={"requester": contact.pk})
    rows = list(tickets.order_by("-updated_at", "-id")[:RECENT_TICKETS])
    admin = is_admin(request.user)
    actions = (
        list(PrivacyAction.objects.filter(contact_ref=contact.pk).select_related("actor")[:RECENT_ACTIONS])
        if admin
        else []
    )
    context = {
        "contact": contact,
        "rows": workspace.list_rows(rows),
        "is_admin": admin,
        "actions": actions,
        "hours_banks": contact_contracts_hours(user=request.user, contact=contact),
        # their latest erasure request, to every agent: a pending one is decided by an administrator
        "erasure": ErasureRequest.objects.filter(contact=contact).select_related("decided_by").first(),
        "decline_form": DeclineForm(),
    }
    return render(request, "tickets/agent/contact.html", context)


@agent_required
@require_POST
def erasure_request_decline(request: HttpRequest, contact_id: int, request_id: int) -> HttpResponse:
    """Decline the contact's pending erasure request with a reason (administrators; 403 for agents)."""
    require_admin(request.user)
    contact = _contact(request, contact_id)
    erasure = get_object_or_404(ErasureRequest, contact=contact, pk=request_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            customer_services.erasure_request_decline(
                erasure_request=erasure, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, DomainError) as exc:
            messages.error(request, service_error_text(exc))
        else:
            messages.success(request, _("The erasure request was declined; the customer is told why by mail."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("agent:contact", contact_id=contact.pk)


@agent_required
@require_GET
def contact_export_download(request: HttpRequest, contact_id: int) -> FileResponse:
    """The zip of everything held about the contact (administrators; 403 for agents)."""
    contact = _contact(request, contact_id)
    archive = contact_export(contact=contact, actor=request.user)
    return FileResponse(
        archive, as_attachment=True, filename=f"contact-{contact.pk}-export.zip", content_type="application/zip"
    )


@agent_required
def contact_erase_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The second step of an erasure: what will happen, and the address typed again."""
    require_admin(request.user)  # the page itself is for administrators only (403), like the action
    contact = _contact(request, contact_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_erase(
                contact=contact,
                actor=request.user,
                confirm=form.cleaned_data["confirm"],
                tell=form.cleaned_data["tell"],
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc, field="confirm")
        else:
            messages.success(request, _("The contact's personal data has been erased."))
            return redirect("agent:contact", contact_id=contact.pk)
    ticket_count = selectors.ticket_list_for(user=request.user, filters={"requester": contact.pk}).count()
    pending = ErasureRequest.objects.filter(contact=contact, state=ErasureRequest.State.PENDING).exists()
    # a portal request is told anyway; someone with no address cannot be told
    offer_tell = bool(contact.email or contact.user_id) and not pending
    context = {
        "contact": contact,
        "form": form,
        "ticket_count": ticket_count,
        "pending": pending,
        "offer_tell": offer_tell,
    }
    return render(request, "tickets/agent/contact_erase.html", context, status=400 if form.errors else 200)
