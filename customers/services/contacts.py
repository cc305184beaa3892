"""Contacts: create, update, find or create (by address, else by phone number), language guess, delete."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customers import rules, selectors
from customers.models import (
    Contact,
    Organization,
)
from customers.services.common import _apply, _delete, _raise_if, phone_digits
from customers.services.organizations import organization_create
from customers.signals import search_names_changed
from helpdesk.services import user_rename
from helpdesk.text import clean_line, detect_language

CONTACT_FIELDS = ("email", "full_name", "phone", "organization", "language", "time_zone", "notes")


def contact_errors(contact: Contact) -> dict[str, str]:
    """What is wrong with an unsaved contact (the admin form shows the same messages).

    A contact needs an email address or a phone number (with digits), or both; the address is
    unique in any letter case when there is one.
    """
    errors: dict[str, str] = {}
    if not contact.email:
        if not phone_digits(contact.phone or ""):
            errors["email"] = _("Give an email address or a phone number.")
    else:
        try:
            validate_email(contact.email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
        else:
            if Contact.objects.with_email(contact.email).exclude(pk=contact.pk).exists():
                errors["email"] = _("A contact with this email address already exists.")
    if contact.language and contact.language not in dict(settings.LANGUAGES):
        errors["language"] = _("Unknown language.")
    if contact.time_zone and (message := rules.time_zone_error(contact.time_zone)):
        errors["time_zone"] = message
    return errors


def email_clean(email: str | None) -> str | None:
    """An address as stored: trimmed, lower case; None when there is none (never "")."""
    return (email or "").strip().lower() or None


def _contact_save(contact: Contact) -> Contact:
    contact.email = email_clean(contact.email)
    contact.full_name = clean_line(contact.full_name)
    contact.phone = (contact.phone or "").strip()
    contact.phone_digits = phone_digits(contact.phone)
    _raise_if(contact_errors(contact))
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:  # a concurrent request took the address between check and insert
        raise ValidationError({"email": [_("A contact with this email address already exists.")]}) from exc
    return contact


def contact_create(
    *,
    email: str | None = None,
    full_name: str = "",
    phone: str = "",
    organization: Organization | None = None,
    language: str = "",
    notes: str = "",
    time_zone: str = "",
) -> Contact:
    """Create a contact; without an organization, the one claiming the email domain is used.

    It needs an email address or a phone number; the email is unique in any letter case
    (ValidationError on `email` otherwise).
    """
    email = email_clean(email)
    if organization is None and email:
        organization = selectors.organization_for_email(email=email)
    contact = Contact(
        email=email,
        full_name=full_name,
        phone=phone,
        organization=organization,
        language=language,
        time_zone=time_zone,
        notes=notes,
    )
    return _contact_save(contact)


def contact_update(*, contact: Contact, data: Mapping[str, Any]) -> Contact:
    """Change the given fields of a contact (keys of CONTACT_FIELDS); phone digits follow the phone.
    A new name or address is searched in the contact's tickets too (customers.signals.search_names_changed).
    A contact with a portal login who is given a new name (by an agent, the admin or the API) goes by it
    on the portal too (helpdesk.services.user_rename); a name cleared leaves the login's as it was."""
    before = (contact.full_name, contact.email)
    with transaction.atomic():
        _apply(contact, data, CONTACT_FIELDS)
        contact = _contact_save(contact)
        if contact.user is not None and contact.full_name and contact.full_name != before[0]:
            user_rename(user=contact.user, full_name=contact.full_name)
    if (contact.full_name, contact.email) != before:
        search_names_changed.send(sender=Contact, contact_ids=[contact.pk], organization_ids=[])
    return contact


def contact_login_renamed(sender, *, user, **kwargs) -> None:
    """helpdesk.signals.user_renamed: a customer who renamed their login (the profile page) is renamed
    as a contact too, through contact_update, so their tickets are searched under the new name."""
    contact = Contact.objects.filter(user=user).first()
    if contact is not None and contact.full_name != user.full_name:
        contact_update(contact=contact, data={"full_name": user.full_name})


def contact_get_or_create(
    *, email: str | None, full_name: str = "", phone: str = "", organization_name: str = "", language: str = ""
) -> tuple[Contact, bool]:
    """The contact with this email (any letter case), created when unknown. Safe under races.

    Without an email, a caller known by phone: the contact with this number however it was written
    (Persian digits, spaces, a country code: selectors.contact_with_number), of this name (any letter
    case) when a name is given, else a new contact without an address: people may share a number (a
    household, an office), but a number several contacts (of that name) share names nobody and is refused
    (ValidationError on `phone`, code `phone_shared`, naming their ids). A number of fewer than
    rules.PHONE_MIN_DIGITS digits is refused (ValidationError on `phone`), and no number at all too (on
    `email`). A new contact joins `organization_name` (found by name in any letter case, else created),
    or else the organization claiming the email's domain; `language` is a new contact's (empty: not
    chosen, see contact_language_guess).
    """
    email = email_clean(email)
    if email:
        existing = Contact.objects.select_related("organization").with_email(email).first()
    else:
        digits = phone_digits(phone)
        if phone.strip() and (message := rules.phone_number_error(digits)):
            raise ValidationError({"phone": ValidationError(message, code="phone_too_short")})
        existing = selectors.contact_with_number(digits=digits, full_name=full_name)
    if existing is not None:
        return existing, False
    organization = None
    if organization_name.strip():
        organization = Organization.objects.filter(name__iexact=organization_name.strip()).first()
        if organization is None:
            organization = organization_create(name=organization_name.strip())
    try:
        contact = contact_create(
            email=email, full_name=full_name, phone=phone, organization=organization, language=language
        )
        return contact, True
    except ValidationError:
        existing = Contact.objects.select_related("organization").with_email(email).first()
        if existing is None:
            raise
        return existing, False


def contact_language_guess(*, contact: Contact, text: str, theirs: bool = True) -> Contact:
    """Give a contact who has no language yet the one their writing shows (fa for Persian script,
    else en), so a customer first known from a Persian email is answered in Persian.

    `theirs=False`: someone else wrote the text (an agent opening a ticket or logging a call for
    them); then only Persian script decides, as an agent may write English to a customer who reads
    Persian best, and the customer's own first mail should still be able to choose.
    A choice is never replaced: not the contact's language (set by an agent, or followed from their
    login), nor their login's. Conditional UPDATE: two mails at once cannot both set it.
    """
    user = contact.user if contact.user_id else None
    if contact.language or (user is not None and user.language):
        return contact
    language = detect_language(text)
    if not theirs and language != "fa":
        return contact
    if Contact.objects.filter(pk=contact.pk, language="").update(language=language):
        contact.language = language
    return contact


def contact_delete(*, contact: Contact) -> None:
    """Delete a contact nobody refers to; one with tickets or contracts raises InUse."""
    _delete(contact, owned=set())
