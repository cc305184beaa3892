"""Customers API views: contacts, organizations, products, contracts, SLA policies, business calendars."""

from typing import Any

from customers import selectors, services
from customers.api.base import ResourceDetailView, ResourceListView, _detail_schema, _list_schema
from customers.api.filters import ContactFilter, ContractFilter, OrganizationFilter, ProductFilter
from customers.api.permissions import AdminsWrite, AgentsWriteAdminsDelete
from customers.api.serializers import (
    CalendarInput,
    CalendarOutput,
    ContactCustomerOutput,
    ContactInput,
    ContactOutput,
    ContractCustomerOutput,
    ContractInput,
    ContractOutput,
    OrganizationCustomerOutput,
    OrganizationInput,
    OrganizationOutput,
    ProductInput,
    ProductOutput,
    SlaPolicyCustomerOutput,
    SlaPolicyInput,
    SlaPolicyOutput,
)
from customers.models import (
    BusinessCalendar,
    Contact,
    Organization,
    Product,
    ServiceContract,
    SlaPolicy,
)

# Contacts


def _fetch_contact(*, user, pk):
    return selectors.contact_get_for(user=user, contact_id=pk)


@_list_schema(ContactInput, ContactOutput)
class ContactListView(ResourceListView):
    """Contacts; `?q=` finds a caller by name, email or phone digits (Persian digits too)."""

    queryset = Contact.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AgentsWriteAdminsDelete]
    output = ContactOutput
    customer_output = ContactCustomerOutput
    input = ContactInput
    filterset_class = ContactFilter
    ordering_fields = ["full_name", "email", "created_at", "id"]
    create_service = staticmethod(services.contact_create)
    fetch = staticmethod(_fetch_contact)

    def get_queryset(self):
        return selectors.contact_list_for(user=self.request.user)


@_detail_schema(ContactInput, ContactOutput)
class ContactDetailView(ResourceDetailView):
    queryset = Contact.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AgentsWriteAdminsDelete]
    output = ContactOutput
    customer_output = ContactCustomerOutput
    input = ContactInput
    fetch = staticmethod(_fetch_contact)
    update_service = staticmethod(lambda contact, data: services.contact_update(contact=contact, data=data))
    delete_service = staticmethod(lambda contact: services.contact_delete(contact=contact))


# Organizations


def _fetch_organization(*, user, pk):
    return selectors.organization_get_for(user=user, organization_id=pk)


@_list_schema(OrganizationInput, OrganizationOutput)
class OrganizationListView(ResourceListView):
    """Customer organizations with the email domains they claim; `?q=` searches name and domain."""

    queryset = Organization.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AgentsWriteAdminsDelete]
    output = OrganizationOutput
    customer_output = OrganizationCustomerOutput
    input = OrganizationInput
    filterset_class = OrganizationFilter
    ordering_fields = ["name", "created_at", "id"]
    create_service = staticmethod(services.organization_create)
    fetch = staticmethod(_fetch_organization)

    def get_queryset(self):
        return selectors.organization_list_for(user=self.request.user)

    def service_kwargs(self) -> dict[str, Any]:
        return {"actor": self.request.user}


@_detail_schema(OrganizationInput, OrganizationOutput)
class OrganizationDetailView(ResourceDetailView):
    queryset = Organization.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AgentsWriteAdminsDelete]
    output = OrganizationOutput
    customer_output = OrganizationCustomerOutput
    input = OrganizationInput
    fetch = staticmethod(_fetch_organization)
    update_service = staticmethod(
        lambda org, data, actor: services.organization_update(organization=org, data=data, actor=actor)
    )
    delete_service = staticmethod(lambda org: services.organization_delete(organization=org))

    def service_kwargs(self) -> dict[str, Any]:
        return {"actor": self.request.user}


# Products


def _fetch_product(*, user, pk):
    return selectors.product_get_for(user=user, product_id=pk)


@_list_schema(ProductInput, ProductOutput)
class ProductListView(ResourceListView):
    """Products and services; a customer sees those their contracts cover."""

    queryset = Product.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = ProductOutput
    input = ProductInput
    filterset_class = ProductFilter
    ordering_fields = ["name", "code", "id"]
    create_service = staticmethod(services.product_create)
    fetch = staticmethod(_fetch_product)

    def get_queryset(self):
        return selectors.product_list_for(user=self.request.user)


