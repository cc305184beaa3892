"""Privacy requests on the customers' side: a contact's record anonymised, the audit record, and a
customer's own erasure request (asked on the portal, decided by an administrator), with its mails.

The tickets' side (messages, attachments, mail, ratings) is erased by tickets.privacy, which calls
`erasure_request_close` and then `contact_anonymise` last, inside its transaction.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, ErasureRequest, PrivacyAction
from helpdesk import services as helpdesk_services
from helpdesk.audit.services import history_forget
from helpdesk.exceptions import Conflict, NotAllowed
from helpdesk.mail import recipient_locale
from helpdesk.models import NotificationLog, User
from helpdesk.outbox.queue import notification_queue
from helpdesk.outbox.registry import MailPlan
from helpdesk.permissions import is_agent, require_admin

ERASED_DOMAIN = "erased.invalid"  # a reserved top-level domain: never a real mailbox
# The mails of an erasure request (emails/<template>.*), written by `erasure_mail` when sent.
ERASURE_RECEIVED, ERASURE_DECLINED, ERASURE_DONE = "erasure_received", "erasure_declined", "erasure_done"
ERASURE_TEMPLATES = frozenset({ERASURE_RECEIVED, ERASURE_DECLINED, ERASURE_DONE})


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


def is_own_contact(*, user, contact: Contact) -> bool:
    """The customer signed in is this contact (their own login; never staff, never anyone else)."""
    return bool(user is not None and user.is_authenticated and not is_agent(user) and contact.user_id == user.pk)


def erasure_request_create(*, contact: Contact, actor: User, confirm: str) -> ErasureRequest:
    """A customer asks to have their own data erased; nothing is erased yet. Only the contact's own
    login (NotAllowed), `confirm` must be their email address (ValidationError on `confirm`), one pending
    request at a time and none once erased (Conflict). Mails them that it was received."""
    if not is_own_contact(user=actor, contact=contact):
        raise NotAllowed(_("Only the customer themself may ask for their data to be erased."))
    address = _address(contact)
    if (confirm or "").strip().lower() != (address or "").lower():
        raise ValidationError({"confirm": [_("Type your email address exactly to confirm.")]})
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.erased_at is not None:
            raise Conflict(_("This contact's data has already been erased."), code="already_erased")
        try:
            with transaction.atomic():
                request = ErasureRequest.objects.create(contact=contact, requested_by=actor)
        except IntegrityError:
            raise Conflict(
                _("You have already asked for your data to be erased; we are looking at it."), code="erasure_pending"
            ) from None
        _mail(request, ERASURE_RECEIVED, to=address, locale=recipient_locale(user=actor, contact=contact))
    return request


def erasure_request_decline(*, erasure_request: ErasureRequest, actor: User, reason: str) -> ErasureRequest:
    """Decline a pending erasure request with a reason, which is mailed to the customer in their language;
    administrators only (NotAllowed), a reason is required (ValidationError on `reason`), a request
    decided already is a Conflict (claimed with a conditional UPDATE: two clicks decide once)."""
    require_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the request is declined: the customer receives it.")]})
    with transaction.atomic():
        claimed = ErasureRequest.objects.filter(pk=erasure_request.pk, state=ErasureRequest.State.PENDING).update(
            state=ErasureRequest.State.DECLINED, decided_by=actor, decided_at=timezone.now(), reason=reason
        )
        if not claimed:
            raise Conflict(_("This request has been decided already."), code="already_decided")
        request = ErasureRequest.objects.select_related("contact__user").get(pk=erasure_request.pk)
        contact = request.contact
        _mail(request, ERASURE_DECLINED, to=_address(contact), locale=recipient_locale(contact=contact))
    return request


def erasure_request_withdraw(*, erasure_request: ErasureRequest, actor: User) -> ErasureRequest:
    """The customer takes back her pending erasure request: only the contact's own login (NotAllowed);
    a request decided meanwhile is a Conflict (the same conditional UPDATE as a decision). No mail: she
    did it herself, and the portal says so."""
    if not is_own_contact(user=actor, contact=erasure_request.contact):
        raise NotAllowed(_("Only the customer themself may withdraw their request."))
    claimed = ErasureRequest.objects.filter(pk=erasure_request.pk, state=ErasureRequest.State.PENDING).update(
        state=ErasureRequest.State.WITHDRAWN, decided_by=actor, decided_at=timezone.now()
    )
    if not claimed:
        raise Conflict(_("This request has been decided already."), code="already_decided")
    return ErasureRequest.objects.get(pk=erasure_request.pk)


def erasure_request_close(
    *, contact: Contact, actor: User, now: datetime, asked_elsewhere: bool = False
) -> ErasureRequest | None:
    """The contact's pending erasure request, marked carried out, and the mail that says so queued to the
    address they have now. Called by the erasure inside its transaction, after their other mail was
    scrubbed and before `contact_anonymise` removes the address; None when they had not asked.

    `asked_elsewhere`: they asked by mail, phone or letter, not on the portal. The administrator's
    erasure records that request as asked by them on the customer's behalf, carried out at once, and the
    same "done" mail goes out (erasure_tell_check says whether there is an address to tell)."""
    request = ErasureRequest.objects.filter(contact=contact, state=ErasureRequest.State.PENDING).first()
    if request is None and not asked_elsewhere:
        return None
    on_portal = request is not None
    if request is None:
        request = ErasureRequest(contact=contact, requested_by=actor, created_at=now)
    request.state, request.decided_by, request.decided_at = ErasureRequest.State.DONE, actor, now
    request.save()
    # the day they asked is known only for a portal request ("As you asked on ..."), not today's date
    _mail(request, ERASURE_DONE, to=_address(contact), locale=recipient_locale(contact=contact), dated=on_portal)
    return request


def erasure_tell_check(*, contact: Contact, tell: bool) -> None:
    """Telling someone their data is erased needs an address to tell (ValidationError on `tell`)."""
    if tell and not _address(contact):
        raise ValidationError({"tell": [_("This contact has no email address to tell.")]})


def _address(contact: Contact) -> str:
    """Where mail about their request goes: the contact's address, else their login's."""
    return contact.email or (contact.user.email if contact.user is not None else "")


def _mail(request: ErasureRequest, template: str, *, to: str, locale: dict[str, str], dated: bool = True) -> None:
    """Queue one mail about the request (once per request and template). The row holds the dates and the
    reason, never a name: the address is its recipient only."""
    asked = request.created_at.isoformat() if dated else ""
    context = {"requested_at": asked, "reason": request.reason, **locale}
    notification_queue(key=f"{template}:{request.pk}", recipient=to, template=template, context=context)


def erasure_mail(row: NotificationLog) -> MailPlan:
    """The outbox's mail builder of the erasure request mails: the row's context, its date read back."""
    context = {k: v for k, v in row.context.items() if k not in ("language", "time_zone")}
    context["requested_at"] = datetime.fromisoformat(context["requested_at"]) if context["requested_at"] else None
    return MailPlan(
        context=context,
        language=row.context.get("language") or settings.LANGUAGE_CODE,
        time_zone=row.context.get("time_zone", ""),
        headers={"Auto-Submitted": "auto-generated"},
    )
