"""Customers API: contacts, organizations, products, contracts, SLA policies, business calendars.

Agents read everything and add or change contacts and organizations; administrators also change
the configuration (products, contracts, policies, calendars) and delete. A customer reads only
their own contact, organization and contracts, through a smaller output without internal notes.
"""

from collections.abc import Callable
from typing import Any, ClassVar

import django_filters
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk import dates
from helpdesk.api_support import FilterSet, ModelChoiceFilter
from helpdesk.models import Priority, Role, Team, User

from . import selectors, services
from .models import (
    BusinessCalendar,
    Contact,
    EscalationStep,
    Holiday,
    Organization,
    Product,
    ServiceContract,
    SlaPolicy,
    WorkingPeriod,
)

_MAX_INT = 2_147_483_647  # PositiveIntegerField's limit on PostgreSQL


# --- permissions ------------------------------------------------------------------------------


class AgentsWriteAdminsDelete(BasePermission):
    """Reading for anyone signed in (selectors scope it); agents create and change; admins delete."""

    message = _("You are not allowed to change this.")

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return user.is_admin
        return user.is_agent


class AdminsWrite(BasePermission):
    """Configuration: reading for anyone signed in (selectors scope it), writing for administrators."""

    message = _("Only administrators can change the configuration.")

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or user.is_admin


# --- serializers ------------------------------------------------------------------------------


class OrganizationRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ContactCustomerOutput(serializers.ModelSerializer):
    organization = OrganizationRef(read_only=True, allow_null=True)

    class Meta:
        model = Contact
        fields = ["id", "full_name", "email", "phone", "organization", "language", "time_zone"]


class ContactOutput(ContactCustomerOutput):
    has_login = serializers.SerializerMethodField()

    class Meta(ContactCustomerOutput.Meta):
        fields = [*ContactCustomerOutput.Meta.fields, "has_login", "notes", "created_at"]

    def get_has_login(self, contact: Contact) -> bool:
        return contact.user_id is not None


class ContactInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)
    time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class DomainOutput(serializers.Serializer):
    domain = serializers.CharField(read_only=True)
    allow_signup = serializers.BooleanField(read_only=True)


class OrganizationCustomerOutput(serializers.ModelSerializer):
    domains = DomainOutput(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "share_tickets", "domains"]


class OrganizationOutput(OrganizationCustomerOutput):
    class Meta(OrganizationCustomerOutput.Meta):
        fields = [*OrganizationCustomerOutput.Meta.fields, "sla_policy", "notes", "created_at"]


class DomainInput(serializers.Serializer):
    domain = serializers.CharField(max_length=253)
    allow_signup = serializers.BooleanField(required=False, default=False)


class OrganizationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    share_tickets = serializers.BooleanField(required=False)
    sla_policy = serializers.PrimaryKeyRelatedField(queryset=SlaPolicy.objects.all(), required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    domains = DomainInput(many=True, required=False)


class ProductOutput(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "code", "description", "policy_text", "is_active"]


class ProductInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    code = serializers.SlugField(max_length=60)
    description = serializers.CharField(required=False, allow_blank=True)
    policy_text = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class ProductRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)


class ContractCustomerOutput(serializers.ModelSerializer):
    products = ProductRef(many=True, read_only=True)

    class Meta:
        model = ServiceContract
        fields = ["id", "name", "organization", "contact", "products", "sla_policy", "valid_from", "valid_to"]


class ContractOutput(ContractCustomerOutput):
    class Meta(ContractCustomerOutput.Meta):
        fields = [*ContractCustomerOutput.Meta.fields, "notes"]


class ContractInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)
    products = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), many=True, required=False)
    sla_policy = serializers.PrimaryKeyRelatedField(queryset=SlaPolicy.objects.all())
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class TargetSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    first_response_minutes = serializers.IntegerField(required=False, allow_null=True, max_value=_MAX_INT)
    next_response_minutes = serializers.IntegerField(required=False, allow_null=True, max_value=_MAX_INT)
    resolution_minutes = serializers.IntegerField(required=False, allow_null=True, max_value=_MAX_INT)


