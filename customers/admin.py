"""Configuration screens for customers, contracts, SLA policies and calendars.

Forms check the same rules as the services (customers/rules.py and the `*_errors` helpers), so an
administrator cannot save what the API would refuse; saves of the main objects go through the
services, the inline rows through Django's formsets once the formset rules pass.
"""

import copy
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils.translation import gettext as _

from . import rules, services
from .models import (
    BusinessCalendar,
    Contact,
    EscalationStep,
    Holiday,
    Organization,
    OrganizationDomain,
    Product,
    ServiceContract,
    SlaPolicy,
    SlaTarget,
    TeamCalendar,
    WorkingPeriod,
)

# --- forms ------------------------------------------------------------------------------------


class CheckedForm(forms.ModelForm):
    """A model form that also shows the service's own checks, on the field they concern."""

    check: ClassVar[Callable[[Any], Mapping[str, Any]]]

    def clean(self):
        cleaned = super().clean()
        candidate = copy.copy(self.instance)
        construct_instance(self, candidate, self._meta.fields, self._meta.exclude)
        for field, message in type(self).check(candidate).items():
            if field in self.errors:
                continue
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class ContactForm(CheckedForm):
    check = staticmethod(services.contact_errors)

    class Meta:
        model = Contact
        fields = list(services.CONTACT_FIELDS)


class OrganizationForm(CheckedForm):
    check = staticmethod(services.organization_errors)

    class Meta:
        model = Organization
        fields = list(services.ORGANIZATION_FIELDS)


class ProductForm(CheckedForm):
    check = staticmethod(services.product_errors)

    class Meta:
        model = Product
        fields = list(services.PRODUCT_FIELDS)


class ContractForm(CheckedForm):
    check = staticmethod(services.contract_errors)

    class Meta:
        model = ServiceContract
        fields = [*services.CONTRACT_FIELDS, "products"]


class SlaPolicyForm(CheckedForm):
    check = staticmethod(services.sla_policy_errors)

    class Meta:
        model = SlaPolicy
        fields = list(services.SLA_POLICY_FIELDS)


class CalendarForm(CheckedForm):
    check = staticmethod(services.calendar_errors)

    class Meta:
        model = BusinessCalendar
        fields = list(services.CALENDAR_FIELDS)


class DomainForm(forms.ModelForm):
    class Meta:
        model = OrganizationDomain
        fields = ["domain", "allow_signup"]

    def clean_domain(self) -> str:
        domain = rules.normalize_domain(self.cleaned_data["domain"])
        owner = Organization(pk=self.instance.organization_id)  # unsaved when the organization is new
        message = rules.domain_error(domain) or services.domain_claim_error(domain=domain, organization=owner)
        if message:
            raise forms.ValidationError(message)
        return domain


