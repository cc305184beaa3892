"""Header values every outbound mail needs: one line each, and our own Message-IDs."""

import re
from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation

from helpdesk.names import site_name

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def header_safe(value: str) -> str:
    """One line: CR, LF and other control characters collapsed to a space (no header injection)."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


# The sender's name DEFAULT_FROM_EMAIL carries out of the box ("Helpdesk <support@localhost>"): the
# product's own name, so it is written in each reader's language like the product's name on its pages.
PRODUCT_SENDER_NAME = "Helpdesk"


def sender_address(address: str, *, language: str) -> str:
    """`address` ("Name <box@host>") as a reader of `language` sees it, encoded for a header (RFC 2047).

    Without a name, or with the product's default name, it carries the product's name in their
    language (helpdesk.names.site_name: HELPDESK_SITE_NAME(_FA), else «میز خدمت» in Persian); a name
    the operator gave (in DEFAULT_FROM_EMAIL, a team mailbox's name) stays as given.
    """
    name, mailbox = parseaddr(address)
    if not mailbox:
        return header_safe(address)
    if name.strip() in ("", PRODUCT_SENDER_NAME):
        with translation.override(language):
            name = site_name()
    return formataddr((header_safe(name), mailbox))


def site_domain() -> str:
    host = urlsplit(settings.SITE_URL).hostname or ""
    if not host:
        host = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return host or "localhost"


def new_message_id() -> str:
    """A fresh Message-ID on the site's domain, stored without angle brackets."""
    return make_msgid(domain=site_domain()).strip("<>")
