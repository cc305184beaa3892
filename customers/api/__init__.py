"""Customers API: contacts, organizations, products, contracts, SLA policies, business calendars.

Agents read everything and add or change contacts and organizations; administrators also change
the configuration (products, contracts, policies, calendars) and delete. A customer reads only
their own contact, organization and contracts, through a smaller output without internal notes.

`permissions` (who may write), `serializers` (inputs and the two outputs), `filters`, `base` (the
list/detail views every resource is built from) and `views` (one pair per resource). The views are
re-exported here for `customers.api_urls`.
"""

from customers.api.permissions import AdminsWrite, AgentsWriteAdminsDelete
from customers.api.views import (
    CalendarDetailView,
    CalendarListView,
    ContactDetailView,
    ContactListView,
    ContractDetailView,
    ContractListView,
    OrganizationDetailView,
    OrganizationListView,
    ProductDetailView,
    ProductListView,
    SlaPolicyDetailView,
    SlaPolicyListView,
)

__all__ = [
    "AdminsWrite",
    "AgentsWriteAdminsDelete",
    "ContactListView",
    "ContactDetailView",
    "OrganizationListView",
    "OrganizationDetailView",
    "ProductListView",
    "ProductDetailView",
    "ContractListView",
    "ContractDetailView",
    "SlaPolicyListView",
    "SlaPolicyDetailView",
    "CalendarListView",
    "CalendarDetailView",
]
