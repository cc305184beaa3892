"""API authentication: `Authorization: Token <key>` against helpdesk.ApiToken (hashed keys, expiry,
the owner still active), and the browser's session once it passed two-factor sign-in where that applies.

DRF reads this module while `rest_framework.views` is being imported (its default authentication
classes), and helpdesk.exceptions imports `rest_framework.views`: so the helpdesk modules that use
helpdesk.exceptions (services, security.twofactor) are imported when first needed, not at the top.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TwoFactorRequired(exceptions.PermissionDenied):
    default_detail = _("This session has not passed two-factor sign-in yet: enter your code on the website first.")
    default_code = "two_factor_required"


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing (`Token <key>`), our tokens. A revoked, expired or unknown key, or one whose
    owner was deactivated, is a 401 with the same message: the answer says nothing about which."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        from django.utils import timezone

        from . import services

        token = services.api_token_authenticate(key=key, now=timezone.now())
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return (token.user, token)


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (with its CSRF check), refusing a session that must pass two-factor
    sign-in and has not: 403 `two_factor_required`, so a stolen password alone reads nothing."""

    def authenticate(self, request):
        from .security import twofactor

        result = super().authenticate(request)
        if result is not None and twofactor.needs_verification(request._request):
            raise TwoFactorRequired()
        return result
