import secrets
import zoneinfo
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _

from helpdesk.time_zones import known_time_zones

# The cookie static/js/app.js writes with the browser's time zone (a page script's value: never trusted
# beyond being one of the known zones).
BROWSER_TIME_ZONE_COOKIE = "hd_tz"


def browser_time_zone(request) -> str:
    """The time zone the browser reported (BROWSER_TIME_ZONE_COOKIE) if it is a known zone, else ""."""
    zone = request.COOKIES.get(BROWSER_TIME_ZONE_COOKIE, "")
    return zone if zone in known_time_zones() else ""


class UserPreferencesMiddleware:
    """Activate the signed-in user's language and time zone, chosen in their profile.

    Anonymous visitors keep what LocaleMiddleware picked (cookie, then the browser). Whoever has not
    chosen a time zone (anonymous visitors too) sees times in their browser's, when the page's script
    has reported it (browser_time_zone), else in the site's (settings.TIME_ZONE).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = ""
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            zone = user.time_zone
        zone = zone or browser_time_zone(request)
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        timezone.deactivate()
        return response


class RejectNulMiddleware:
    """A NUL character in the path, a query parameter or a posted form field is a 400 naming it.

    PostgreSQL refuses NUL in text, so such a value would otherwise reach a query and fail there (a
    500). One guard here covers every page and API operation. Multipart and JSON bodies are left to
    the form and serializer fields, which refuse NUL themselves (and must set up upload handlers first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = self._bad_parameter(request)
        if bad is not None:
            return self._refuse(request, bad)
        return self.get_response(request)

    @staticmethod
    def _bad_parameter(request) -> str | None:
        if "\x00" in request.path:
            return "path"
        sources = [request.GET]
        if request.content_type == "application/x-www-form-urlencoded" and request.method == "POST":
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "\\x00")
        return None

    @staticmethod
    def _refuse(request, name: str) -> HttpResponse:
        message = _("Null characters are not allowed.")
        if request.path.startswith("/api/"):
            body = {"code": "invalid", "detail": f"{name}: {message}", "errors": {name: [message]}}
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(
            format_html("<!doctype html><title>{}</title><p>{}: {}</p>", _("Bad request"), name, message)
        )


# The policy of every HTML page. Scripts only from our origin or with this request's nonce (no
# 'unsafe-inline', no eval); styles only from our stylesheets: the templates have no style attributes
# and stored message HTML is sanitized without them, so 'unsafe-inline' for styles is not needed
# either. Images may come from https (pictures in customers' mails and in articles).
PAGE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce-{nonce}'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Everything else (JSON, files, feeds): nothing may run or be framed.
OTHER_POLICY = {"default-src": ["'none'"], "frame-ancestors": ["'none'"], "base-uri": ["'none'"]}
# Powerful browser features the helpdesk never uses, switched off for its pages and anything embedded.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=()"
)


def csp_allow(**directives: list[str]):
    """View decorator: add sources to the page policy for this view only (`style_src=["'nonce-{nonce}'"]`)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.csp_allow = {name.replace("_", "-"): sources for name, sources in directives.items()}
            return response

        return wrapper

    return decorator


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a per-request nonce (`request.csp_nonce`, for templates),
    Permissions-Policy on every answer, and `Cache-Control: no-store` on answers to signed-in requests.

    A view that sets its own Content-Security-Policy (attachments: `sandbox`) or Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self._policy(request, response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response and self._signed_in(request, response):
            # Anything answered to a signed-in person may be personal: never kept by a browser or proxy.
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _policy(request, response) -> str:
        if not response.get("Content-Type", "").startswith("text/html"):
            policy = OTHER_POLICY
        else:
            policy = dict(PAGE_POLICY)
            for name, sources in getattr(response, "csp_allow", {}).items():
                policy[name] = [*policy.get(name, []), *sources]
            policy = {name: [s.format(nonce=request.csp_nonce) for s in sources] for name, sources in policy.items()}
        return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())

    @staticmethod
    def _signed_in(request, response) -> bool:
        """Credentials came with the request (a session cookie or an Authorization header) or the
        answer signs someone in (it sets the session cookie)."""
        session_cookie = settings.SESSION_COOKIE_NAME
        return (
            session_cookie in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or session_cookie in response.cookies
        )
