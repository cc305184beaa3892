"""Every read of customers and what was agreed with them, scoped to who is asking."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpdesk import dates
from helpdesk.models import User
from helpdesk.permissions import is_agent
from helpdesk.text import normalize_text, search_terms

from .models import (
    BusinessCalendar,
    Contact,
    EscalationStep,
    Organization,
    OrganizationDomain,
    Product,
    ServiceContract,
    SlaPolicy,
)
from .models.accounts import PhoneKey
from .rules import PHONE_MIN_DIGITS


def contract_for(
    *, contact: Contact | None, organization: Organization | None, on: date, product: Product | None = None
) -> ServiceContract | None:
    """The contract that covers a request on a day: the contact's own first, then the organization's.

    When a product is named, a contract covering that product wins over one that does not.
    """
    scope = Q(pk__in=[])
    if contact is not None:
        scope |= Q(contact=contact)
    if organization is not None:
        scope |= Q(organization=organization)
    candidates = list(
        ServiceContract.objects.filter(scope, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("sla_policy")
        .prefetch_related("products")
        .order_by("-valid_from", "-id")
    )

    def rank(contract: ServiceContract) -> tuple[int, int]:
        covers = product is not None and any(p.pk == product.pk for p in contract.products.all())
        own = contact is not None and contract.contact_id == contact.pk
        return (1 if covers else 0, 1 if own else 0)

    if not candidates:
        return None
    return max(candidates, key=rank)


def sla_policy_for(*, contract: ServiceContract | None, organization: Organization | None) -> SlaPolicy | None:
    """The policy a new ticket gets: its contract's, else the organization's, else the default."""
    if contract is not None and contract.sla_policy.is_active:
        return contract.sla_policy
    if organization is not None and organization.sla_policy_id is not None:
        policy = organization.sla_policy
        if policy is not None and policy.is_active:
            return policy
    return SlaPolicy.objects.filter(is_default=True, is_active=True).first()


def organization_for_email(*, email: str) -> Organization | None:
    """The organization that claims the email's domain, if any."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    claim = OrganizationDomain.objects.select_related("organization").filter(domain=domain).first()
    return claim.organization if claim else None


def contact_for_user(*, user: User) -> Contact | None:
    """The contact a customer login belongs to (None for agents and strangers)."""
    if not user.is_authenticated:
        return None
    return Contact.objects.select_related("organization").filter(user=user).first()


# --- contacts ---------------------------------------------------------------------------------


def contact_list_for(*, user: User) -> QuerySet[Contact]:
    """Agents see every contact; a customer sees only themself."""
    qs = Contact.objects.select_related("organization")
    if is_agent(user):
        return qs
    return qs.filter(user=user) if user.is_authenticated else qs.none()


def contact_get_for(*, user: User, contact_id: int) -> Contact:
    """One contact the user may see; Http404 otherwise."""
    return get_object_or_404(contact_list_for(user=user), pk=contact_id)


# Letters typed differently on Arabic and Persian keyboards: the query side matches every variant,
# so names stored either way are found (normalize_text folds the query to the first letter).
_LETTER_VARIANTS = {"ی": "یيىئ", "ک": "کك", "ه": "هةۀ", "ا": "اأإآٱ", "و": "وؤ"}


def _name_pattern(term: str) -> str:
    parts = []
    for ch in term:
        variants = _LETTER_VARIANTS.get(ch)
        parts.append(f"[{variants}]" if variants else re.escape(ch))
    # ZWNJ and tatweel inside a stored name do not matter.
    return "[\u200c\u0640]?".join(parts)


def _phone_q(digits: str) -> Q:
    """Digits of a number, however it was typed: national (0912…) and international (+98 912…) meet."""
    digits = digits.lstrip("0")
    q = Q(phone_digits__contains=digits)
    if len(digits) > 10:  # a country code in front: the subscriber part is the last ten digits
        q |= Q(phone_digits__endswith=digits[-10:])
    return q


def contact_search(*, user: User, q: str) -> QuerySet[Contact]:
    """Contacts the user may see whose name, email or phone matches every word of `q`.

    Persian and Arabic letter variants and digits are folded; a query of digits finds the phone
    however either side was written ("۰۹۱۲ ۱۲۳ ۴۵۶۷" finds "+98 912 123 4567").
    """
    return contacts_matching(contact_list_for(user=user), q=q)