class StepSerializer(serializers.Serializer):
    minutes_after_breach = serializers.IntegerField(required=False, default=0, min_value=0, max_value=_MAX_INT)
    action = serializers.ChoiceField(choices=EscalationStep.Action.choices)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=[Role.AGENT, Role.ADMIN]), required=False, allow_null=True
    )


class SlaPolicyCustomerOutput(serializers.ModelSerializer):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = SlaPolicy
        fields = ["id", "name", "description", "targets"]


class SlaPolicyOutput(SlaPolicyCustomerOutput):
    escalation_steps = StepSerializer(many=True, read_only=True)

    class Meta(SlaPolicyCustomerOutput.Meta):
        fields = [
            *SlaPolicyCustomerOutput.Meta.fields,
            "calendar",
            "is_default",
            "is_active",
            "warning_percent",
            "warning_minutes_before",
            "pause_on_hold",
            "escalation_steps",
        ]


class SlaPolicyInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    calendar = serializers.PrimaryKeyRelatedField(queryset=BusinessCalendar.objects.all())
    is_default = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)
    warning_percent = serializers.IntegerField(required=False, allow_null=True)
    warning_minutes_before = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=_MAX_INT)
    pause_on_hold = serializers.BooleanField(required=False)
    targets = TargetSerializer(many=True, required=False)
    escalation_steps = StepSerializer(many=True, required=False)


class PeriodEndField(serializers.TimeField):
    """A period's end; "24:00" is taken for midnight at the end of the day and stored (and shown) as 00:00."""

    def to_internal_value(self, value):
        return dates.parse_end_of_day(value) or super().to_internal_value(value)


class PeriodSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=WorkingPeriod.Weekday.choices)
    start = serializers.TimeField()
    end = PeriodEndField(
        help_text=_(
            "00:00 (or 24:00) is midnight at the end of the day; a shift past midnight is two periods, "
            "the second starting at 00:00."
        )
    )


class HolidaySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    recurrence = serializers.ChoiceField(choices=Holiday.Recurrence.choices, default=Holiday.Recurrence.ONCE)
    date = serializers.DateField(
        required=False, allow_null=True, help_text=_("A one-off holiday's date in the Gregorian calendar.")
    )
    jalali_date = serializers.CharField(
        required=False,
        write_only=True,
        max_length=20,
        help_text=_("Instead of date: a one-off holiday's date in the Jalali calendar, e.g. 1404-01-01."),
    )
    month = serializers.IntegerField(required=False, allow_null=True)
    day = serializers.IntegerField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A jalali_date becomes the Gregorian `date` the services store."""
        jalali = attrs.pop("jalali_date", None)
        if jalali is None:
            return attrs
        if attrs.get("date") is not None:
            raise serializers.ValidationError({"jalali_date": _("Give either date or jalali_date, not both.")})
        try:
            attrs["date"] = dates.parse_jalali_date(jalali)
        except ValueError as exc:
            raise serializers.ValidationError(
                {
                    "jalali_date": _("“%(value)s” is not a Jalali date (year/month/day, e.g. 1404-01-01).")
                    % {"value": jalali}
                }
            ) from exc
        return attrs


class CalendarOutput(serializers.ModelSerializer):
    periods = PeriodSerializer(many=True, read_only=True)
    holidays = HolidaySerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "time_zone", "always_open", "periods", "holidays"]


class CalendarInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    time_zone = serializers.CharField(max_length=64, required=False)
    always_open = serializers.BooleanField(required=False)
    periods = PeriodSerializer(many=True, required=False)
    holidays = HolidaySerializer(many=True, required=False)


# --- filters ----------------------------------------------------------------------------------


class ContactFilter(FilterSet):
    organization = ModelChoiceFilter(queryset=Organization.objects.all())
    email = django_filters.CharFilter(lookup_expr="iexact")
    q = django_filters.CharFilter(method="search", label=_("Name, email or phone"))

    class Meta:
        model = Contact
        fields = ["organization", "email"]

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


# --- views ------------------------------------------------------------------------------------


def _validated(serializer: serializers.Serializer) -> dict[str, Any]:
    """Validate input; nested errors are named by their dotted path ("periods.1.start") by the API's
    one error handler (helpdesk.exceptions), like every other endpoint's."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _ScopedOutput:
    """Agents get the full output; customers the smaller one without internal fields."""

    request: Request
    output: ClassVar[type[serializers.Serializer]]
    customer_output: ClassVar[type[serializers.Serializer] | None] = None

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or selectors.is_agent(self.request.user):
            return self.output
        return self.customer_output or self.output


