"""Single sign-on with one OpenID Connect provider (authorization code flow with PKCE and a nonce),
through mozilla-django-oidc, configured from OIDC_* settings and off while OIDC_RP_CLIENT_ID is empty.

Who gets in: the active user whose email equals the provider's `email` (any letter case), only when
the provider says `email_verified` is true and its userinfo `sub` is the ID token's. Nobody is
created, whatever the provider says, so nobody becomes an agent or administrator through it. The ID
token's audience must be our client id (and its issuer OIDC_OP_ISSUER when set; the library checks
the signature against the provider's keys, the expiry and the nonce). Two-factor still applies after
single sign-on, unless the ID token's `amr` includes "mfa" and HELPDESK_OIDC_TRUST_MFA is on.
"""

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from helpdesk.models import User

from . import twofactor

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or _("single sign-on")


class OIDCBackend(OIDCAuthenticationBackend):
    """Maps a provider's verified email to an existing active user; never creates one."""

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("OIDC: the ID token is for another client.")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("OIDC: the ID token comes from another issuer.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("OIDC: userinfo is about another subject than the ID token.")
        if user_info.get("email_verified") not in (True, "true"):
            logger.info("OIDC: sign-in refused, the provider has not verified the email")
            return None
        users = list(self.filter_users_by_claims(user_info)[:2])
        if len(users) != 1:
            logger.info("OIDC: sign-in refused, no single active user has the provider's email")
            return None
        self.request.oidc_mfa = "mfa" in (payload.get("amr") or [])
        return users[0]

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return User.objects.none()
        return User.objects.with_email(email).filter(is_active=True)

    def create_user(self, claims):
        raise SuspiciousOperation("OIDC never creates users.")


class OIDCStartView(OIDCAuthenticationRequestView):
    """ "Sign in with <provider>": off (404) unless configured."""

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here; a refusal goes back to the sign-in page saying so."""

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except (requests.RequestException, SuspiciousOperation, ValueError, KeyError) as exc:
            logger.warning("OIDC: sign-in failed: %s", exc)
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        if getattr(self.request, "oidc_mfa", False) and settings.HELPDESK_OIDC_TRUST_MFA:
            twofactor.mark_verified(self.request, via=twofactor.VIA_OIDC)
        return response

    def login_failure(self):
        messages.error(
            self.request,
            _("%(provider)s did not sign you in: use an account with a verified email address known here.")
            % {"provider": provider_name()},
        )
        return redirect(settings.LOGIN_URL)
