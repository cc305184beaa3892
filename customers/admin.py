"""Configuration screens for customers, contracts, SLA policies and calendars.

Forms check the same rules as the services (customers/rules.py and the `*_errors` helpers), so an
administrator cannot save what the API would refuse; saves of the main objects go through the
services, the inline rows through Django's formsets once the formset rules pass.
"""

import copy
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any, ClassVar

import jdatetime
from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import dates
from helpdesk.text import latin_digits

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


class PeriodEndField(forms.TimeField):
    """A period's end: 24:00 (or 00:00) is midnight at the end of the day, and is shown as 24:00."""

    def to_python(self, value):
        return dates.parse_end_of_day(value) or super().to_python(value)

    def prepare_value(self, value):
        return "24:00" if value == time(0) else super().prepare_value(value)


class PeriodForm(forms.ModelForm):
    end = PeriodEndField(
        label=gettext_lazy("until"),
        help_text=gettext_lazy("24:00 (or 00:00) is midnight at the end of the day."),
    )

    class Meta:
        model = WorkingPeriod
        fields = ["weekday", "start", "end"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and (message := rules.period_order_error(start, end)):
            self.add_error("end", message)
        return cleaned


class PeriodFormSet(BaseInlineFormSet):
    """Periods that do not overlap, and a calendar the SLA maths can answer (services.calendar_schedule_errors).

    The admin links the holiday formset (`holiday_formset`), since holidays may leave no working time.
    """

    holiday_formset: BaseInlineFormSet | None = None

    def clean(self):
        super().clean()
        periods = [
            (form.cleaned_data["weekday"], form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and all(form.cleaned_data.get(f) is not None for f in ("weekday", "start", "end"))
        ]
        if any(self.errors):  # rows marked for deletion do not count
            return  # each row shows its own error first
        if errors := rules.period_errors(periods):
            raise forms.ValidationError(errors)
        # Invalid holiday rows show their own errors; until they are fixed, the check goes without them.
        holidays = self.holiday_formset.forms if self.holiday_formset and self.holiday_formset.is_valid() else []
        rows = [
            (
                row.cleaned_data["recurrence"],
                row.cleaned_data.get("date"),
                row.cleaned_data.get("month"),
                row.cleaned_data.get("day"),
            )
            for row in holidays
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        found = services.calendar_schedule_errors(calendar=self.instance, periods=periods, holidays=rows)
        if found:
            raise forms.ValidationError([message for messages in found.values() for message in messages])


class HolidayDateField(forms.DateField):
    """A one-off holiday's date: in Persian typed and shown in the Jalali calendar, else Gregorian.

    Persian and Arabic digits are read in both; a date in the wrong calendar is refused, never guessed.
    """

    def to_python(self, value):
        if isinstance(value, str):
            value = latin_digits(value).strip()
            if value and translation.get_language() == "fa":
                try:
                    return dates.parse_jalali_date(value)
                except ValueError as exc:
                    raise forms.ValidationError(
                        _("Type the date in the Jalali calendar (year/month/day), for example 1404/01/01."),
                        code="invalid",
                    ) from exc
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, date) and translation.get_language() == "fa":
            return dates.persian_digits(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
        return super().prepare_value(value)


class HolidayForm(forms.ModelForm):
    date = HolidayDateField(label=gettext_lazy("date"), required=False)

    class Meta:
        model = Holiday
        fields = ["name", "recurrence", "date", "month", "day"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if translation.get_language() == "fa":
            # The admin's date picker writes Gregorian dates: in Persian the date is typed in Jalali.
            self.fields["date"].widget = forms.TextInput(attrs={"size": 10, "placeholder": "۱۴۰۴/۰۱/۰۱"})

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
        minutes = {f: cleaned.get(f) for f in services.TARGET_FIELDS}
        for field, message in rules.target_errors(minutes).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class TargetFormSet(BaseInlineFormSet):
    """Targets the policy's calendar can reach (services.sla_target_limit_errors)."""

    def clean(self):
        super().clean()
        if self.instance.calendar_id is None or any(self.errors):
            return
        targets = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("priority")
        ]
        if errors := services.sla_target_limit_errors(calendar=self.instance.calendar, targets=targets):
            raise forms.ValidationError(errors)


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
    """Saves the main object through its service (create or update with the changed fields).

    With `inline_fields` ({service argument: (inline model, fields)}), the inline rows go to the same
    service call, so it checks the object and its rows together (a calendar needs working hours); the
    call then happens in save_related, once every form and formset is valid.
    """

    service_fields: ClassVar[tuple[str, ...]]
    create_service: ClassVar[Callable[..., Model]]
    update_service: ClassVar[Callable[[Any, dict], Model]]
    inline_fields: ClassVar[dict[str, tuple[type[Model], tuple[str, ...]]]] = {}

    def save_model(self, request, obj, form, change):
        if not self.inline_fields:
            self._save_through_service(obj, form, change, rows={})

    def save_related(self, request, form, formsets, change):
        if not self.inline_fields:
            super().save_related(request, form, formsets, change)
            return
        by_model = {formset.model: formset for formset in formsets}
        rows = {
            argument: [
                {field: row.cleaned_data.get(field) for field in fields}
                for row in by_model[model].forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE")
            ]
            for argument, (model, fields) in self.inline_fields.items()
            if model in by_model  # an inline the user may not change is left as it is
        }
        self._save_through_service(form.instance, form, change, rows=rows)
        form.save_m2m()
        for formset in formsets:
            formset.save(commit=False)  # only fills the lists the change message reads: the service wrote the rows

    def _save_through_service(self, obj, form, change, *, rows: dict[str, list[dict]]) -> None:
        data = {f: form.cleaned_data[f] for f in self.service_fields if f in form.cleaned_data} | rows
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
    formset = TargetFormSet
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
    inline_fields: ClassVar = {
        "targets": (SlaTarget, ("priority", *services.TARGET_FIELDS)),
        "escalation_steps": (EscalationStep, ("minutes_after_breach", "action", "team", "user")),
    }
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
    inline_fields: ClassVar = {
        "periods": (WorkingPeriod, ("weekday", "start", "end")),
        "holidays": (Holiday, ("name", "recurrence", "date", "month", "day")),
    }
    create_service = staticmethod(services.calendar_create)
    update_service = staticmethod(lambda calendar, data: services.calendar_update(calendar=calendar, data=data))

    def _create_formsets(self, request, obj, change):
        # Whether holidays leave working time is a check across both inlines: the periods formset
        # makes it (and shows it), so it needs the holidays beside it.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_model = {formset.model: formset for formset in formsets}
        if WorkingPeriod in by_model:
            by_model[WorkingPeriod].holiday_formset = by_model.get(Holiday)
        return formsets, inline_instances


@admin.register(TeamCalendar)
class TeamCalendarAdmin(admin.ModelAdmin):
    list_display = ["team", "calendar"]
