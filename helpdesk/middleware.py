import zoneinfo

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _


class UserPreferencesMiddleware:
    """Activate the signed-in user's language and time zone, chosen in their profile.

    Anonymous visitors keep what LocaleMiddleware picked (cookie, then the browser).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if user.time_zone:
                try:
                    timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
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
