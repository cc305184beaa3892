"""Customers and what was agreed with them: organizations, contacts, products, contracts, SLAs.

One module per area; every model is importable from here (`from customers.models import Contact`)."""

from customers.models.accounts import (
    Contact,
    Organization,
    OrganizationDomain,
    Product,
    ServiceContract,
)
from customers.models.calendars import BusinessCalendar, Holiday, TeamCalendar, WorkingPeriod
from customers.models.privacy import ErasureRequest, PrivacyAction
from customers.models.sla import EscalationStep, SlaPolicy, SlaTarget
from helpdesk.audit.records import audited

__all__ = [
    "BusinessCalendar",
    "Contact",
    "ErasureRequest",
    "EscalationStep",
    "Holiday",
    "Organization",
    "OrganizationDomain",
    "PrivacyAction",
    "Product",
    "ServiceContract",
    "SlaPolicy",
    "SlaTarget",
    "TeamCalendar",
    "WorkingPeriod",
]

# Every change of these is kept: who, when, the values after it (helpdesk.audit; the contact's are
# scrubbed when they are erased). Privacy actions are an audit record already.
audited(BusinessCalendar, WorkingPeriod, Holiday, SlaPolicy, SlaTarget, EscalationStep, Product, TeamCalendar)
audited(Organization, OrganizationDomain, Contact)
audited(ServiceContract, m2m_fields=["products"])
