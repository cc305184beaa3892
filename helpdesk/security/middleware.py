"""Two middlewares after authentication: the second factor before any page, and the sessions list."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from . import sessions, twofactor

# Pages a signed-in but not yet verified session may open: the second factor itself, signing out,
# the language switcher, and what carries no one's data.
OPEN_PAGES = {
    "login",
    "logout",
    "set_language",
    "healthz",
    "two_factor_setup",
    "two_factor_verify",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}
OPEN_PREFIXES = ("/api/",)  # the API refuses an unverified session itself (helpdesk.authentication)


class TwoFactorMiddleware:
    """A session that must pass a second factor and has not is sent to enter a code (or to set up
    the app first) from every page but OPEN_PAGES, then back where it was going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if twofactor.needs_verification(request) and not self._open(request):
            page = "two_factor_verify" if request.user.two_factor_enabled else "two_factor_setup"
            response = redirect(page)
            if request.method == "GET":
                response["Location"] += "?" + urlencode({"next": request.get_full_path()})
            return response
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        path = request.path_info
        if path.startswith(OPEN_PREFIXES) or path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(path).url_name in OPEN_PAGES
        except Resolver404:
            return True  # a 404 shows nothing


class SessionActivityMiddleware:
    """Keeps the signed-in session's row (browser, address, last seen) current, at most every few minutes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sessions.session_touch(request=request)
        return response