class PeriodForm(forms.ModelForm):
    class Meta:
        model = WorkingPeriod
        fields = ["weekday", "start", "end"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned


class PeriodFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        periods = [
            (form.cleaned_data["weekday"], form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and all(form.cleaned_data.get(f) is not None for f in ("weekday", "start", "end"))
        ]
        if errors := rules.period_errors(periods):
            raise forms.ValidationError(errors)


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["name", "recurrence", "date", "month", "day"]

    def clean(self):
        cleaned = super().clean()
        if "recurrence" in cleaned:
            found = rules.holiday_errors(
                recurrence=cleaned["recurrence"],
                day_date=cleaned.get("date"),
                month=cleaned.get("month"),
                day=cleaned.get("day"),
            )
            for field, message in found.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return cleaned


class TargetForm(forms.ModelForm):
    class Meta:
        model = SlaTarget
        fields = ["priority", "first_response_minutes", "next_response_minutes", "resolution_minutes"]

    def clean(self):
        cleaned = super().clean()
        minutes = {f: cleaned.get(f) for f in ("first_response_minutes", "next_response_minutes", "resolution_minutes")}
        for field, message in rules.target_errors(minutes).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class StepForm(forms.ModelForm):
    class Meta:
        model = EscalationStep
        fields = ["minutes_after_breach", "action", "team", "user"]

    def clean(self):
        cleaned = super().clean()
        if "action" in cleaned:
            found = rules.step_errors(action=cleaned["action"], team=cleaned.get("team"), user=cleaned.get("user"))
            for field, message in found.items():
                self.add_error(field, message)
        return cleaned


# --- admin classes ----------------------------------------------------------------------------


class ServiceAdmin(admin.ModelAdmin):
    """Saves the main object through its service (create or update with the changed fields)."""

    service_fields: ClassVar[tuple[str, ...]]
    create_service: ClassVar[Callable[..., Model]]
    update_service: ClassVar[Callable[[Any, dict], Model]]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in self.service_fields if f in form.cleaned_data}
        if change:
            type(self).update_service(obj, data)
            return
        created = type(self).create_service(**data)
        obj.pk = created.pk  # the admin goes on with its own instance (inlines, log, redirect)
        obj.refresh_from_db()


class DomainInline(admin.TabularInline):
    model = OrganizationDomain
    form = DomainForm
    extra = 1


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin):
    form = OrganizationForm
    inlines = [DomainInline]
    list_display = ["name", "share_tickets", "sla_policy", "created_at"]
    list_filter = ["share_tickets", "sla_policy"]
    list_select_related = ["sla_policy"]
    search_fields = ["name", "domains__domain"]
    service_fields = services.ORGANIZATION_FIELDS
    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(lambda org, data: services.organization_update(organization=org, data=data))


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    form = ContactForm
    list_display = ["__str__", "email", "phone", "organization", "created_at"]
    list_select_related = ["organization"]
    search_fields = ["full_name", "email", "phone", "phone_digits"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["user", "created_at"]
    service_fields = services.CONTACT_FIELDS
    create_service = staticmethod(services.contact_create)
    update_service = staticmethod(lambda contact, data: services.contact_update(contact=contact, data=data))

    def get_search_results(self, request, queryset, search_term):
        # "find the caller": a number typed with Persian digits or spaces still finds the phone.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = services.phone_digits(search_term).lstrip("0")
        if len(digits) >= 3:
            found |= queryset.filter(phone_digits__contains=digits)
        return found, may_have_duplicates


@admin.register(Product)
class ProductAdmin(ServiceAdmin):
    form = ProductForm
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    service_fields = services.PRODUCT_FIELDS
    create_service = staticmethod(services.product_create)
    update_service = staticmethod(lambda product, data: services.product_update(product=product, data=data))


@admin.register(ServiceContract)
class ServiceContractAdmin(ServiceAdmin):
    form = ContractForm
    filter_horizontal = ["products"]
    autocomplete_fields = ["organization", "contact"]
    list_display = ["name", "organization", "contact", "sla_policy", "valid_from", "valid_to"]
    list_select_related = ["organization", "contact", "sla_policy"]
    list_filter = ["sla_policy"]
    search_fields = ["name", "organization__name", "contact__email"]
    date_hierarchy = "valid_from"
    # Products are many-to-many: the form's save_m2m sets them after the contract is saved.
    service_fields = services.CONTRACT_FIELDS
    create_service = staticmethod(services.contract_create)
    update_service = staticmethod(lambda contract, data: services.contract_update(contract=contract, data=data))


class TargetInline(admin.TabularInline):
    model = SlaTarget
    form = TargetForm
    extra = 0
    max_num = 4


class StepInline(admin.TabularInline):
    model = EscalationStep
    form = StepForm
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ServiceAdmin):
    form = SlaPolicyForm
    inlines = [TargetInline, StepInline]
    list_display = ["name", "calendar", "is_default", "is_active"]
    list_filter = ["is_active", "calendar"]
    list_select_related = ["calendar"]
    search_fields = ["name"]
    service_fields = services.SLA_POLICY_FIELDS
    create_service = staticmethod(services.sla_policy_create)
    update_service = staticmethod(lambda policy, data: services.sla_policy_update(policy=policy, data=data))


class PeriodInline(admin.TabularInline):
    model = WorkingPeriod
    form = PeriodForm
    formset = PeriodFormSet
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    form = HolidayForm
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ServiceAdmin):
    form = CalendarForm
    inlines = [PeriodInline, HolidayInline]
    list_display = ["name", "time_zone", "always_open"]
    search_fields = ["name"]
    service_fields = services.CALENDAR_FIELDS
    create_service = staticmethod(services.calendar_create)
    update_service = staticmethod(lambda calendar, data: services.calendar_update(calendar=calendar, data=data))


@admin.register(TeamCalendar)
class TeamCalendarAdmin(admin.ModelAdmin):
    list_display = ["team", "calendar"]
