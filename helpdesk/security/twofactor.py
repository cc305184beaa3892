"""Two-factor sign-in: the rules and every write (devices, recovery codes, the verified session).

Who: anyone may turn it on in their profile (`User.two_factor_enabled`); with the setting
HELPDESK_REQUIRE_2FA_FOR_STAFF every agent and administrator must. For such a user a session signed
in with a password (or single sign-on without the provider's "mfa") is not yet verified: the pages
(helpdesk.security.middleware) and the session API (helpdesk.authentication) refuse it until a code
from the authenticator app (django-otp's TOTP device) or a recovery code (its static device, each
code once) is entered. Wrong codes count per user: after HELPDESK_2FA_FAILURES in a sign-in window
(HELPDESK_SIGNIN_WINDOW_SECONDS) the user waits for the window's end; django-otp adds its own
doubling wait per device. While the cache is unreachable only django-otp's wait holds.
"""

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk import ratelimit
from helpdesk.audit.services import history_record_rows
from helpdesk.exceptions import NotAllowed, TooManyAttempts
from helpdesk.models import User

SESSION_KEY = "helpdesk_2fa"  # {"user": pk, "via": "totp" | "recovery" | "oidc"} once verified
VIA_OIDC = "oidc"
RECOVERY_CODES = 10  # made at a time; each works once


class WrongCode(ValueError):
    """The code entered matched no device of the user (counted)."""


def required(user: Any) -> bool:
    """Whether the site makes this user use two-factor sign-in (agents and administrators, by setting)."""
    return bool(settings.HELPDESK_REQUIRE_2FA_FOR_STAFF and user.is_authenticated and user.is_agent)


def applies(user: Any) -> bool:
    """Whether this user's sessions must be verified with a second factor (no query)."""
    return bool(user.is_authenticated and (user.two_factor_enabled or required(user)))


def is_verified(request: HttpRequest) -> bool:
    """Whether this session entered a second factor for the user signed in to it."""
    state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return bool(state) and state.get("user") == request.user.pk


def needs_verification(request: HttpRequest) -> bool:
    return applies(request.user) and not is_verified(request)


def mark_verified(request: HttpRequest, *, via: str) -> None:
    """Record that this session passed the second factor; a new session key, as at sign-in."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"user": request.user.pk, "via": via}


def _refuse(wait: float) -> TooManyAttempts:
    seconds = ratelimit.retry_seconds(wait)
    detail = _("Too many wrong codes. Please try again in %(wait)s.") % {"wait": ratelimit.wait_text(seconds)}
    return TooManyAttempts(detail, retry_after=seconds)


def _normalize(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _check(*, user: User, devices: list, code: str) -> Any:
    """The device among `devices` that accepts `code`, under the per-user limit; raises WrongCode
    (counted) or TooManyAttempts."""
    now = ratelimit.clock()
    window = settings.HELPDESK_SIGNIN_WINDOW_SECONDS
    key = ratelimit.cache_key("2fa", "user", str(user.pk))
    until = cache.get(f"{key}:lock", 0)
    if until > now:
        raise _refuse(until - now)
    code = _normalize(code)
    if code:
        for device in devices:
            if device.verify_token(code):
                return device
    failures, left = ratelimit.window_count(key, window=window, now=now)
    if failures >= settings.HELPDESK_2FA_FAILURES:
        cache.set(f"{key}:lock", now + left, timeout=int(left) + 60)
    raise WrongCode(_("That code is not right. Enter the current code from your app, or a recovery code."))


def verify(*, request: HttpRequest, code: str) -> None:
    """Check a code (the app's or a recovery code, used up) for the signed-in user and mark the
    session verified. Raises WrongCode or TooManyAttempts."""
    user = request.user
    devices = sorted(devices_for_user(user, confirmed=True), key=lambda d: isinstance(d, StaticDevice))
    device = _check(user=user, devices=devices, code=code)
    mark_verified(request, via="recovery" if isinstance(device, StaticDevice) else "totp")


def verify_user_code(*, user: User, code: str) -> None:
    """Check a code without a session (the API's token login). Raises WrongCode or TooManyAttempts."""
    devices = sorted(devices_for_user(user, confirmed=True), key=lambda d: isinstance(d, StaticDevice))
    _check(user=user, devices=devices, code=code)


def enrolment_device(*, user: User) -> TOTPDevice:
    """The authenticator device being set up (unconfirmed), made on first use; its key stays until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (made here, nothing fetched)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title=_("QR code"))


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enable(*, request: HttpRequest, code: str) -> list[str]:
    """Confirm the device being set up with a code from the app: two-factor is on, this session is
    verified, and new recovery codes are returned (shown once). Raises WrongCode or TooManyAttempts."""
    user = request.user
    device = _check(user=user, devices=[enrolment_device(user=user)], code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user=user)
        User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
        history_record_rows(model=User, pks=[user.pk])
        user.two_factor_enabled = True
    mark_verified(request, via="totp")
    return codes


def _new_recovery_codes(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_regenerate(*, request: HttpRequest) -> list[str]:
    """New recovery codes for a verified session's user; the old ones stop working."""
    if not (request.user.two_factor_enabled and is_verified(request)):
        raise NotAllowed(_("Enter a code from your authenticator app first."))
    with transaction.atomic():
        return _new_recovery_codes(user=request.user)


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def disable(*, request: HttpRequest) -> None:
    """Turn two-factor off (a verified session only, and not when the site requires it for this user)."""
    user = request.user
    if required(user):
        raise NotAllowed(_("Two-factor sign-in is required for your account."))
    if not is_verified(request):
        raise NotAllowed(_("Enter a code from your authenticator app first."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(two_factor_enabled=False)
        history_record_rows(model=User, pks=[user.pk])
        user.two_factor_enabled = False
    request.session.pop(SESSION_KEY, None)
