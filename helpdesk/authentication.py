"""API token authentication: `Authorization: Token <key>` against helpdesk.ApiToken (hashed keys,
expiry, the owner still active)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import services


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing (`Token <key>`), our tokens. A revoked, expired or unknown key, or one whose
    owner was deactivated, is a 401 with the same message: the answer says nothing about which."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = services.api_token_authenticate(key=key, now=timezone.now())
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return (token.user, token)