def contacts_matching(qs: QuerySet[Contact], *, q: str) -> QuerySet[Contact]:
    normalized = normalize_text(q)
    if not normalized:
        return qs
    digits = "".join(ch for ch in normalized if ch.isascii() and ch.isdigit())
    if len(digits.lstrip("0")) >= 3 and not re.search(r"[^\d\s+().\-/]", normalized):
        return qs.filter(_phone_q(digits))
    for term in search_terms(q):
        matches = Q(full_name__iregex=_name_pattern(term)) | Q(email__icontains=term)
        if term.isdigit() and len(term.lstrip("0")) >= 3:
            matches |= _phone_q(term)
        qs = qs.filter(matches)
    return qs


def contact_find(*, email: str = "", phone: str = "") -> Contact | None:
    """The contact with this email (any case) or, failing that, this phone number; for the channels. The
    number is looked up as every channel does (contact_with_number): a number several contacts share is
    refused (ValidationError on `phone`), never answered with whichever is newest."""
    if email.strip():
        found = Contact.objects.select_related("organization").with_email(email).first()
        if found is not None:
            return found
    digits = "".join(ch for ch in normalize_text(phone) if ch.isascii() and ch.isdigit())
    return contact_with_number(digits=digits)


def phone_number_key(digits: str) -> str:
    """What a number written without its country code shares with the same number written with it (from
    their digits, Persian digits folded): the digits after any leading zeros (a trunk 0, the 00 before a
    country code), the last ten of them when there are more. 0912 123 4567, +98 912 123 4567 and
    0098 912 123 4567 are all 9121234567."""
    return digits.lstrip("0")[-10:]


def _same_number_q(significant: str) -> Q:
    """Stored numbers that are this one (its digits after leading zeros): the same digits, leading zeros
    aside; or, one of them written with a country code and the other without, the same last ten digits.
    Two numbers with different country codes stay apart, and so does a number that only ends another."""
    key = phone_number_key(significant)
    if len(significant) < 10:  # no country code in front
        return Q(phone_digits__regex=rf"^0*{significant}$")
    if len(significant) == 10:  # as written at home: stored so, or with any country code in front
        return Q(phone_digits__endswith=significant)
    return Q(phone_digits__regex=rf"^0*(?:{significant}|{key})$")  # with its country code, or without it


# A shared number names at most this many of its contacts when a lookup by it is refused.
SHARED_NUMBER_SHOWN = 10


def contacts_with_number(*, digits: str) -> QuerySet[Contact]:
    """Every contact whose phone is this number however either was written (_same_number_q), with or without
    an email address, oldest first; none for fewer than PHONE_MIN_DIGITS digits. One query, on the
    contact_phone_key index (every number _same_number_q matches shares the key)."""
    significant = digits.lstrip("0")
    if len(significant) < PHONE_MIN_DIGITS or not significant.isascii() or not significant.isdigit():
        return Contact.objects.none()
    return (
        Contact.objects.select_related("organization")
        .alias(_phone_key=PhoneKey("phone_digits"))  # the indexed key narrows; the pattern decides
        .filter(_same_number_q(significant), _phone_key=phone_number_key(significant))
        .order_by("created_at", "id")
    )


def contact_with_number(*, digits: str, full_name: str = "") -> Contact | None:
    """The one contact with this number (contacts_with_number), for every channel that names a requester by
    phone; with `full_name`, the one of that name (any letter case) among them, so people who share a number
    stay apart. None when nobody (of that name) has it. A number several contacts share (of that name, when
    one is given) names nobody: ValidationError on `phone` (code `phone_shared`) naming their ids, so the
    caller picks the contact by id instead of getting whichever is newest. One query."""
    found = list(contacts_with_number(digits=digits)[:200])
    if full_name.strip():
        name = full_name.strip().casefold()
        found = [contact for contact in found if contact.full_name.strip().casefold() == name]
    if len(found) <= 1:
        return found[0] if found else None
    ids = ("، " if get_language() == "fa" else ", ").join(
        dates.local_number(contact.pk) for contact in found[:SHARED_NUMBER_SHOWN]
    )
    if len(found) > SHARED_NUMBER_SHOWN:
        ids += "…"
    message = _(
        "Several contacts have this phone number (ids %(ids)s): give the contact's id (`requester`) instead."
    ) % {"ids": ids}
    raise ValidationError({"phone": ValidationError(message, code="phone_shared")})


