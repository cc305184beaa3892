"""Secrets kept in the database (mailbox passwords), encrypted at rest with Fernet.

Keys come from HELPDESK_ENCRYPTION_KEYS (comma-separated passphrases: the first encrypts, every one
decrypts), or, when that is unset, from DJANGO_SECRET_KEY and its fallbacks. Each passphrase is
stretched into a Fernet key with HKDF. To rotate: put the new passphrase first, keep the old one
after it, run `manage.py reencrypt_secrets`, then drop the old one.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

PREFIX = "fernet$"


class SecretUnavailable(Exception):
    """A stored secret that none of the configured keys opens (keys changed, or the value was edited)."""

    def __init__(self) -> None:
        super().__init__(
            _("The stored secret cannot be decrypted with this server's keys; enter it again."),
        )


def _fernet(passphrase: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"helpdesk.crypto").derive(passphrase.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    passphrases = list(settings.HELPDESK_ENCRYPTION_KEYS) or [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_fernet(passphrase) for passphrase in passphrases])


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(plain: str) -> str:
    """The value to store; an empty secret stays empty (nothing set)."""
    if not plain:
        return ""
    return PREFIX + _keys().encrypt(plain.encode()).decode("ascii")


def _token(stored: str) -> bytes:
    if not is_encrypted(stored):
        raise SecretUnavailable
    return stored[len(PREFIX) :].encode("ascii")


def decrypt(stored: str) -> str:
    """The secret behind a stored value; SecretUnavailable when no key opens it."""
    if not stored:
        return ""
    try:
        return _keys().decrypt(_token(stored)).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnavailable from exc


def reencrypt(stored: str) -> str:
    """The same secret under the first key (after a rotation); empty stays empty."""
    if not stored:
        return ""
    try:
        return PREFIX + _keys().rotate(_token(stored)).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnavailable from exc
