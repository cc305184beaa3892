"""Organizations and the email domains they claim."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customers import rules
from customers.models import (
    Organization,
    OrganizationDomain,
    SlaPolicy,
)
from customers.services.common import DomainSpec, _apply, _delete, _raise_if, _required_text
from customers.signals import search_names_changed
from helpdesk.exceptions import NotAllowed
from helpdesk.models import User
from helpdesk.text import clean_line

ORGANIZATION_FIELDS = ("name", "share_tickets", "sla_policy", "notes")


def organization_errors(organization: Organization) -> dict[str, str]:
    """What is wrong with an organization's own fields (not its domains)."""
    errors = _required_text(organization.name, "name")
    if (
        not errors
        and Organization.objects.filter(name__iexact=organization.name.strip()).exclude(pk=organization.pk).exists()
    ):
        errors["name"] = _("An organization with this name already exists.")
    return errors


def _domain_errors(organization: Organization, domains: Sequence[DomainSpec]) -> tuple[dict[str, bool], list[str]]:
    wanted: dict[str, bool] = {}
    errors: list[str] = []
    for spec in domains:
        domain = rules.normalize_domain(spec["domain"])
        if message := rules.domain_error(domain):
            errors.append(message)
        elif domain in wanted:
            errors.append(_("“%(domain)s” is listed twice.") % {"domain": domain})
        wanted[domain] = bool(spec.get("allow_signup", False))
    claims = OrganizationDomain.objects.filter(domain__in=wanted).select_related("organization")
    errors.extend(_claimed(claim) for claim in claims.exclude(organization_id=organization.pk))
    return wanted, errors


def _claimed(claim: OrganizationDomain) -> str:
    return _("“%(domain)s” already belongs to %(organization)s.") % {
        "domain": claim.domain,
        "organization": claim.organization,
    }


def domain_claim_error(*, domain: str, organization: Organization) -> str | None:
    """A message when another organization already claims this (normalized) domain."""
    claim = (
        OrganizationDomain.objects.filter(domain=domain)
        .exclude(organization_id=organization.pk)
        .select_related("organization")
        .first()
    )
    return _claimed(claim) if claim is not None else None


def _organization_save(organization: Organization, domains: Sequence[DomainSpec] | None) -> Organization:
    organization.name = clean_line(organization.name)
    errors: dict[str, Any] = organization_errors(organization)
    wanted: dict[str, bool] = {}
    if domains is not None:
        wanted, domain_errors = _domain_errors(organization, domains)
        if domain_errors:
            errors["domains"] = domain_errors
    _raise_if(errors)
    try:
        with transaction.atomic():
            organization.save()
            if domains is not None:
                organization.domains.exclude(domain__in=wanted).delete()
                existing = {d.domain: d for d in organization.domains.all()}
                for domain, allow_signup in wanted.items():
                    claim = existing.get(domain)
                    if claim is None:
                        OrganizationDomain.objects.create(
                            organization=organization, domain=domain, allow_signup=allow_signup
                        )
                    elif claim.allow_signup != allow_signup:
                        claim.allow_signup = allow_signup
                        claim.save(update_fields=["allow_signup"])
    except IntegrityError as exc:  # a concurrent request claimed the name or a domain first
        raise ValidationError({"name": [_("The organization or one of its domains was taken meanwhile.")]}) from exc
    return organization


def organization_create(
    *,
    name: str,
    share_tickets: bool = False,
    sla_policy: SlaPolicy | None = None,
    notes: str = "",
    domains: Sequence[DomainSpec] = (),
    actor: User | None = None,
) -> Organization:
    """Create an organization with the email domains it claims (each domain belongs to one organization).
    Only administrators choose its SLA policy (`actor` None: a trusted caller such as the admin or demo)."""
    if sla_policy is not None:
        _check_sla_policy_choice(actor)
    organization = Organization(name=name, share_tickets=share_tickets, sla_policy=sla_policy, notes=notes)
    return _organization_save(organization, domains)


def _check_sla_policy_choice(actor: User | None) -> None:
    """The SLA policy decides the service levels a customer gets: an administrator's choice."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed(_("Only administrators can choose an organization's SLA policy."))


def organization_update(
    *, organization: Organization, data: Mapping[str, Any], actor: User | None = None
) -> Organization:
    """Change the given fields; `domains`, when given, replaces the claimed domains. Only administrators
    change the SLA policy (`actor` None: a trusted caller). A new name is searched in the organization's
    tickets too (customers.signals.search_names_changed)."""
    if "sla_policy" in data:
        _check_sla_policy_choice(actor)
    data = dict(data)
    domains = data.pop("domains", None)
    before = organization.name
    _apply(organization, data, ORGANIZATION_FIELDS)
    organization = _organization_save(organization, domains)
    if organization.name != before:
        search_names_changed.send(sender=Organization, contact_ids=[], organization_ids=[organization.pk])
    return organization


def organization_delete(*, organization: Organization) -> None:
    """Delete an organization without contacts, contracts or tickets; otherwise InUse."""
    _delete(organization, owned={"domains"})
