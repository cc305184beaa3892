"""Who is blocked, and every write to the blocklist.

`sender_block_stop` is the one rule the email channel asks (tickets.email.ingest): a mail whose sender
an entry covers is quarantined, never a ticket or a reply, and counted on that entry. Administrators
add, change and remove entries (the admin and the API); an agent adds one only by marking a ticket as
spam with "also block the sender" (tickets.services.spam). No entry may cover one of our own mailbox
addresses or a staff account's address (ValidationError, a 400 on the field).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import Role, User
from helpdesk.permissions import require_admin, require_agent
from helpdesk.selectors import staff_address
from tickets.blocklist.addresses import address_key, domain_and_parents, domain_unicode, entry_value
from tickets.email.auto_mail import our_addresses
from tickets.models import BlockedSender

Kind = BlockedSender.Kind


def _covers(*, kind: str, value: str, address: str) -> bool:
    """Whether an entry (stored form) covers an address (compared form)."""
    if kind == Kind.ADDRESS:
        return value == address
    return value in domain_and_parents(address.rpartition("@")[2])


def _own_addresses() -> list[str]:
    """Our own addresses (tickets.email.auto_mail.our_addresses), compared form."""
    return [key for key in map(address_key, our_addresses()) if key]


def _staff_covered(*, kind: str, value: str) -> str:
    """A staff account's address the entry would cover ("" when none): one query on the staff."""
    staff = User.objects.filter(role__in=(Role.AGENT, Role.ADMIN)).alias(address=Lower("email"))
    if kind == Kind.ADDRESS:
        # addresses are kept as typed, so their domain may be in either form
        local, _at, domain = value.rpartition("@")
        candidates = {value, f"{local}@{domain_unicode(domain)}"}
        return staff.filter(address__in=candidates).values_list("email", flat=True).first() or ""
    suffixes = {value, domain_unicode(value)}
    match = Q()
    for suffix in suffixes:
        match |= Q(address__endswith=f"@{suffix}") | Q(address__endswith=f".{suffix}")
    return staff.filter(match).values_list("email", flat=True).first() or ""


def blocked_sender_check(*, kind: str, value: str, field: str = "value") -> None:
    """Refuse an entry (stored form) that would block our own mail or a staff account (ValidationError
    on `field`, code `own_address` or `staff_address`)."""
    for own in _own_addresses():
        if _covers(kind=kind, value=value, address=own):
            message = _("%(address)s is one of our own support addresses and cannot be blocked.")
            raise ValidationError({field: ValidationError(message % {"address": own}, code="own_address")})
    if staff := _staff_covered(kind=kind, value=value):
        message = _("%(address)s belongs to a staff account and cannot be blocked.")
        raise ValidationError({field: ValidationError(message % {"address": staff}, code="staff_address")})


def _save(entry: BlockedSender) -> BlockedSender:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"value": ValidationError(_("This sender is blocked already."), code="already_blocked")}
        ) from exc
    return entry


def blocked_sender_create(
    *, actor: User, kind: str = Kind.ADDRESS, value: str, note: str = "", now: datetime | None = None
) -> BlockedSender:
    """A new entry (administrators only, 403 for others); 400 on `value` when it is no address or
    domain, is blocked already, or would block our own or a staff account's mail."""
    require_admin(actor)
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose address or domain.")]})
    value = entry_value(kind=kind, value=value)
    blocked_sender_check(kind=kind, value=value)
    entry = BlockedSender(kind=kind, value=value, note=(note or "").strip(), created_by=actor)
    entry.created_at = now or timezone.now()
    return _save(entry)


def blocked_sender_update(*, actor: User, entry: BlockedSender, changes: dict) -> BlockedSender:
    """Change an entry's kind, value or note (administrators only), checked as a new one is."""
    require_admin(actor)
    kind = changes.get("kind", entry.kind)
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose address or domain.")]})
    if "kind" in changes or "value" in changes:
        entry.value = entry_value(kind=kind, value=changes.get("value", entry.value))
        entry.kind = kind
        blocked_sender_check(kind=entry.kind, value=entry.value)
    if "note" in changes:
        entry.note = (changes["note"] or "").strip()
    return _save(entry)


def blocked_sender_delete(*, actor: User, entry: BlockedSender) -> None:
    """Unblock (administrators only). Mail it stopped stays quarantined until someone processes it again."""
    require_admin(actor)
    entry.delete()


def sender_block_for_spam(*, actor: User, address: str, note: str, now: datetime) -> BlockedSender:
    """Block one address because an agent marked its ticket as spam (tickets.services.spam): the entry
    that covers it already, else a new one by this agent. 400 on `block_sender` for our own or a staff
    account's address."""
    require_agent(actor)
    value = entry_value(kind=Kind.ADDRESS, value=address, field="block_sender")
    if (existing := sender_blocked(address=value)) is not None:
        return existing
    blocked_sender_check(kind=Kind.ADDRESS, value=value, field="block_sender")
    entry, _created = BlockedSender.objects.get_or_create(
        kind=Kind.ADDRESS, value=value, defaults={"note": note, "created_by": actor, "created_at": now}
    )
    return entry


# --- the rule -------------------------------------------------------------------------------------


def sender_blocked(*, address: str) -> BlockedSender | None:
    """The entry that blocks this address (its own entry first, else the closest domain), or None.
    One query through the unique (kind, value) index."""
    key = address_key(address)
    if not key:
        return None
    domains = domain_and_parents(key.rpartition("@")[2])
    entries = BlockedSender.objects.filter(
        Q(kind=Kind.ADDRESS, value=key) | Q(kind=Kind.DOMAIN, value__in=domains)
    ).order_by()
    ranked = sorted(entries, key=lambda e: (e.kind != Kind.ADDRESS, -len(e.value)))
    return ranked[0] if ranked else None


def sender_block_stop(*, address: str, now: datetime) -> BlockedSender | None:
    """Whether the email channel must stop a mail from `address`: the entry that blocks it, counted (one
    more mail stopped, when) with a conditional UPDATE on its row, so two deliveries at once count twice
    and an entry removed meanwhile stops nothing. Staff accounts are never stopped (an entry may predate
    the account). None: the mail goes on as usual."""
    entry = sender_blocked(address=address)
    if entry is None:
        return None
    if staff_address(address):
        return None
    counted = BlockedSender.objects.filter(pk=entry.pk).update(
        stopped_count=F("stopped_count") + 1,
        last_stopped_at=Greatest(Coalesce(F("last_stopped_at"), Value(now)), Value(now)),
    )
    return entry if counted else None
