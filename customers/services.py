"""Every write to customers: contacts, organizations, contracts."""

from django.db import IntegrityError, transaction

from helpdesk.text import normalize_text

from . import selectors
from .models import Contact, Organization


def phone_digits(phone: str) -> str:
    """Digits only (Persian/Arabic digits folded), so a caller is found however the number was typed."""
    return "".join(ch for ch in normalize_text(phone) if ch.isdigit())


def contact_create(
    *,
    email: str,
    full_name: str = "",
    phone: str = "",
    organization: Organization | None = None,
    language: str = "",
    notes: str = "",
) -> Contact:
    """Create a contact; without an organization, the one claiming the email domain is used."""
    email = email.strip().lower()
    if organization is None:
        organization = selectors.organization_for_email(email=email)
    return Contact.objects.create(
        email=email,
        full_name=full_name.strip(),
        phone=phone.strip(),
        phone_digits=phone_digits(phone),
        organization=organization,
        language=language,
        notes=notes,
    )


def contact_get_or_create(*, email: str, full_name: str = "", phone: str = "") -> tuple[Contact, bool]:
    """The contact with this email (any letter case), created when unknown. Safe under races."""
    email = email.strip().lower()
    existing = Contact.objects.select_related("organization").filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return contact_create(email=email, full_name=full_name, phone=phone), True
    except IntegrityError:
        return Contact.objects.select_related("organization").get(email__iexact=email), False