@_detail_schema(ProductInput, ProductOutput)
class ProductDetailView(ResourceDetailView):
    queryset = Product.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = ProductOutput
    input = ProductInput
    fetch = staticmethod(_fetch_product)
    update_service = staticmethod(lambda product, data: services.product_update(product=product, data=data))
    delete_service = staticmethod(lambda product: services.product_delete(product=product))


# Contracts


def _fetch_contract(*, user, pk):
    return selectors.contract_get_for(user=user, contract_id=pk)


@_list_schema(ContractInput, ContractOutput)
class ContractListView(ResourceListView):
    """Service contracts; `?active_on=YYYY-MM-DD` keeps those valid on that day."""

    queryset = ServiceContract.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = ContractOutput
    customer_output = ContractCustomerOutput
    input = ContractInput
    filterset_class = ContractFilter
    ordering_fields = ["name", "valid_from", "valid_to", "id"]
    create_service = staticmethod(services.contract_create)
    fetch = staticmethod(_fetch_contract)

    def get_queryset(self):
        return selectors.contract_list_for(user=self.request.user)


@_detail_schema(ContractInput, ContractOutput)
class ContractDetailView(ResourceDetailView):
    queryset = ServiceContract.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = ContractOutput
    customer_output = ContractCustomerOutput
    input = ContractInput
    fetch = staticmethod(_fetch_contract)
    update_service = staticmethod(lambda contract, data: services.contract_update(contract=contract, data=data))
    delete_service = staticmethod(lambda contract: services.contract_delete(contract=contract))


# SLA policies


def _fetch_policy(*, user, pk):
    return selectors.sla_policy_get_for(user=user, policy_id=pk)


@_list_schema(SlaPolicyInput, SlaPolicyOutput)
class SlaPolicyListView(ResourceListView):
    """SLA policies with their per-priority targets (minutes of the policy's business calendar)."""

    queryset = SlaPolicy.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = SlaPolicyOutput
    customer_output = SlaPolicyCustomerOutput
    input = SlaPolicyInput
    filterset_fields = ["is_active", "is_default", "calendar"]
    ordering_fields = ["name", "id"]
    create_service = staticmethod(services.sla_policy_create)
    fetch = staticmethod(_fetch_policy)

    def get_queryset(self):
        return selectors.sla_policy_list_for(user=self.request.user)


@_detail_schema(SlaPolicyInput, SlaPolicyOutput)
class SlaPolicyDetailView(ResourceDetailView):
    queryset = SlaPolicy.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = SlaPolicyOutput
    customer_output = SlaPolicyCustomerOutput
    input = SlaPolicyInput
    fetch = staticmethod(_fetch_policy)
    update_service = staticmethod(lambda policy, data: services.sla_policy_update(policy=policy, data=data))
    delete_service = staticmethod(lambda policy: services.sla_policy_delete(policy=policy))


# Business calendars


def _fetch_calendar(*, user, pk):
    return selectors.calendar_get_for(user=user, calendar_id=pk)


@_list_schema(CalendarInput, CalendarOutput)
class CalendarListView(ResourceListView):
    """Business calendars (time zone, weekly hours, holidays); internal, so customers see none."""

    queryset = BusinessCalendar.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = CalendarOutput
    input = CalendarInput
    ordering_fields = ["name", "id"]
    filterset_fields = ["always_open"]
    create_service = staticmethod(services.calendar_create)
    fetch = staticmethod(_fetch_calendar)

    def get_queryset(self):
        return selectors.calendar_list_for(user=self.request.user)


@_detail_schema(CalendarInput, CalendarOutput)
class CalendarDetailView(ResourceDetailView):
    queryset = BusinessCalendar.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AdminsWrite]
    output = CalendarOutput
    input = CalendarInput
    fetch = staticmethod(_fetch_calendar)
    update_service = staticmethod(lambda calendar, data: services.calendar_update(calendar=calendar, data=data))
    delete_service = staticmethod(lambda calendar: services.calendar_delete(calendar=calendar))
