"""Every read of customers and what was agreed with them, scoped to who is asking."""

from datetime import date

from django.db.models import Q, QuerySet

from helpdesk.models import User

from .models import Contact, Organization, OrganizationDomain, Product, ServiceContract, SlaPolicy


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
        if policy.is_active:
            return policy
    return SlaPolicy.objects.filter(is_default=True, is_active=True).first()


def organization_for_email(*, email: str) -> Organization | None:
    """The organization that claims the email's domain, if any."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    claim = OrganizationDomain.objects.select_related("organization").filter(domain=domain).first()
    return claim.organization if claim else None


def contact_for_user(*, user: User) -> Contact | None:
    if not user.is_authenticated:
        return None
    return Contact.objects.select_related("organization").filter(user=user).first()


def contact_list_for(*, user: User) -> QuerySet[Contact]:
    """Agents see every contact; a customer sees only themself."""
    qs = Contact.objects.select_related("organization")
    if user.is_agent:
        return qs
    return qs.filter(user=user) if user.is_authenticated else qs.none()
