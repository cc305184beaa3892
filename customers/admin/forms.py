"""The admin's forms: each checks the rules the services check, inline rows through their formsets."""

import copy
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any, ClassVar

from django import forms
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils.translation import gettext_lazy

from customers import rules, services
from customers.models import (
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
    WorkingPeriod,
)
from helpdesk import dates
from helpdesk.text import latin_digits


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
    # valid_from, valid_to: in the reader's calendar, as every admin date box (helpdesk.admin_dates.install)

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


class PeriodTimeField(forms.TimeField):
    """A time of a working period, shown as HH:MM (no seconds) in the page's digits (Persian in fa), and
    read in either digits."""

    def to_python(self, value):
        return super().to_python(latin_digits(value) if isinstance(value, str) else value)

    def prepare_value(self, value):
        shown = value.strftime("%H:%M") if isinstance(value, time) else value
        return dates.local_number(shown) if isinstance(shown, str) else shown


class PeriodEndField(PeriodTimeField):
    """A period's end: 24:00 (or 00:00) is midnight at the end of the day, and is shown as 24:00."""

    def to_python(self, value):
        return dates.parse_end_of_day(value) or super().to_python(value)

    def prepare_value(self, value):
        return super().prepare_value("24:00" if value == time(0) else value)


class PeriodForm(forms.ModelForm):
    start = PeriodTimeField(label=gettext_lazy("from"))
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
                row.cleaned_data.get("days") or 1,
            )
            for row in holidays
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        found = services.calendar_schedule_errors(calendar=self.instance, periods=periods, holidays=rows)
        if found:
            raise forms.ValidationError([message for messages in found.values() for message in messages])


class HolidayForm(forms.ModelForm):
    # A one-off holiday's date: in the reader's calendar, as every admin date box (helpdesk.admin_dates.install)

    class Meta:
        model = Holiday
        fields = ["name", "name_fa", "recurrence", "date", "month", "day", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].required = False  # left empty (or posted by an older form): one day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("days") is None and "days" not in self.errors:
            cleaned["days"] = 1
        if "recurrence" in cleaned:
            found = rules.holiday_errors(
                recurrence=cleaned["recurrence"],
                day_date=cleaned.get("date"),
                month=cleaned.get("month"),
                day=cleaned.get("day"),
                days=cleaned.get("days"),
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


class StepFormSet(BaseInlineFormSet):
    """A step raising the priority needs the targets above (services.sla_raise_errors): checked against
    the target inline's rows as posted (SlaPolicyAdmin links that formset here), else the stored ones."""

    targets_formset: BaseInlineFormSet | None = None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        steps = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        targets = None
        if self.targets_formset is not None:
            if not self.targets_formset.is_valid():
                return  # the targets' own errors first
            targets = [
                form.cleaned_data
                for form in self.targets_formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("priority")
            ]
        steps = [step for step in steps if step.get("action")]
        if errors := services.sla_raise_errors(policy=self.instance, targets=targets, steps=steps):
            raise forms.ValidationError(errors)