class ResourceListView(_ScopedOutput, generics.ListAPIView):
    """GET lists what the selector allows; POST validates the input, calls the service, serializes."""

    input: ClassVar[type[serializers.Serializer]]
    create_service: ClassVar[Callable[..., Model]]
    fetch: ClassVar[Callable[..., Model]]  # the detail selector, to reload with its prefetches

    def check_input(self, data: dict[str, Any]) -> None:
        """A hook for field-level permissions."""

    def post(self, request: Request) -> Response:
        data = _validated(self.input(data=request.data))
        self.check_input(data)
        created = type(self).create_service(**data)
        instance = type(self).fetch(user=request.user, pk=created.pk)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class ResourceDetailView(_ScopedOutput, generics.GenericAPIView):
    """GET one (404 when not the user's to see); PUT/PATCH validate and call the service; DELETE."""

    input: ClassVar[type[serializers.Serializer]]
    update_service: ClassVar[Callable[..., Model]]
    delete_service: ClassVar[Callable[..., None]]
    fetch: ClassVar[Callable[..., Model]]
    filter_backends: ClassVar[list] = []

    def check_input(self, data: dict[str, Any]) -> None:
        """A hook for field-level permissions."""

    def get_object(self) -> Model:
        instance = type(self).fetch(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, instance)
        return instance

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def _change(self, request: Request, *, partial: bool) -> Response:
        instance = self.get_object()
        data = _validated(self.input(data=request.data, partial=partial))
        self.check_input(data)
        type(self).update_service(instance, data)
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request: Request, pk: int) -> Response:
        return self._change(request, partial=False)

    def patch(self, request: Request, pk: int) -> Response:
        return self._change(request, partial=True)

    @extend_schema(responses={204: None, 409: OpenApiResponse(description=str(_("Still in use.")))})
    def delete(self, request: Request, pk: int) -> Response:
        type(self).delete_service(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _list_schema(input_serializer, output_serializer):
    return extend_schema_view(post=extend_schema(request=input_serializer, responses={201: output_serializer}))


def _detail_schema(input_serializer, output_serializer):
    return extend_schema_view(
        get=extend_schema(responses=output_serializer),
        put=extend_schema(request=input_serializer, responses=output_serializer),
        patch=extend_schema(request=input_serializer, responses=output_serializer),
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


def _check_organization_input(user: User, data: dict[str, Any]) -> None:
    if "sla_policy" in data and not user.is_admin:
        raise PermissionDenied(_("Only administrators can choose an organization's SLA policy."))


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

    def check_input(self, data: dict[str, Any]) -> None:
        _check_organization_input(self.request.user, data)


@_detail_schema(OrganizationInput, OrganizationOutput)
class OrganizationDetailView(ResourceDetailView):
    queryset = Organization.objects.none()  # for the schema; get_queryset/get_object go through selectors
    permission_classes = [AgentsWriteAdminsDelete]
    output = OrganizationOutput
    customer_output = OrganizationCustomerOutput
    input = OrganizationInput
    fetch = staticmethod(_fetch_organization)
    update_service = staticmethod(lambda org, data: services.organization_update(organization=org, data=data))
    delete_service = staticmethod(lambda org: services.organization_delete(organization=org))

    def check_input(self, data: dict[str, Any]) -> None:
        _check_organization_input(self.request.user, data)


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
