"""Triggers and timed rules in the admin: one form field per condition (built from TRIGGER_FIELDS),
checked by the same service as the API (tickets.triggers.rules), whose errors land on their fields."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import TagListField
from helpdesk.models import Priority, Role, User
from helpdesk.text import split_list
from tickets.models import Channel, Status, TicketType, TimedRule, Trigger, TriggerEvent
from tickets.placeholders import placeholders_known
from tickets.routing.admin import RuleAdmin
from tickets.routing.conditions import TRIGGER_FIELDS
from tickets.triggers import rules

CHOICES = {
    "status": Status.choices,
    "priority": Priority.choices,
    "type": TicketType.choices,
    "channel": Channel.choices,
    "language": settings.LANGUAGES,
    "assignee": [("set", _("Someone owns it")), ("unset", _("Nobody owns it"))],
}
IN_FORM = [name for name in TRIGGER_FIELDS if name != "requester"]  # requesters: through the API
CONDITION_FIELDS = [f"if_{name}" for name in IN_FORM]
ACTION_FIELDS = ["set_status", "set_priority", "set_team", "set_assignee", "set_category", "tags", "note"]
ACTION_FIELDS += ["notify_user", "notify_team", "notify_lead", "reply_en", "reply_fa", "author", "webhook"]


def _condition_field(name: str) -> forms.Field:
    spec = TRIGGER_FIELDS[name]
    if spec.kind == "choice":
        return forms.MultipleChoiceField(
            label=spec.label, choices=CHOICES[name], required=False, widget=forms.CheckboxSelectMultiple
        )
    if spec.kind == "ref":
        assert spec.model is not None
        return forms.ModelMultipleChoiceField(
            label=spec.label,
            queryset=spec.model._default_manager.all(),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 5}),
        )
    return forms.CharField(
        label=spec.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Any of these, one per line or separated by commas (, or ،); Persian letter variants match alike."),
    )


# One form field per condition (`if_<name>`), declared so the admin knows them.
ConditionFields = type("ConditionFields", (forms.Form,), {f"if_{name}": _condition_field(name) for name in IN_FORM})


class AutomationForm(ConditionFields, forms.ModelForm):
    tags = TagListField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agents = User.objects.filter(role__in=(Role.AGENT, Role.ADMIN), is_active=True)
        for name in ("set_assignee", "notify_user", "author"):
            self.fields[name].queryset = agents
        help_text = _(
            "Placeholders: %(names)s. Sent and mailed as an automatic notice: it is not the first response, "
            "so the SLA clock runs on until a person answers."
        ) % {"names": placeholders_known()}
        self.fields["reply_en"].help_text = self.fields["reply_fa"].help_text = help_text
        self.kept = []  # conditions the form does not show (requesters), kept as they are
        for condition in self.instance.conditions if self.instance.pk else []:
            name = condition.get("field")
            if name not in IN_FORM:
                self.kept.append(condition)
            elif TRIGGER_FIELDS[name].kind in ("keywords", "tags"):
                self.initial[f"if_{name}"] = "\n".join(condition.get("values", []))
            else:
                self.initial[f"if_{name}"] = condition.get("values", [])
        if not self.instance.pk:
            self.initial.setdefault("position", rules.next_position(self._meta.model))
        self.initial.setdefault("tags", self.instance.add_tags or [])

    def _conditions(self) -> list[dict]:
        conditions = list(self.kept)
        for name in IN_FORM:
            value = self.cleaned_data.get(f"if_{name}")
            kind = TRIGGER_FIELDS[name].kind
            values = (
                split_list(value or "") if kind in ("keywords", "tags") else [getattr(v, "pk", v) for v in value or []]
            )
            if values:
                conditions.append({"field": name, "values": values})
        return conditions

    def clean(self):
        data = super().clean()
        model = self._meta.model
        fields = {name: data.get(name) for name in rules.FIELDS[model] if name in self.fields}
        fields["conditions"] = conditions = self._conditions()
        fields["add_tags"] = data.get("tags") or []
        try:
            self.rule_data = rules.automation_clean(model, fields)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                self.add_error(self._form_field(key, conditions), errors)
        return data

    def _form_field(self, key: str, conditions: list[dict]) -> str | None:
        if key.startswith("conditions."):
            index = int(key.split(".")[1])
            name = conditions[index]["field"] if index < len(conditions) else ""
            return f"if_{name}" if name in IN_FORM else None
        if key == "add_tags":
            return "tags"
        return key if key in self.fields else None


class TriggerForm(AutomationForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=TriggerEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Trigger
        fields = ["name", "position", "is_active", "stop", *(f for f in ACTION_FIELDS if f != "tags")]


class TimedRuleForm(AutomationForm):
    class Meta:
        model = TimedRule
        fields = ["name", "position", "is_active", "status", "since", "minutes", "business_hours"]
        fields += [f for f in ACTION_FIELDS if f != "tags"]


class AutomationAdmin(RuleAdmin):
    """Saved, switched on and deleted through tickets.triggers.rules."""

    list_display = ["position", "name", "is_active", "disabled_reason"]
    list_display_links = ["name"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    readonly_fields = ["disabled_reason", "disabled_at"]
    first: list[str] = []

    def get_fieldsets(self, request, obj=None):
        sets = [
            (None, {"fields": self.first}),
            (_("Conditions: every filled one must match (none: every ticket)"), {"fields": CONDITION_FIELDS}),
            (_("Actions"), {"fields": ACTION_FIELDS}),
        ]
        if obj is not None:
            sets.append((_("Switched off by the helpdesk"), {"fields": ["disabled_reason", "disabled_at"]}))
        return sets

    def rule_create(self, *, actor: User, data: dict):
        return rules.automation_create(actor=actor, model=self.model, **data)

    def rule_update(self, *, actor: User, rule, changes: dict) -> None:
        rules.automation_update(actor=actor, rule=rule, changes=changes)

    def rule_delete(self, *, actor: User, rule) -> None:
        rules.automation_delete(actor=actor, rule=rule)


@admin.register(Trigger)
class TriggerAdmin(AutomationAdmin):
    form = TriggerForm
    list_display = ["position", "name", "is_active", "stop", "events_text", "disabled_reason"]
    first = ["name", "position", "is_active", "stop", "events"]

    @admin.display(description=_("events"))
    def events_text(self, trigger: Trigger) -> str:
        labels = dict(TriggerEvent.choices)
        return ", ".join(str(labels.get(e, e)) for e in trigger.events or [])


@admin.register(TimedRule)
class TimedRuleAdmin(AutomationAdmin):
    form = TimedRuleForm
    list_display = ["position", "name", "is_active", "status", "since", "minutes", "business_hours", "disabled_reason"]
    first = ["name", "position", "is_active", "status", "since", "minutes", "business_hours"]
