"""Input and output serializers of the customers API (agents' and customers' outputs kept apart)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.models import (
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
from helpdesk import dates
from helpdesk.models import Priority, Role, Team, User

_MAX_INT = 2_147_483_647  # PositiveIntegerField's limit on PostgreSQL


class OrganizationRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ContactCustomerOutput(serializers.ModelSerializer):
    email = serializers.EmailField(
        read_only=True, allow_null=True, help_text=_("null when the contact has no email address (known by phone).")
    )
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
    # Always stated (a PUT replaces the contact; PATCH may leave it out): null or "" for a contact known
    # by phone only, who then needs a phone number (customers.services.contact_errors decides).
    email = serializers.EmailField(
        max_length=254,
        allow_blank=True,
        allow_null=True,
        help_text=_("null or empty for a contact without an email address, who then needs a phone number."),
    )
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
        fields = ["id", "name", "name_fa", "code", "description", "policy_text", "policy_text_fa", "is_active"]


class ProductInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    name_fa = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text=_("The name on Persian pages; empty shows `name`.")
    )
    code = serializers.SlugField(max_length=60)
    description = serializers.CharField(required=False, allow_blank=True)
    policy_text = serializers.CharField(required=False, allow_blank=True)
    policy_text_fa = serializers.CharField(
        required=False, allow_blank=True, help_text=_("The support policy on Persian pages; empty shows `policy_text`.")
    )
    is_active = serializers.BooleanField(required=False)


class ProductRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)


class ContractCustomerOutput(serializers.ModelSerializer):
    products = ProductRef(many=True, read_only=True)

    class Meta:
        model = ServiceContract
        fields = [
            "id",
            "name",
            "organization",
            "contact",
            "products",
            "sla_policy",
            "valid_from",
            "valid_to",
            "hours_bank",
        ]


class ContractOutput(ContractCustomerOutput):
    class Meta(ContractCustomerOutput.Meta):
        fields = [*ContractCustomerOutput.Meta.fields, "annual_value", "notes"]


class ContractInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)
    products = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), many=True, required=False)
    sla_policy = serializers.PrimaryKeyRelatedField(queryset=SlaPolicy.objects.all())
    valid_from = serializers.DateField(help_text=_("ISO 8601 date (YYYY-MM-DD), Gregorian calendar."))
    valid_to = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("ISO 8601 date (YYYY-MM-DD), Gregorian calendar; empty: open-ended."),
    )
    annual_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    hours_bank = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        help_text=_(
            "Support hours the contract includes; empty: no hours bank. Used and left: /contracts/{id}/hours/."
        ),
    )
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
        fields = ["id", "name", "name_fa", "description", "targets"]


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
    name_fa = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("The name on Persian pages; empty shows `name`.")
    )
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
    name_fa = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("The name on Persian pages; empty shows `name`.")
    )
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
    days = serializers.IntegerField(
        required=False,
        default=1,
        help_text=_(
            "How many consecutive days off from the date (or the month and day, every year), 1 to 366; "
            "Nowruz is month 1, day 1, 4 days."
        ),
    )

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
        fields = ["id", "name", "name_fa", "time_zone", "always_open", "periods", "holidays"]


class CalendarInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_fa = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("The name on Persian pages; empty shows `name`.")
    )
    time_zone = serializers.CharField(max_length=64, required=False)
    always_open = serializers.BooleanField(required=False)
    periods = PeriodSerializer(many=True, required=False)
    holidays = HolidaySerializer(many=True, required=False)
