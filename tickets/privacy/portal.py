"""The customer's own privacy page on the portal, `/portal/privacy/`: download my data, ask to erase it.

The download is the agents' export (`contact_export`) of the signed-in customer's own contact, limited
per login by the service. Erasure is only a request here (`erasure_request_create`): an administrator
carries it out or declines it on the contact page. No contact id appears in these addresses: the page is
always about the contact of the login signed in.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from customers import services as customer_services
from customers.models import Contact, ErasureRequest
from helpdesk import ratelimit
from helpdesk.exceptions import DomainError, TooManyAttempts
from helpdesk.forms import add_service_errors, service_error_text
from tickets.portal.views import customer_page, portal_page, require_contact
from tickets.privacy.export import contact_export


class ErasureRequestForm(forms.Form):
    confirm = forms.CharField(
        label=gettext_lazy("Type your email address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )


def _render(request: HttpRequest, contact: Contact, form: ErasureRequestForm, *, status: int = 200) -> HttpResponse:
    latest = ErasureRequest.objects.filter(contact=contact).first()  # newest first
    context = {"form": form, "erasure": latest, "active": "privacy"}
    return portal_page(request, "tickets/portal/privacy.html", context, status=status)


@customer_page
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What we hold and the two requests: the download, and the erasure (or the state of the last one)."""
    return _render(request, require_contact(request), ErasureRequestForm())


@customer_page
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """The zip of the customer's own data (a POST: each one is recorded and counted)."""
    contact = require_contact(request)
    try:
        archive = contact_export(contact=contact, actor=request.user)
    except TooManyAttempts as exc:
        return ratelimit.too_many(request, wait=exc.retry_after)
    return FileResponse(archive, as_attachment=True, filename="my-data.zip", content_type="application/zip")


@customer_page
@require_POST
def erasure_request(request: HttpRequest) -> HttpResponse:
    """Ask for the erasure: the address typed again; a pending request is shown instead of the form."""
    contact = require_contact(request)
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            customer_services.erasure_request_create(
                contact=contact, actor=request.user, confirm=form.cleaned_data["confirm"]
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc, field="confirm")
        else:
            messages.success(request, _("We have received your request to erase your data. We will write to you."))
            return redirect("portal:privacy")
    return _render(request, contact, form, status=400)


@customer_page
@require_POST
def erasure_withdraw(request: HttpRequest) -> HttpResponse:
    """Take back the signed-in customer's pending erasure request (there is no id to give: hers only)."""
    contact = require_contact(request)
    pending = ErasureRequest.objects.filter(contact=contact, state=ErasureRequest.State.PENDING).first()
    if pending is None:
        messages.info(request, _("You have no pending request to withdraw."))
        return redirect("portal:privacy")
    try:
        customer_services.erasure_request_withdraw(erasure_request=pending, actor=request.user)
    except DomainError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("You withdrew your request: nothing will be erased."))
    return redirect("portal:privacy")
