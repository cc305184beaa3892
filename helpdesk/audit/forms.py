"""The audit log's filters, for its page (the API reads the same names with a serializer)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.audit.log import SYSTEM, AuditFilter, audit_model_choices
from helpdesk.calendar_dates import CalendarDateField
from helpdesk.models import Role, User
from helpdesk.widgets import FastSelect


def user_choices() -> list[tuple[str, str]]:
    """Everyone who can change configuration (agents and administrators), and "the system"."""
    staff = User.objects.filter(role__in=[Role.ADMIN, Role.AGENT]).order_by("email").only("id", "email", "full_name")
    return [("", _("Anyone")), (SYSTEM, _("The system (tasks and commands)"))] + [(str(u.pk), str(u)) for u in staff]


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Record"), required=False, widget=FastSelect)
    user = forms.CharField(label=_("Changed by"), required=False, widget=FastSelect)
    since = CalendarDateField(label=_("From"), required=False)
    until = CalendarDateField(label=_("Until"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All records")), *audit_model_choices()]
        self.fields["user"].widget.choices = user_choices()

    def clean_user(self) -> str:
        value = self.cleaned_data["user"].strip()
        if value and value != SYSTEM and not value.isdigit():
            raise forms.ValidationError(_("Choose a person from the list."), code="invalid")
        return value

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            model=data.get("model") or "",
            user=data.get("user") or "",
            since=data.get("since"),
            until=data.get("until"),
        )
