"""Privacy requests on the customers' side: a contact's record anonymised, and the audit record.

The tickets' side (messages, attachments, mail, ratings) is erased by tickets.privacy, which calls
`contact_anonymise` last, inside its transaction.
"""

from datetime import datetime

from customers.models import Contact, PrivacyAction
from helpdesk import services as helpdesk_services
from helpdesk.audit.services import history_forget
from helpdesk.models import User

ERASED_DOMAIN = "erased.invalid"  # a reserved top-level domain: never a real mailbox


def erased_contact_email(contact_id: int) -> str:
    """The placeholder address an erased contact keeps (unique; nobody receives it): erased contacts,
    with or without an address before, all have one, which marks them."""
    return f"erased-contact-{contact_id}@{ERASED_DOMAIN}"


def contact_anonymise(*, contact: Contact, now: datetime) -> Contact:
    """Remove a contact's personal data, keeping the row (their tickets' requester) and organization;
    their login, if any, is anonymised and deactivated."""
    contact.full_name = ""
    contact.email = erased_contact_email(contact.pk)
    contact.phone = ""
    contact.phone_digits = ""
    contact.notes = ""
    contact.time_zone = ""
    contact.erased_at = now
    user = contact.user
    personal = ["full_name", "email", "phone", "phone_digits", "notes", "time_zone"]
    contact.save(update_fields=[*personal, "erased_at"])
    history_forget(instance=contact, fields=personal)  # the earlier history rows held them too
    if user is not None:
        helpdesk_services.user_anonymise(user=user)
    return contact


def privacy_action_record(
    *, kind: str, contact: Contact, actor: User | None, summary: dict | None = None
) -> PrivacyAction:
    """Write the audit record of an export or an erasure (`summary` holds counts, never personal data)."""
    return PrivacyAction.objects.create(
        kind=kind,
        contact=contact,
        contact_ref=contact.pk,
        actor=actor if actor is not None and actor.is_authenticated else None,
        summary=summary or {},
    )
