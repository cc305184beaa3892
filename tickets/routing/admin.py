"""The routing rules' admin: one form field per condition, checked by the same service as the API
(tickets.routing.rules), whose errors land on the fields they name."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from customers.models import Contact, Organization, Product, ServiceContract
from helpdesk import dates
from helpdesk.audit.admin import AuditedAdmin
from helpdesk.forms import TagListField
from helpdesk.models import Role, User
from helpdesk.text import split_list
from tickets.models import Category, Channel, Mailbox, RoutingRule
from tickets.routing import rules

# condition name -> the form field that edits it
REF_FIELDS = {
    "mailbox": ("mailboxes", Mailbox, _("Mailboxes")),
    "organization": ("organizations", Organization, _("Organizations")),
    "contract": ("contracts", ServiceContract, _("Contracts")),
    "product": ("products", Product, _("Products")),
    "category": ("categories", Category, _("Categories")),
}
TEXT_FIELDS = {"subject_keywords": "subject_keywords", "body_keywords": "body_keywords"}
CHOICE_FIELDS = {"channel": "channels", "language": "languages"}
FORM_FIELD = {**{k: v[0] for k, v in REF_FIELDS.items()}, **TEXT_FIELDS, **CHOICE_FIELDS, "requester": "requesters"}


RULE_FIELDS = ["name", "position", "is_active", "stop", "set_team", "set_priority", "set_type", "set_assignee"]
RULE_FIELDS += ["set_category"]


class RoutingRuleForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    requesters = forms.CharField(
        label=_("Requesters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Email addresses of contacts, one per line."),
    )
    subject_keywords = forms.CharField(
        label=_("Subject contains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Any of these words, one per line or separated by commas (, or ،); Persian letter variants match alike."
        ),
    )
    body_keywords = forms.CharField(
        label=_("Description contains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Any of these words in the first message, one per line or separated by commas (, or ،)."),
    )
    tags = TagListField()
    mailboxes = forms.ModelMultipleChoiceField(queryset=Mailbox.objects.all(), required=False)
    organizations = forms.ModelMultipleChoiceField(queryset=Organization.objects.all(), required=False)
    contracts = forms.ModelMultipleChoiceField(queryset=ServiceContract.objects.all(), required=False)
    products = forms.ModelMultipleChoiceField(queryset=Product.objects.all(), required=False)
    categories = forms.ModelMultipleChoiceField(queryset=Category.objects.select_related("parent"), required=False)

    class Meta:
        model = RoutingRule
        fields = RULE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, _model, label in REF_FIELDS.values():
            self.fields[field].label = label
            self.fields[field].widget = forms.SelectMultiple(attrs={"size": 6})
            self.fields[field].widget.choices = self.fields[field].choices
            self.fields[field].help_text = _("Hold Ctrl (⌘ on a Mac) to choose more than one.")
        self.fields["set_assignee"].queryset = User.objects.filter(role__in=(Role.AGENT, Role.ADMIN), is_active=True)
        self._initial_conditions(self.instance.conditions if self.instance.pk else [])
        if not self.instance.pk:
            self.initial.setdefault("position", rules.next_position())
        self.initial.setdefault("tags", self.instance.add_tags or [])

    def _initial_conditions(self, conditions: list[dict]) -> None:
        for condition in conditions:
            name, values = condition.get("field"), condition.get("values", [])
            if name == "requester":
                emails = Contact.objects.filter(pk__in=values).values_list("email", flat=True)
                self.initial["requesters"] = "\n".join(emails)
            elif name in TEXT_FIELDS:
                self.initial[name] = "\n".join(values)
            elif name in FORM_FIELD:
                self.initial[FORM_FIELD[name]] = values

    def _conditions(self) -> list[dict]:
        data, conditions = self.cleaned_data, []
        for name, field in CHOICE_FIELDS.items():
            if data.get(field):
                conditions.append({"field": name, "values": list(data[field])})
        for name, (field, _model, _label) in REF_FIELDS.items():
            if data.get(field):
                conditions.append({"field": name, "values": [obj.pk for obj in data[field]]})
        emails = split_list(data.get("requesters", ""))
        if emails:
            found = {c.email.lower(): c.pk for c in Contact.objects.filter(email__in=[e.lower() for e in emails])}
            unknown = [e for e in emails if e.lower() not in found]
            if unknown:
                message = _("No contact has these addresses: %(emails)s") % {"emails": ", ".join(unknown)}
                self.add_error("requesters", message)
            elif found:
                conditions.append({"field": "requester", "values": list(dict.fromkeys(found.values()))})
        for name in TEXT_FIELDS:
            words = split_list(data.get(name, ""))
            if words:
                conditions.append({"field": name, "values": words})
        return conditions

    def clean(self):
        data = super().clean()
        fields = {name: data.get(name) for name in RULE_FIELDS}
        fields["set_priority"] = fields.get("set_priority") or ""
        fields["set_type"] = fields.get("set_type") or ""
        fields["conditions"] = self._conditions()
        fields["add_tags"] = data.get("tags") or []
        try:
            self.rule_data = rules.routing_rule_clean(fields)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                self.add_error(self._form_field(key, fields["conditions"]), errors)
        return data

    def _form_field(self, key: str, conditions: list[dict]) -> str | None:
        """The form field a service error names (`conditions.2.values` -> the field of that condition)."""
        if key.startswith("conditions."):
            index = int(key.split(".")[1])
            return FORM_FIELD.get(conditions[index]["field"]) if index < len(conditions) else None
        if key == "add_tags":
            return "tags"
        return key if key in self.fields else None


class RuleAdmin(AuditedAdmin):
    """The admin of rules kept through their services (routing rules here; triggers and timed rules in
    tickets.triggers.admin): saving, deleting and switching on go through `rule_create`, `rule_update`
    and `rule_delete`, so the admin validates and records exactly as the API does."""

    actions = ["switch_on"]

    def rule_create(self, *, actor: User, data: dict):
        raise NotImplementedError

    def rule_update(self, *, actor: User, rule, changes: dict) -> None:
        raise NotImplementedError

    def rule_delete(self, *, actor: User, rule) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            self.rule_update(actor=request.user, rule=obj, changes=form.rule_data)
        else:
            obj.pk = self.rule_create(actor=request.user, data=form.rule_data).pk

    def save_related(self, request, form, formsets, change):
        """Nothing related: the conditions are saved with the rule."""

    def delete_model(self, request, obj):
        self.rule_delete(actor=request.user, rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self.rule_delete(actor=request.user, rule=rule)

    @admin.action(description=_("Switch the selected rules on"))
    def switch_on(self, request, queryset):
        count = 0
        for rule in queryset.filter(is_active=False):
            try:
                self.rule_update(actor=request.user, rule=rule, changes={"is_active": True})
            except ValidationError as exc:
                problems = "; ".join(message for messages_ in exc.message_dict.values() for message in messages_)
                self.message_user(request, f"{rule}: {problems}", messages.ERROR)
                continue
            count += 1
        self.message_user(
            request,
            dates.fill(
                ngettext("%(count)d rule switched on.", "%(count)d rules switched on.", count), {"count": count}
            ),
            messages.SUCCESS,
        )


@admin.register(RoutingRule)
class RoutingRuleAdmin(RuleAdmin):
    """Rules in the order they run; saved, switched on and deleted through tickets.routing.rules."""

    form = RoutingRuleForm
    list_display = ["position", "name", "is_active", "stop", "conditions_text", "actions_text", "disabled_reason"]
    list_display_links = ["name"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    readonly_fields = ["disabled_reason", "disabled_at"]
    fieldsets = [
        (None, {"fields": ["name", "position", "is_active", "stop"]}),
        (
            _("Conditions: every filled one must match (none: every new ticket)"),
            {
                "fields": ["channels", "mailboxes", "requesters", "organizations", "contracts", "products"]
                + ["categories", "languages", "subject_keywords", "body_keywords"]
            },
        ),
        (_("Actions"), {"fields": ["set_team", "set_priority", "set_type", "set_assignee", "set_category", "tags"]}),
        (_("Switched off by the helpdesk"), {"fields": ["disabled_reason", "disabled_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj is not None else self.fieldsets[:-1]  # nothing switched off yet

    def get_changelist_instance(self, request):
        # The names each row's conditions show, for the page's rules at once (condition_names).
        changelist = super().get_changelist_instance(request)
        condition_names(changelist.result_list)
        return changelist

    @admin.display(description=_("conditions"))
    def conditions_text(self, rule: RoutingRule) -> str:
        from tickets.routing.conditions import FIELDS

        names = getattr(rule, "condition_names", {})
        parts = []
        for condition in rule.conditions or []:
            spec = FIELDS.get(condition.get("field"))
            values = condition.get("values", [])
            if spec and spec.kind == "ref":
                values = [names.get((spec.name, value), value) for value in values]
            parts.append(f"{spec.label if spec else condition.get('field')}: {_shortened(values)}")
        return _separator().join(parts) or str(_("every new ticket"))

    @admin.display(description=_("actions"))
    def actions_text(self, rule: RoutingRule) -> str:
        parts = [
            f"{label}: {value}"
            for label, value in (
                (_("team"), rule.set_team_id and rule.set_team),
                (_("priority"), rule.get_set_priority_display() if rule.set_priority else ""),
                (_("type"), rule.get_set_type_display() if rule.set_type else ""),
                (_("assignee"), rule.set_assignee_id and rule.set_assignee),
                (_("category"), rule.set_category_id and rule.set_category),
                (_("tags"), ", ".join(rule.add_tags or [])),
            )
            if value
        ]
        return _separator().join(parts)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("set_team", "set_assignee", "set_category")

    def rule_create(self, *, actor: User, data: dict):
        return rules.routing_rule_create(actor=actor, **data)

    def rule_update(self, *, actor: User, rule, changes: dict) -> None:
        rules.routing_rule_update(actor=actor, rule=rule, changes=changes)

    def rule_delete(self, *, actor: User, rule) -> None:
        rules.routing_rule_delete(actor=actor, rule=rule)


SHOWN_NAMES = 3  # a condition's values the list shows by name; the rest as "+N"


def _separator() -> str:
    return "؛ " if translation.get_language() == "fa" else "; "


def _shortened(values: list) -> str:
    shown = ", ".join(str(value) for value in values[:SHOWN_NAMES])
    rest = len(values) - SHOWN_NAMES
    return f"{shown} +{dates.local_number(rest)}" if rest > 0 else shown


def condition_names(rules_: list[RoutingRule]) -> None:
    """Give each rule `condition_names`: {(condition, id): name} for the records its conditions name
    (organizations, contracts, …), read with one query per kind of record for all the rules together."""
    from tickets.routing.conditions import FIELDS

    wanted: dict[str, set] = {}
    for rule in rules_:
        for condition in rule.conditions or []:
            spec = FIELDS.get(condition.get("field"))
            if spec and spec.kind == "ref":
                wanted.setdefault(spec.name, set()).update(condition.get("values", []))
    names = {}
    for field, ids in wanted.items():
        records = FIELDS[field].model._default_manager.filter(pk__in=[i for i in ids if isinstance(i, int)])
        if FIELDS[field].model is Category:
            records = records.select_related("parent")
        names.update({(field, record.pk): str(record) for record in records})
    for rule in rules_:
        rule.condition_names = names
