"""Erasing a contact (a privacy request): their personal data removed everywhere, statistics kept.

`contact_erase` is the one service every channel calls (the contact page, the API). The tickets stay
with the contact, now anonymised, as requester: status, priority, team, SLA times, counts and rating
scores are unchanged. What the contact wrote goes (messages, attachments, raw mail, subjects, rating
comments); texts other people wrote on their tickets keep their words but lose the contact's address,
name and phone (tickets.privacy.scrub).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import services as customer_services
from customers.models import Contact, ErasureRequest, PrivacyAction
from helpdesk.exceptions import Conflict
from helpdesk.models import NotificationLog
from helpdesk.permissions import require_admin
from knowledgebase.models import ArticleFeedback
from tickets import events
from tickets.models import (
    IdempotencyKey,
    InboundEmail,
    Message,
    Opportunity,
    OpportunityChange,
    Referral,
    SatisfactionRating,
    Ticket,
    TicketEvent,
)
from tickets.privacy.content import inbound_forget, messages_empty, tickets_mark_anonymised
from tickets.privacy.scrub import ERASED, MIN_NAME_CHARS, Scrubber, scrub_rows
from tickets.search import ticket_index


def contact_erase(*, contact: Contact, actor, confirm: str, tell: bool = False) -> dict[str, int]:
    """Erase a contact's personal data; admins only (NotAllowed), `confirm` must be their email address,
    or their phone number when they have no address (ValidationError on `confirm`), twice is a Conflict.
    Writes an ANONYMISED event on each of their tickets and a PrivacyAction; returns counts of what was
    changed. A pending request from the portal is marked carried out and they are mailed that it is done;
    `tell` does the same for someone who asked by mail, phone or letter (it needs their address)."""
    require_admin(actor)
    with transaction.atomic():
        contact = Contact.objects.select_for_update(of=("self",)).select_related("user").get(pk=contact.pk)
        _check(contact, confirm)
        customer_services.erasure_tell_check(contact=contact, tell=tell)
        now = timezone.now()
        scrubber = Scrubber.for_contact(contact, email_to=customer_services.erased_contact_email(contact.pk))
        requested = set(Ticket.objects.filter(requester=contact).values_list("pk", flat=True))
        authored = Message.objects.filter(Q(author_contact=contact) | Q(author_user_id=contact.user_id or 0))
        copied = tickets_copying(contact.email)
        involved = requested | copied | set(authored.values_list("ticket_id", flat=True))
        counts = {
            "tickets": len(requested),
            "messages": messages_empty(authored),
            "inbound_emails": inbound_forget(
                InboundEmail.objects.filter(  # the raw mail of a ticket they were copied on names them too
                    Q(ticket_id__in=involved) | inbound_from(contact.email) | Q(ticket_message__in=authored)
                )
            ),
            "cc_removed": _remove_cc(copied, contact.email or ""),
            "ratings": SatisfactionRating.objects.filter(Q(contact=contact) | Q(ticket_id__in=requested))
            .exclude(comment="")
            .update(comment=""),
        }
        counts["texts_scrubbed"] = _scrub_tickets(contact, requested, involved, scrubber)
        counts["outbox"] = _scrub_outbox(involved, contact.email, scrubber)
        _erase_account_data(contact)
        # after the outbox was scrubbed, before the address goes: "done" reaches the person who asked
        customer_services.erasure_request_close(contact=contact, actor=actor, now=now, asked_elsewhere=tell)
        customer_services.contact_anonymise(contact=contact, now=now)
        tickets_mark_anonymised(requested, actor=actor, now=now, reason="erasure")
        for ticket in Ticket.objects.filter(pk__in=involved).select_related("requester"):
            ticket_index(ticket=ticket)
        customer_services.privacy_action_record(
            kind=PrivacyAction.Kind.ERASE, contact=contact, actor=actor, summary=counts
        )
    return counts


def _check(contact: Contact, confirm: str) -> None:
    if contact.erased_at is not None:
        raise Conflict(_("This contact's data has already been erased."), code="already_erased")
    if contact.user is not None and contact.user.is_agent:
        raise ValidationError(
            {"confirm": [_("This contact's login belongs to staff; change its role before erasing it.")]}
        )
    if not contact.email:  # known by phone only: the number confirms, in any spelling of its digits
        if not contact.phone_digits or customer_services.phone_digits(confirm or "") != contact.phone_digits:
            raise ValidationError({"confirm": [_("Type the contact's phone number to confirm.")]})
    elif (confirm or "").strip().lower() != contact.email.lower():
        raise ValidationError({"confirm": [_("Type the contact's email address exactly to confirm.")]})


def inbound_from(email: str | None) -> Q:
    """Inbound mail from the address; nothing for a contact without one ("" would match every mail)."""
    return Q(sender__icontains=email) if email else Q(pk__in=[])


def tickets_copying(email: str | None) -> set[int]:
    """Tickets with the address among their CC addresses (any letter case); none without an address."""
    if not email:
        return set()
    candidates = (
        Ticket.objects.annotate(cc_text=Cast("cc_emails", TextField()))
        .filter(cc_text__icontains=email)
        .values_list("pk", "cc_emails")
    )
    return {pk for pk, cc in candidates if any(str(a).lower() == email.lower() for a in cc)}


def _remove_cc(ticket_ids: set[int], email: str) -> int:
    removed = 0
    for ticket in Ticket.objects.filter(pk__in=ticket_ids).only("pk", "cc_emails"):
        kept = [a for a in ticket.cc_emails if str(a).lower() != email.lower()]
        removed += len(ticket.cc_emails) - len(kept)
        Ticket.objects.filter(pk=ticket.pk).update(cc_emails=kept)
    return removed


def _scrub_tickets(contact: Contact, requested: set[int], involved: set[int], scrubber: Scrubber) -> int:
    """Subjects the contact wrote go; other people's texts on their tickets lose the contact's strings."""
    Ticket.objects.filter(pk__in=requested).update(subject=ERASED, reply_to_email="")
    events.events_forget_personal(ticket_ids=requested)
    mentioning = Q(ticket_id__in=involved)
    for term in (contact.email or "", contact.full_name.strip()):
        if len(term) >= MIN_NAME_CHARS:  # a requester changed away keeps its old value on other tickets
            mentioning |= Q(old_value__icontains=term) | Q(new_value__icontains=term)
    scrubbed = scrub_rows(Ticket.objects.filter(pk__in=involved - requested), scrubber, text=("subject",))
    scrubbed += scrub_rows(Message.objects.filter(ticket_id__in=involved), scrubber, text=("body_html", "body_text"))
    scrubbed += scrub_rows(Referral.objects.filter(ticket_id__in=involved), scrubber, text=("note", "answer"))
    scrubbed += scrub_rows(Opportunity.objects.filter(ticket_id__in=involved), scrubber, text=("note",))
    scrubbed += scrub_rows(
        OpportunityChange.objects.filter(opportunity__ticket_id__in=involved), scrubber, text=("note",)
    )
    scrubbed += events.events_scrub(
        events=TicketEvent.objects.filter(mentioning), text=scrubber.text, json=scrubber.json
    )
    return scrubbed


def _scrub_outbox(involved: set[int], email: str | None, scrubber: Scrubber) -> int:
    """Mails to the contact not sent yet are dropped; every row to them or about the tickets they were
    part of loses their strings (mail bodies and webhook payloads are rendered when sent, from the rows
    already erased, so the rows hold ids and locales only)."""
    to_them = NotificationLog.objects.filter(recipient__iexact=email) if email else NotificationLog.objects.none()
    to_them.filter(sent_at__isnull=True).update(
        dropped=True, sent_at=timezone.now(), claimed_at=None, last_error="personal data erased"
    )
    rows = NotificationLog.objects.filter(Q(ticket_id__in=involved) | Q(pk__in=to_them.values("pk")))
    return scrub_rows(rows, scrubber, text=("key", "recipient", "last_error"), json=("context",))


def _erase_account_data(contact: Contact) -> None:
    """What their login left outside tickets: knowledge-base comments and stored API answers; and the
    reasons their earlier erasure requests were declined, which were written about them."""
    ErasureRequest.objects.filter(contact=contact).exclude(reason="").update(reason="")
    if contact.user_id is None:
        return
    ArticleFeedback.objects.filter(user_id=contact.user_id).update(comment="")
    IdempotencyKey.objects.filter(user_id=contact.user_id).delete()
