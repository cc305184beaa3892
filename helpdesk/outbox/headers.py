"""Header values every outbound mail needs: one line each, and our own Message-IDs."""

import re
from email.utils import make_msgid, parseaddr
from urllib.parse import urlsplit

from django.conf import settings

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def header_safe(value: str) -> str:
    """One line: CR, LF and other control characters collapsed to a space (no header injection)."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


def site_domain() -> str:
    host = urlsplit(settings.SITE_URL).hostname or ""
    if not host:
        host = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return host or "localhost"


def new_message_id() -> str:
    """A fresh Message-ID on the site's domain, stored without angle brackets."""
    return make_msgid(domain=site_domain()).strip("<>")
