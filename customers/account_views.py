"""Customer account pages: sign-up, email verification, invitations, password reset."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk.backends import MODEL_BACKEND
from helpdesk.exceptions import DomainError
from helpdesk.forms import SetPasswordForm, add_service_errors, service_error_text
from helpdesk.permissions import agent_required
from helpdesk.ratelimit import ratelimit

from . import accounts, selectors
from .account_forms import ChoosePasswordForm, PasswordResetForm, SignupForm


@require_http_methods(["GET", "POST"])
@ratelimit("signup")
def signup(request: HttpRequest) -> HttpResponse:
    """Ask for name and address; the answer is the same whether or not the address has an account."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.signup_request(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                language=translation.get_language() or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("signup_done")
    return render(request, "customers/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/signup_done.html")


def _choose_password(request: HttpRequest, *, template: str, read, complete, token: str) -> HttpResponse:
    """GET shows who the link is for and the password form; POST creates the login and signs in."""
    try:
        subject = read(token=token)
    except accounts.AccountExists:
        messages.info(request, _("Your account is already active. Please sign in."))
        return redirect("login")
    except DomainError:
        return render(request, "customers/link_invalid.html", status=400)
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = complete(token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError:
            return render(request, "customers/link_invalid.html", status=400)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:home")
    return render(request, template, {"form": form, "claim": subject})


@require_http_methods(["GET", "POST"])
@ratelimit("verify", methods=("GET", "POST"), email_field=None)
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    return _choose_password(
        request,
        template="customers/verify_email.html",
        read=accounts.signup_read,
        complete=accounts.signup_complete,
        token=token,
    )


@require_http_methods(["GET", "POST"])
@ratelimit("invite", methods=("GET", "POST"), email_field=None)
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    return _choose_password(
        request,
        template="customers/invite_accept.html",
        read=accounts.invite_read,
        complete=accounts.invite_accept,
        token=token,
    )


@agent_required
@require_POST
def contact_invite(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The agents' "invite to the portal" button on a contact; goes back to `next`."""
    contact = selectors.contact_get_for(user=request.user, contact_id=contact_id)
    try:
        accounts.contact_invite(contact=contact, invited_by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": contact.email})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/agent/"
    return redirect(target)


password_reset = ratelimit("password_reset")(
    auth_views.PasswordResetView.as_view(
        template_name="customers/password_reset_form.html",
        success_url=reverse_lazy("password_reset_done"),
        form_class=PasswordResetForm,
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="customers/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="customers/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
    form_class=SetPasswordForm,
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="customers/password_reset_complete.html"
)