# --- organizations ----------------------------------------------------------------------------


def organization_list_for(*, user: User) -> QuerySet[Organization]:
    """Agents see every organization; a customer only their own."""
    qs = Organization.objects.prefetch_related("domains")
    if is_agent(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(pk__in=Contact.objects.filter(user=user).values("organization"))


def organization_get_for(*, user: User, organization_id: int) -> Organization:
    """One organization the user may see; Http404 otherwise."""
    return get_object_or_404(organization_list_for(user=user), pk=organization_id)


def organization_search(*, qs: QuerySet[Organization], q: str) -> QuerySet[Organization]:
    """Organizations whose name (letter variants folded) or a claimed domain matches every word."""
    for term in search_terms(q):
        qs = qs.filter(
            Q(name__iregex=_name_pattern(term))
            | Q(pk__in=OrganizationDomain.objects.filter(domain__icontains=term).values("organization"))
        )
    return qs


# --- contracts, products, policies ------------------------------------------------------------


def _contracts_covering(user: User) -> QuerySet[ServiceContract]:
    """A customer's contracts: their own and their organization's (expired ones too: history)."""
    mine = Contact.objects.filter(user=user)
    return ServiceContract.objects.filter(
        Q(contact__in=mine.values("pk")) | Q(organization__in=mine.exclude(organization=None).values("organization"))
    )


def contract_list_for(*, user: User) -> QuerySet[ServiceContract]:
    """Agents see every contract; a customer those covering them."""
    if is_agent(user):
        qs = ServiceContract.objects.all()
    elif user.is_authenticated:
        qs = _contracts_covering(user)
    else:
        return ServiceContract.objects.none()
    return qs.select_related("organization", "contact").prefetch_related(
        Prefetch("products", queryset=Product.objects.order_by("name"))
    )


def contract_get_for(*, user: User, contract_id: int) -> ServiceContract:
    """One contract the user may see; Http404 otherwise."""
    return get_object_or_404(contract_list_for(user=user), pk=contract_id)


def contracts_active_on(qs: QuerySet[ServiceContract], *, day: date) -> QuerySet[ServiceContract]:
    return qs.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def product_list_for(*, user: User) -> QuerySet[Product]:
    """Agents see every product; a customer the products of their contracts."""
    if is_agent(user):
        return Product.objects.all()
    if not user.is_authenticated:
        return Product.objects.none()
    covered = ServiceContract.products.through.objects.filter(servicecontract__in=_contracts_covering(user))
    return Product.objects.filter(pk__in=covered.values("product"))


def product_get_for(*, user: User, product_id: int) -> Product:
    """One product the user may see; Http404 otherwise."""
    return get_object_or_404(product_list_for(user=user), pk=product_id)


def sla_policy_list_for(*, user: User) -> QuerySet[SlaPolicy]:
    """Agents see every policy (with escalation steps); a customer the policies of their contracts."""
    qs = SlaPolicy.objects.prefetch_related("targets")
    if is_agent(user):
        return qs.prefetch_related(
            Prefetch("escalation_steps", queryset=EscalationStep.objects.order_by("minutes_after_breach", "id"))
        )
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(pk__in=_contracts_covering(user).values("sla_policy"))


def sla_policy_get_for(*, user: User, policy_id: int) -> SlaPolicy:
    """One policy the user may see; Http404 otherwise."""
    return get_object_or_404(sla_policy_list_for(user=user), pk=policy_id)


def calendar_list_for(*, user: User) -> QuerySet[BusinessCalendar]:
    """Business calendars are internal configuration: agents see them, customers none."""
    if not is_agent(user):
        return BusinessCalendar.objects.none()
    return BusinessCalendar.objects.prefetch_related("periods", "holidays")


def calendar_get_for(*, user: User, calendar_id: int) -> BusinessCalendar:
    """One calendar the user may see; Http404 otherwise."""
    return get_object_or_404(calendar_list_for(user=user), pk=calendar_id)
