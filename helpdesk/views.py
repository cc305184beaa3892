"""Core pages: health, the role-based start page, language and profile preferences."""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import DisallowedHost, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import dates, health, selectors, services
from .exceptions import NotAllowed
from .forms import ApiTokenCreateForm, PasswordChangeForm, SignInForm, add_service_errors
from .models import WorkerHeartbeat
from .outbox.alerts import outbox_health
from .paging import Page, page_number, peek_page
from .security import oidc, sessions, twofactor
from .time_zones import TimeZoneField
from .uploads import UploadTooLarge

PROFILE_PAGE = 20  # API tokens and signed-in sessions a page on the profile

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, else 503 naming what failed; `degraded` names the
    parts the site works on without (the cache; the workers, once their heartbeat stopped), `status`
    is then "degraded". Within a few seconds whatever hangs (each check has HELPDESK_HEALTH_TIMEOUT,
    see helpdesk.health)."""
    checks, degraded = health.run_checks()
    healthy = all(value == "ok" for value in checks.values())
    body: dict = {"checks": checks, "degraded": degraded}
    if checks["database"] == "ok":
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        body["worker_last_seen"] = last.isoformat() if last else None
        if last is not None and timezone.now() - last > health.WORKER_STALE:
            degraded["worker"] = "stale"  # no worker, or no scheduler, has run the beat's heartbeat since
        # the outbox (issue #20): rows that used every attempt, and rows late to be sent; shown, not fatal
        body["outbox"] = outbox_health()
    body["status"] = ("degraded" if degraded else "ok") if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)


class SignInView(LoginView):
    """The login page (Django's: safe `next`, CSRF, no caching); a refused try is a 429 saying how long."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if oidc.enabled():
            context["oidc_provider"] = oidc.provider_name()
        return context

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response


def home(request: HttpRequest) -> HttpResponse:
    """Send each person where they work: agents to the workspace, customers to the portal."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.user.is_agent:
        return redirect("agent:home")
    return redirect("portal:home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembered in the profile for signed-in users, in a cookie for all."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_preferences(user=request.user, language=language)
    return django_set_language(request)


class PreferencesForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("As my browser"))] + list(settings.LANGUAGES), required=False
    )
    time_zone = TimeZoneField(label=_("Time zone"), required=False, blank=_("As my browser"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].help_text = _(
            "Without a choice, times show in your browser's time zone, or in the site's (%(zone)s) until it is known."
        ) % {"zone": dates.time_zone_label(settings.TIME_ZONE, translation.get_language() or "en")}


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.user_set_preferences(
                    user=user, language=form.cleaned_data["language"], time_zone=form.cleaned_data["time_zone"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                services.user_rename(user=user, full_name=form.cleaned_data["full_name"])
                # Said in the language just chosen, the one of the page it shows on (not this request's).
                chosen = user.language or translation.get_language_from_request(request)
                with translation.override(chosen):
                    messages.success(request, str(_("Your preferences were saved.")))
                response = redirect("profile")
                if user.language:
                    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
                return response
    else:
        form = PreferencesForm(
            initial={"full_name": user.full_name, "language": user.language, "time_zone": user.time_zone}
        )
    return _profile_page(request, form=form)


def _profile_list_page(rows, raw_number: str | None) -> Page:
    """A page of one of the profile's lists; a page past the end (a token revoked meanwhile) is the first."""
    page = peek_page(rows, number=page_number(raw_number), size=PROFILE_PAGE)
    return page if page.rows or page.number == 1 else peek_page(rows, number=1, size=PROFILE_PAGE)


def _profile_page(request: HttpRequest, *, status: int = 200, **context) -> HttpResponse:
    """The profile page: preferences, password, and the person's own API tokens."""
    user = request.user
    context.setdefault(
        "form",
        PreferencesForm(initial={"full_name": user.full_name, "language": user.language, "time_zone": user.time_zone}),
    )
    context.setdefault("password_form", PasswordChangeForm(user=user))
    context.setdefault("token_form", ApiTokenCreateForm())
    # Paged (a script that signs in for a token on each run makes one each time), each list by its own
    # parameter, so paging one keeps the other's page.
    context["tokens"] = _profile_list_page(selectors.api_token_list_for(user=user), request.GET.get("tokens_page"))
    context["sessions"] = _profile_list_page(sessions.session_list_for(user=user), request.GET.get("sessions_page"))
    context["current_session_key"] = request.session.session_key
    context["two_factor"] = {
        "on": user.two_factor_enabled,
        "required": twofactor.required(user),
        "verified": twofactor.is_verified(request),
        "codes_left": twofactor.recovery_codes_left(user=user) if user.two_factor_enabled else 0,
    }
    return render(request, "helpdesk/profile.html", context, status=status)


@login_required
@require_POST
def profile_password(request: HttpRequest) -> HttpResponse:
    """Change one's own password (the current one first); this session stays, API tokens are revoked."""
    form = PasswordChangeForm(user=request.user, data=request.POST)
    if not form.is_valid():
        return _profile_page(request, password_form=form, status=400)
    user = form.save()
    update_session_auth_hash(request, user)
    messages.success(request, _("Your password was changed. Your API tokens were revoked."))
    return redirect("profile")


@login_required
@require_POST
def profile_token_create(request: HttpRequest) -> HttpResponse:
    """Make an API token; the page shows its key this once (it is not stored)."""
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], verified=twofactor.is_verified(request)
            )
        except (ValidationError, NotAllowed) as exc:
            add_service_errors(form, exc)
        else:
            return _profile_page(request, new_token=token, new_key=key)
    return _profile_page(request, token_form=form, status=400)


@login_required
@require_POST
def profile_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_get_for(user=request.user, token_id=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, _("The API token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("profile")


def api_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404 as JSON under /api/, as a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": str(_("Not found."))}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "detail": str(_("Something went wrong on our side."))}, status=500)
    return render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400 (a malformed request) or 413 (uploads over the limits), as JSON under /api/, as a page elsewhere."""
    if isinstance(exception, UploadTooLarge):
        status, code, detail = 413, exception.code, str(exception)
    else:
        status, code, detail = 400, "bad_request", str(_("The request could not be understood."))
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    # "Go back" returns to the form (the browser's back keeps what was typed, static/js/app.js); without
    # history, to the page that sent it when it is one of ours.
    back = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the request refused may be the one whose host is not ours
        host = ""
    if not host or not url_has_allowed_host_and_scheme(back, allowed_hosts={host}, require_https=request.is_secure()):
        back = reverse("home")
    context = {"detail": detail, "status": status, "back_url": back}
    return render(request, "400.html", context, status=status)


@login_required
@require_POST
def profile_availability(request: HttpRequest) -> HttpResponse:
    """An agent's toggle in the top bar: away (no new tickets from automatic assignment) or available."""
    if not request.user.is_agent:
        raise Http404
    away = request.POST.get("away") == "1"
    services.user_set_away(user=request.user, away=away)
    messages.success(
        request, _("You are away: no new tickets are assigned to you.") if away else _("You are available.")
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("agent:home")
    return redirect(target)
