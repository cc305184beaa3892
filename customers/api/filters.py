"""Filter sets of the customers API lists (`?q=` goes through the selectors)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from customers import selectors
from customers.models import (
    Contact,
    Organization,
    Product,
    ServiceContract,
)
from customers.models.accounts import ContactQuerySet
from helpdesk.api_support import FilterSet, ModelChoiceFilter


class ContactFilter(FilterSet):
    organization = ModelChoiceFilter(queryset=Organization.objects.all())
    # Any letter case, through the unique index on lower(email); never a contact without an address.
    email = django_filters.CharFilter(method="by_email", label=_("Email address"))
    q = django_filters.CharFilter(method="search", label=_("Name, email or phone"))

    class Meta:
        model = Contact
        fields = ["organization", "email"]

    def by_email(self, qs: ContactQuerySet, name: str, value: str) -> ContactQuerySet:
        return qs.with_email(value)

    def search(self, qs: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        return selectors.contacts_matching(qs, q=value)


class OrganizationFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or email domain"))

    class Meta:
        model = Organization
        fields = ["share_tickets"]

    def search(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return selectors.organization_search(qs=qs, q=value)


class ProductFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))

    class Meta:
        model = Product
        fields = ["is_active"]

    def search(self, qs: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value))


class ContractFilter(FilterSet):
    organization = ModelChoiceFilter(queryset=Organization.objects.all())
    contact = ModelChoiceFilter(queryset=Contact.objects.all())
    product = ModelChoiceFilter(field_name="products", queryset=Product.objects.all())
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Valid on this date"))

    class Meta:
        model = ServiceContract
        fields = ["organization", "contact", "product", "sla_policy"]

    def filter_active_on(self, qs: QuerySet[ServiceContract], name: str, value) -> QuerySet[ServiceContract]:
        return selectors.contracts_active_on(qs, day=value)
