"""Forms of the agent workspace: they validate input; the views then call the services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from helpdesk import selectors as core_selectors
from helpdesk.api_support import DB_INT_MAX
from helpdesk.forms import share_fields
from helpdesk.models import Priority, User
from helpdesk.text import split_list
from tickets.attachments.forms import MultipleFileField
from tickets.content import MAX_BODY_CHARS
from tickets.models import Category, Channel, CustomStatus, SlaState, Status, TicketType
from tickets.workspace.lists import PAGE_SIZE, SORTS, VIEW_KEYS
from tickets.workspace.pickers import Pickers, pickers_load


def _blank(label, choices):
    return [("", label), *choices]


def picker_agents(user: User):
    return core_selectors.agent_list_for(user=user).prefetch_related(None).order_by("full_name", "email")


def picker_teams(user: User):
    return core_selectors.team_list_for(user=user).order_by("name")


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


def tag_names(value: str) -> list[str]:
    return split_list(value)


# --- lists ------------------------------------------------------------------------------------


@share_fields("custom_status", "team", "assignee")  # their choices are read per user (pickers)
class TicketFilterForm(forms.Form):
    # A built-in view's key, or the id of a saved view (tickets.workspace.saved_views).
    view = forms.CharField(label=_("View"), required=False, max_length=20, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(_("Any status"), Status.choices))
    custom_status = forms.ChoiceField(label=_("Custom status"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_blank(_("Any priority"), Priority.choices)
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=_blank(_("Any type"), TicketType.choices))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_blank(_("Any channel"), Channel.choices))
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=None, empty_label=_("Any team"))
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    sla_state = forms.ChoiceField(
        label=_("SLA"),
        required=False,
        choices=_blank(
            _("Any SLA state"),
            [(SlaState.WARNING, SlaState.WARNING.label), (SlaState.BREACHED, SlaState.BREACHED.label)],
        ),
    )
    follow_up = forms.ChoiceField(
        label=_("Satisfaction"), required=False, choices=[("", _("Any rating")), ("open", _("To follow up"))]
    )
    requester = forms.IntegerField(
        label=_("Requester"), required=False, min_value=1, max_value=DB_INT_MAX, widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORTS.items()))
    # Bounded so that the page's OFFSET fits the database's integers.
    page = forms.IntegerField(
        label=_("Page"), required=False, min_value=1, max_value=DB_INT_MAX // PAGE_SIZE, widget=forms.HiddenInput
    )

    def error_labels(self) -> list[str]:
        """The people's names of the fields that did not validate ("Search", not "q"), for the list's notice."""
        return [str(self.fields[name].label) if name in self.fields else name for name in self.errors]

    FILTER_FIELDS = (
        *("q", "status", "priority", "type", "channel", "team", "assignee", "tag", "sla_state", "follow_up"),
        *("requester", "custom_status"),
    )

    def __init__(self, *args, user: User, pickers: Pickers | None = None, **kwargs):
        """`pickers`: what pickers_load(people=True, categories=False) reads, when the list page read it already."""
        super().__init__(*args, **kwargs)
        # Loaded once, in one query: the custom statuses, agents and teams its filters offer.
        self.pickers = pickers or pickers_load(user=user, people=True, categories=False)
        self.agents = self.pickers.agents
        self.teams = self.pickers.teams
        team = self.fields["team"]
        if self.is_bound and self.data.get("team"):  # validates a submitted team; shown, the choices below
            team.queryset = picker_teams(user)
        key = ("list-filters", translation.get_language())
        if key not in self.pickers.derived:
            self.pickers.derived[key] = self._picker_choices(self.pickers, team)
        self.read_choices, self._read_choices_repr = self.pickers.derived[key]
        for name, choices in self.read_choices.items():
            # as a callable, checked and normalised only when shown or a value is submitted: most lists
            # take the panel kept under panel_key ({% kept %}) and filter by none of these
            self.fields[name].choices = lambda choices=choices: choices

    PANEL_CHOICES = ("custom_status", "team", "assignee")  # the choices read from the database

    @classmethod
    def _picker_choices(cls, pickers: Pickers, team: forms.ModelChoiceField) -> tuple[dict, str]:
        """The choices of the filters read from the database, their labels in the active language, and
        their repr for panel_key: once per kept pickers and language (Pickers.derived)."""
        choices = {
            "custom_status": [("", _("Any custom status")), *((str(c.pk), c.label) for c in pickers.statuses)],
            "team": [("", team.empty_label), *((str(t.pk), team.label_from_instance(t)) for t in pickers.teams)],
            "assignee": [
                ("", _("Anyone")),
                ("me", _("Me")),
                ("none", _("Unassigned")),
                *((str(a.pk), a.get_full_name()) for a in pickers.agents),
            ],
        }
        choices = {name: [(value, str(label)) for value, label in options] for name, options in choices.items()}
        return choices, repr([choices[name] for name in cls.PANEL_CHOICES])

    def clean_view(self):
        value = (self.cleaned_data.get("view") or "").strip()
        if value and value not in VIEW_KEYS and not value.isdigit():
            raise ValidationError(_("Unknown view."))
        return value

    @property
    def is_filtered(self) -> bool:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return any(data.get(name) for name in self.FILTER_FIELDS)

    def panel_key(self) -> str:
        """Everything the list's filter panel shows but its language: each of its fields' submitted value
        and whether it was refused, and the choices read from the database. The list page keeps the
        panel's HTML under it ({% kept %}), so the panel is rendered once per language, choices and
        values (the search words are not in the panel: every search shares the panel of its filters)."""
        data = self.data if self.is_bound else {}
        refused = set(self.errors) if self.is_bound else set()
        shown = [name for name, field in self.fields.items() if not field.widget.is_hidden and name != "q"]
        values = [(name, data.get(name), name in refused) for name in shown]
        return repr(values) + self._read_choices_repr


BULK_ACTIONS = [
    ("assign", _("Assign to")),
    ("team", _("Move to team")),
    ("status", _("Set status")),
    ("priority", _("Set priority")),
    ("tag", _("Add tag")),
    ("merge", _("Merge into the oldest selected")),
    ("feedback", _("Link to feedback item")),
    ("category", _("Set category")),
    ("problem", _("Link to problem")),
    ("custom_status", _("Set custom status")),
    ("spam", _("Mark as spam")),
]


class ClearingChoiceField(forms.ModelChoiceField):
    """A bulk change's new value: "" until the agent chooses, "none" to clear it (None), else a row's id."""

    NONE = "none"

    def to_python(self, value):
        return None if value == self.NONE else super().to_python(value)


BULK_CHOOSE = {  # what a bulk change that clears on "none" says when nothing was chosen
    "team": lambda: _("Choose a team, or No team."),
    "category": lambda: _("Choose a category, or No category."),
    "custom_status": lambda: _("Choose a custom status, or None."),
}


class BulkActionForm(forms.Form):
    tickets = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": _("Select tickets first.")}
    )
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTIONS)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    team = ClearingChoiceField(label=_("Team"), required=False, queryset=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(_("Choose…"), Status.choices))
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=_blank(_("Choose…"), Priority.choices))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    feedback_item = forms.IntegerField(
        label=_("Feedback item number"), required=False, min_value=1, max_value=DB_INT_MAX
    )
    category = ClearingChoiceField(label=_("Category"), required=False, queryset=None)
    problem = forms.IntegerField(label=_("Problem number"), required=False, min_value=1, max_value=DB_INT_MAX)
    custom_status = ClearingChoiceField(label=_("Custom status"), required=False, queryset=None)
    # "spam": block the requesters of the tickets that came by email (tickets.services.spam_block_default)
    block_sender = forms.BooleanField(label=_("Also block the senders of email tickets"), required=False, initial=True)

    def __init__(self, *args, user: User, **kwargs):
        """Its own agents, teams and pickers: the list's filter form reads no categories, and the bar
        loads after the list (ticket_bulk_fields) or with it only when asked for (?bulk=1)."""
        super().__init__(*args, **kwargs)
        self.agents = {str(a.pk): a for a in picker_agents(user)}
        self.fields["assignee"].choices = [
            ("", _("Choose…")),
            ("none", _("Nobody")),
            *((k, a.get_full_name()) for k, a in self.agents.items()),
        ]
        choose = ("", _("Choose…"))
        team = self.fields["team"]
        team.queryset = picker_teams(user)  # validates a submitted team
        team.choices = lambda: [  # read only when the bar is shown
            choose,
            (ClearingChoiceField.NONE, _("No team")),
            *((str(t.pk), str(t)) for t in team.queryset),
        ]
        category = self.fields["category"]
        category.queryset = Category.objects.all()  # validates; the service refuses an inactive one
        pickers = pickers_load(user=user)
        category.choices = [choose, (ClearingChoiceField.NONE, _("No category")), *pickers.categories]
        custom = self.fields["custom_status"]
        custom.queryset = CustomStatus.objects.all()  # validates; the service checks it is offered
        custom.choices = [
            choose,
            (ClearingChoiceField.NONE, _("None (take tickets off it)")),
            *((str(c.pk), c.label) for c in pickers.statuses),
        ]
        ids = self.data.getlist("tickets") if hasattr(self.data, "getlist") else self.data.get("tickets", [])
        self.fields["tickets"].choices = [(i, i) for i in ids]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in BULK_CHOOSE and not self.data.get(action):
            self.add_error(action, BULK_CHOOSE[action]())
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose who gets the tickets."))
        if action == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        if action == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose a priority."))
        if action == "feedback" and not data.get("feedback_item"):
            self.add_error("feedback_item", _("Give the feedback item's number."))
        if action == "problem" and not data.get("problem"):
            self.add_error("problem", _("Give the problem's number."))
        if action == "tag" and not (data.get("tag") or "").strip():
            self.add_error("tag", _("Type a tag."))
        if action == "merge" and len(set(data.get("tickets") or [])) < 2:
            self.add_error("tickets", _("Select at least two tickets to merge."))
        return data

    def assignee_user(self) -> User | None:
        return self.agents.get(self.cleaned_data.get("assignee") or "")


def contact_language_field() -> forms.ChoiceField:
    help_text = _("Mail to them is written in it. Left as it is: Persian when the name, subject or message is.")
    choices = [("", _("From what is written")), *settings.LANGUAGES]
    return forms.ChoiceField(
        label=_("Language (for a new contact)"), required=False, choices=choices, help_text=help_text
    )


class ContactFields(forms.Form):
    # An email or a phone number: customers.services.contact_errors decides, for every channel.
    email = forms.EmailField(label=_("Customer email"), required=False)
    full_name = forms.CharField(label=_("Name (for a new contact)"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone (for a new contact)"), required=False, max_length=40)
    organization_name = forms.CharField(
        label=_("Organization (for a new contact)"),
        required=False,
        max_length=200,
        help_text=_("An existing organization's name, or a new one to create. Empty: by the email's domain."),
    )
    language = contact_language_field()


class NewTicketForm(ContactFields):
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Description"), max_length=MAX_BODY_CHARS, widget=forms.Textarea(attrs={"rows": 6}))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.AGENT)
    # No choice: normal, unless a routing rule sets a priority (tickets.services.open._chosen_by_agent).
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=_blank(_("Automatic"), Priority.choices),
        help_text=_("Automatic: normal, unless a routing rule sets the priority."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial=TicketType.QUESTION)
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=None, empty_label=_("Default team"))
    assignee = AgentChoiceField(label=_("Assignee"), required=False, queryset=None, empty_label=_("Unassigned"))
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separate tags with commas (, or ،).")
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = picker_teams(user)
        self.fields["assignee"].queryset = picker_agents(user)


# --- macros, saved views ----------------------------------------------------------------------


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=_(
            "Placeholders: {{customer.name}}, {{customer.first_name}}, {{ticket.number}}, "
            "{{ticket.subject}}, {{agent.name}}, {{organization.name}}."
        ),
    )
    internal = forms.TypedChoiceField(
        label=_("Posts"),
        choices=[("0", _("A public reply")), ("1", _("An internal note"))],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(label=_("Set status"), required=False, choices=_blank(_("Keep status"), Status.choices))
    priority = forms.ChoiceField(
        label=_("Set priority"), required=False, choices=_blank(_("Keep priority"), Priority.choices)
    )
    type = forms.ChoiceField(label=_("Set type"), required=False, choices=_blank(_("Keep type"), TicketType.choices))
    team = forms.ModelChoiceField(label=_("Move to team"), required=False, queryset=None, empty_label=_("Keep team"))
    add_tags = forms.CharField(
        label=_("Add tags"), required=False, max_length=500, help_text=_("Separate tags with commas (, or ،).")
    )
    shared_with_team = forms.ModelChoiceField(
        label=_("Share with team"), required=False, queryset=None, empty_label=_("Only me")
    )
    is_global = forms.BooleanField(label=_("For everyone (all agents)"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = picker_teams(user)
        self.fields["shared_with_team"].queryset = picker_teams(user) if user.is_admin else user.teams.order_by("name")
        if not user.is_admin:
            del self.fields["is_global"]

    @staticmethod
    def initial_for(macro) -> dict:
        return {
            "name": macro.name,
            "body": macro.body,
            "internal": "1" if macro.internal else "0",
            "status": macro.status,
            "priority": macro.priority,
            "type": macro.type,
            "team": macro.team_id,
            "add_tags": ", ".join(macro.add_tags or []),
            "shared_with_team": macro.shared_with_team_id,
            "is_global": macro.is_global,
            "is_active": macro.is_active,
        }

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["add_tags"] = tag_names(data["add_tags"])
        data.setdefault("is_global", False)
        return data


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=80)
    shared_with_team = forms.ModelChoiceField(
        label=_("Share with"), required=False, queryset=None, empty_label=_("Only me")
    )
    columns = forms.MultipleChoiceField(label=_("Columns"), required=False, widget=forms.CheckboxSelectMultiple)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    saved = forms.IntegerField(required=False, widget=forms.HiddenInput)  # rename/edit this saved view

    def __init__(self, *args, user: User, teams=None, **kwargs):
        from tickets.workspace.saved_views import COLUMNS

        super().__init__(*args, **kwargs)
        self.fields["shared_with_team"].queryset = teams if teams is not None else user.teams.order_by("name")
        self.fields["columns"].choices = list(COLUMNS.items())
