"""Helpers for the sign-in tests: TOTP codes computed here (RFC 6238, not by django-otp), a device
ready for a user, and signing in through the real login page."""

import hashlib
import hmac
import struct
import time

from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.models import User

PASSWORD = "secret-pass-1"


def totp(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows for this key at `at` (now by default)."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}d}"


def away_from_a_step_edge(*, step: int = 30, margin: float = 4.0) -> None:
    """Wait for the next time step when this one ends within `margin` seconds. A code computed just before
    a step ends reaches the server in the next one: accepted one step late, it makes django-otp record a
    drift of -1, and the following step's code is then two ahead and refused (a flake in browser tests)."""
    left = step - time.time() % step
    if left < margin:
        time.sleep(left + 0.05)


def give_two_factor(user: User, *, recovery: tuple[str, ...] = ("recover01", "recover02")) -> TOTPDevice:
    """Two-factor on for `user`: a confirmed app and these recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in recovery:
        StaticToken.objects.create(device=static, token=code)
    User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
    user.two_factor_enabled = True
    return device


def sign_in(user: User, *, client: Client | None = None, **headers) -> Client:
    """A browser that signed in with the password on the login page (no second factor yet)."""
    client = client or Client(**headers)
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client
