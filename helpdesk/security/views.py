"""Pages: setting up and entering the second factor, recovery codes, ending sessions and tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk import services
from helpdesk.exceptions import NotAllowed, TooManyAttempts

from .. import dates
from . import sessions, twofactor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "dir": "ltr"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _try_code(form: CodeForm, action) -> tuple[bool, object]:
    """Run `action(code)`: (True, its result), or (False, the refusal) with the form's error set."""
    try:
        return True, action(form.cleaned_data["code"])
    except twofactor.WrongCode as exc:
        form.add_error("code", str(exc))
        return False, exc
    except TooManyAttempts as exc:
        form.add_error("code", str(exc.detail))
        return False, exc


def _refused(response: HttpResponse, refusal: object) -> HttpResponse:
    """A wrong code is a 400, a wait a 429 with Retry-After."""
    if isinstance(refusal, TooManyAttempts):
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    elif refusal is not None:
        response.status_code = 400
    return response


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor: scan the QR code (or type the key), enter a code; the recovery codes are shown once."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("profile" if twofactor.is_verified(request) else "two_factor_verify")
    form = CodeForm(request.POST or None)
    refusal: object = ValueError() if request.method == "POST" and not form.is_valid() else None  # no code: 400
    if request.method == "POST" and form.is_valid():
        ok, result = _try_code(form, lambda code: twofactor.enable(request=request, code=code))
        if ok:
            return render(request, "helpdesk/two_factor_codes.html", {"codes": result, "next": _next(request)})
        refusal = result
    device = twofactor.enrolment_device(user=user)
    context = {
        "form": form,
        "qr_svg": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "next": _next(request),
        "required": twofactor.required(user),
    }
    return _refused(render(request, "helpdesk/two_factor_setup.html", context), refusal)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code (used up)."""
    if not twofactor.applies(request.user) or twofactor.is_verified(request):
        return redirect(_next(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("two_factor_setup")  # turned on, but the app was removed (an administrator reset it)
    form = CodeForm(request.POST or None)
    refusal: object = ValueError() if request.method == "POST" and not form.is_valid() else None  # no code: 400
    if request.method == "POST" and form.is_valid():
        ok, result = _try_code(form, lambda code: twofactor.verify(request=request, code=code))
        if ok:
            return redirect(_next(request))
        refusal = result
    response = render(request, "helpdesk/two_factor_verify.html", {"form": form, "next": _next(request)})
    return _refused(response, refusal)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown this once; the old ones stop working."""
    try:
        codes = twofactor.recovery_codes_regenerate(request=request)
    except NotAllowed as exc:
        messages.error(request, str(exc.detail))
        return redirect("profile")
    return render(request, "helpdesk/two_factor_codes.html", {"codes": codes, "next": "/profile/#security"})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    try:
        twofactor.disable(request=request)
    except NotAllowed as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("profile")


@login_required
@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    """Sign out one of your other browsers."""
    session = sessions.session_get_for(user=request.user, session_id=session_id)
    if session.session_key != request.session.session_key:
        sessions.session_end(session=session)
        messages.success(request, _("That session was signed out."))
    return redirect("/profile/#sessions")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = sessions.sessions_end_others(user=request.user, current_key=request.session.session_key)
    messages.success(request, dates.fill(_("Your other sessions were signed out (%(count)s)."), {"count": count}))
    return redirect("/profile/#sessions")


@login_required
@require_POST
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    count = services.api_tokens_revoke_all(user=request.user)
    messages.success(request, dates.fill(_("All your API tokens were revoked (%(count)s)."), {"count": count}))
    return redirect("/profile/#api-tokens")
