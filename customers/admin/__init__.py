"""Configuration screens for customers, contracts, SLA policies and calendars.

Forms check the same rules as the services (customers/rules.py and the `*_errors` helpers), so an
administrator cannot save what the API would refuse; saves of the main objects go through the
services, the inline rows through Django's formsets once the formset rules pass.
The forms are in customers.admin.forms; the admin classes here.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import Model
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from customers import services
from customers.admin.forms import (
    CalendarForm,
    ContactForm,
    ContractForm,
    DomainForm,
    HolidayForm,
    OrganizationForm,
    PeriodForm,
    PeriodFormSet,
    ProductForm,
    SlaPolicyForm,
    StepForm,
    StepFormSet,
    TargetForm,
    TargetFormSet,
)
from customers.models import (
    BusinessCalendar,
    Contact,
    ErasureRequest,
    EscalationStep,
    Holiday,
    Organization,
    OrganizationDomain,
    PrivacyAction,
    Product,
    ServiceContract,
    SlaPolicy,
    SlaTarget,
    TeamCalendar,
    WorkingPeriod,
)
from helpdesk import dates
from helpdesk.audit.admin import AuditedAdmin


class ServiceAdmin(AuditedAdmin):
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
    list_display = [
        "name",
        "organization",
        "contact",
        "sla_policy",
        "valid_from",
        "valid_to",
        "annual_value",
        "hours_bank",
    ]
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
    formset = StepFormSet
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

    def _create_formsets(self, request, obj, change):
        """The steps' formset checks raises against the targets posted with them (StepFormSet)."""
        formsets, inlines = super()._create_formsets(request, obj, change)
        by_model = {formset.model: formset for formset in formsets}
        if EscalationStep in by_model:
            by_model[EscalationStep].targets_formset = by_model.get(SlaTarget)
        return formsets, inlines


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
    list_display = ["name", "zone", "always_open"]
    search_fields = ["name"]
    service_fields = services.CALENDAR_FIELDS
    inline_fields: ClassVar = {
        "periods": (WorkingPeriod, ("weekday", "start", "end")),
        "holidays": (Holiday, ("name", "name_fa", "recurrence", "date", "month", "day", "days")),
    }
    create_service = staticmethod(services.calendar_create)
    update_service = staticmethod(lambda calendar, data: services.calendar_update(calendar=calendar, data=data))

    @admin.display(description=gettext_lazy("time zone"), ordering="time_zone")
    def zone(self, calendar: BusinessCalendar) -> str:
        return dates.time_zone_label(calendar.time_zone, translation.get_language() or "en")

    def _create_formsets(self, request, obj, change):
        # Whether holidays leave working time is a check across both inlines: the periods formset
        # makes it (and shows it), so it needs the holidays beside it.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_model = {formset.model: formset for formset in formsets}
        if WorkingPeriod in by_model:
            by_model[WorkingPeriod].holiday_formset = by_model.get(Holiday)
        return formsets, inline_instances


@admin.register(TeamCalendar)
class TeamCalendarAdmin(AuditedAdmin):
    """Links, relinks and unlinks go through services.team_calendar_set, so the open referrals to the
    team follow the new calendar. A link stays with its team (its team is read-only once saved): to
    move it, delete it and add one for the other team."""

    list_display = ["team", "calendar"]
    list_select_related = ["team", "calendar"]

    def get_readonly_fields(self, request, obj=None):
        return ["team"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        link = services.team_calendar_set(actor=request.user, team=obj.team, calendar=obj.calendar)
        if link is not None:  # always, the form asks for a calendar
            obj.pk = link.pk  # the admin goes on with its own instance (log, redirect)

    def delete_model(self, request, obj):
        services.team_calendar_set(actor=request.user, team=obj.team, calendar=None)

    def delete_queryset(self, request, queryset):
        for link in queryset.select_related("team"):
            services.team_calendar_set(actor=request.user, team=link.team, calendar=None)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and filter; rows are written by the services, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PrivacyAction)
class PrivacyActionAdmin(ReadOnlyAdmin):
    """The record of exports and erasures, read only: it is written by the privacy services."""

    list_display = ["created_at", "kind", "contact_ref", "actor"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["=contact_ref"]
    readonly_fields = ["kind", "contact", "contact_ref", "actor", "summary", "created_at"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    """Customers' erasure requests, pending first to find; read only: an administrator decides one on the
    contact's page in the workspace (carry it out with the erasure, or decline it with a reason)."""

    list_display = ["created_at", "state", "contact_page", "decided_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["decided_by"]
    search_fields = ["=contact__id"]
    readonly_fields = ["contact", "state", "requested_by", "created_at", "decided_by", "decided_at", "reason"]

    @admin.display(description=_("contact"))
    def contact_page(self, obj: ErasureRequest) -> str:
        url = reverse("agent:contact", args=[obj.contact_id])
        return format_html(
            '<a href="{}#erasure-request">{}</a>', url, dates.fill(_("Contact #%(n)s"), {"n": obj.contact_id})
        )
