"""Addresses and domains as the blocklist stores and compares them: lower case, the domain in its
ASCII (punycode) form, so `Info@Bücher.example` and `info@xn--bcher-kva.example` are the same sender."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tickets.models import BlockedSender

_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def domain_ascii(domain: str) -> str:
    """The domain in lower-case ASCII (an internationalised one in punycode); "" when it is not one."""
    domain = domain.strip().strip(".").lower()
    try:
        ascii_form = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return ""
    return ascii_form if _DOMAIN.match(ascii_form) else ""


def domain_unicode(domain: str) -> str:
    """How people read a stored domain: `bücher.example` for `xn--bcher-kva.example`."""
    try:
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return domain


def address_key(address: str) -> str:
    """An address as compared: lower case, its domain in ASCII; "" when it is not an address."""
    local, at, domain = (address or "").strip().strip("<>").rpartition("@")
    domain = domain_ascii(domain)
    if not at or not local or not domain:
        return ""
    return f"{local.lower()}@{domain}"


def domain_and_parents(domain: str) -> list[str]:
    """`a.b.example.org` -> [a.b.example.org, b.example.org, example.org] (a domain entry covers its
    subdomains; a single label such as `org` is never an entry)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def entry_value(*, kind: str, value: str, field: str = "value") -> str:
    """The stored form of a typed address or domain (`@example.org` and `*.example.org` are domains
    too); ValidationError on `field` when it is not one."""
    value = (value or "").strip()
    if kind == BlockedSender.Kind.DOMAIN:
        domain = domain_ascii(value.removeprefix("*.").removeprefix("@"))
        if not domain:
            raise ValidationError(
                {field: ValidationError(_("Enter a domain such as example.com."), code="invalid_domain")}
            )
        return domain
    key = address_key(value)
    try:
        validate_email(key)
    except ValidationError:
        key = ""
    if not key:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Enter an email address; to block a whole domain, choose Domain."), code="invalid_address"
                )
            }
        )
    return key
