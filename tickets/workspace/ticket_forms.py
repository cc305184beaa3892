"""The agent ticket page's forms: properties, reply, referral, link. They validate input; the views
(tickets.workspace.ticket_views) call the services.

Each form is built where it is shown (the sidebar's panels, tickets.workspace.side_views); the
pickers read their lists once and render with helpdesk.widgets.FastSelect: the same HTML as Django's
Select without a template per option.
"""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import FormTokenField, share_fields
from helpdesk.models import Priority, User
from helpdesk.statements import STAND_IN_ID, CompiledQuerySet
from helpdesk.widgets import FastSelect
from tickets.attachments.forms import KeptFilesForm, MultipleFileField
from tickets.content import MAX_BODY_CHARS
from tickets.models import Category, CustomStatus, RootCause, Status, Tag, TicketLink, TicketType
from tickets.services.common import tag_names_clean
from tickets.timetrack.forms import add_time_fields
from tickets.transitions import ALLOWED
from tickets.workspace.forms import AgentChoiceField, picker_agents, picker_teams, tag_names
from tickets.workspace.pickers import Pickers, pickers_load


def _model_choices(field: forms.ModelChoiceField, objects: list) -> None:
    """Offer `objects` (a list loaded once per page) instead of iterating the field's queryset, which
    reads through a server-side cursor each time the field renders; the queryset still validates."""
    field.choices = [("", field.empty_label), *((str(o.pk), field.label_from_instance(o)) for o in objects)]


class TicketPropertiesForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=FastSelect)
    custom_status = forms.ModelChoiceField(
        label=_("Custom status"),
        required=False,
        queryset=None,
        empty_label=_("None"),
        widget=FastSelect,
        help_text=_("Your team's own name for where the work stands; it sets the status it stands for."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, widget=FastSelect)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, widget=FastSelect)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=None, empty_label=_("No team"), widget=FastSelect
    )
    assignee = AgentChoiceField(
        label=_("Assignee"), required=False, queryset=None, empty_label=_("Unassigned"), widget=FastSelect
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=None, empty_label=_("No category"), widget=FastSelect
    )
    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), required=False, queryset=None, empty_label=_("Not chosen"), widget=FastSelect
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separate tags with commas (, or ،).")
    )

    # The values the agent's page showed (a JSON object of what the fields post), so that a save applies
    # only what the agent changed and refuses what someone else changed meanwhile (tickets.services.seen).
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, ticket, pickers: Pickers | None = None, **kwargs):
        """`pickers`: the page's lists, with the agents, teams and root causes (else loaded here, in one
        query: tickets.workspace.pickers)."""
        self.shown = _shown_values(ticket)
        kwargs.setdefault("initial", {**self.shown, "seen": json.dumps(self.shown)})
        super().__init__(*args, **kwargs)
        self.user, self.ticket, self.pickers = user, ticket, pickers
        if self.is_bound:  # the querysets only validate a submitted choice
            self.fields["team"].queryset = picker_teams(user)
            self.fields["assignee"].queryset = picker_agents(user)
        pickers = pickers_load(user=user, root_causes=True, people=True) if pickers is None else pickers
        _model_choices(self.fields["team"], pickers.teams)
        _model_choices(self.fields["assignee"], pickers.agents)
        _classification_choices(self, pickers=pickers, ticket=ticket)
        allowed = ALLOWED.get(ticket.status, frozenset()) | {ticket.status}
        seen = self.seen_values() if self.is_bound else None
        if seen and self.data.get("status") == seen["status"]:
            allowed |= {seen["status"]}  # left as the page showed it, though the ticket moved on since: no change
        self.fields["status"].choices = [(v, label) for v, label in Status.choices if v in allowed]

    def seen_values(self) -> dict[str, str] | None:
        """What the agent's page showed, None when the post carries no snapshot (then nothing is refused)."""
        try:
            seen = json.loads(self.data.get("seen") or "")
        except ValueError:
            return None
        if not isinstance(seen, dict):
            return None
        return {name: str(seen.get(name) or "") for name in PROPERTY_FIELDS}

    def changed_fields(self) -> list[str]:
        """The fields the agent changed: posted otherwise than the page showed them (than the ticket is,
        without a snapshot); a field not posted is unchanged."""
        seen = self.seen_values() or self.shown
        changed = []
        for name in PROPERTY_FIELDS:
            if name not in self.data:
                continue
            posted, shown = self.data.get(name) or "", seen[name]
            if name == "tags":
                posted, shown = tag_names_clean(tag_names(posted)), tag_names_clean(tag_names(shown))
            if posted != shown:
                changed.append(name)
        return changed

    def edit_arguments(self) -> dict:
        """ticket_edit's arguments from the valid form: only the fields the agent changed, with what
        they saw of them. A new custom status alone brings its base status; a new status alone takes
        the ticket off its custom status (tickets.services.status)."""
        data, changed, seen = self.cleaned_data, self.changed_fields(), self.seen_values()
        arguments: dict = {"changes": {name: data[name] for name in EDIT_FIELDS if name in changed}}
        if "tags" in changed:
            arguments["tags"] = tag_names(data["tags"])
        if "status" in changed:
            arguments["status"] = data["status"]
        if "custom_status" in changed:
            arguments["custom_status"] = data["custom_status"]
        if seen is not None:
            arguments["seen"] = {**{name: seen[name] for name in changed}, "tags": tag_names(seen["tags"])}
        return arguments

    def rebased(self, ticket) -> "TicketPropertiesForm":
        """The form again after a refused save, on the ticket as it is now: the agent's changes kept,
        every other field showing its current value, the snapshot the current one (saving again is a
        deliberate choice) and this form's errors."""
        changed = self.changed_fields()
        data = self.data.copy()
        form = TicketPropertiesForm(data, user=self.user, ticket=ticket, pickers=self.pickers)
        for name in PROPERTY_FIELDS:
            if name not in changed:
                data[name] = form.shown[name]
        data["seen"] = json.dumps(form.shown)
        form.full_clean()
        for name, errors in self.errors.items():
            for error in errors:
                if error not in form.errors.get(name, []):
                    form.add_error(None if name == NON_FIELD_ERRORS else name, error)
        return form


# The properties the form shows and may change; all but the status, custom status and tags are fields
# of ticket_edit's `changes`.
PROPERTY_FIELDS = ("status", "custom_status", "priority", "type", "team", "assignee", "category", "root_cause")
PROPERTY_FIELDS += ("tags",)
EDIT_FIELDS = ("priority", "type", "team", "assignee", "category", "root_cause")


def _shown_values(ticket) -> dict[str, str]:
    """The ticket's properties as the form posts them (a choice's value, a pk, "" for none)."""
    values = {
        "status": ticket.status,
        "custom_status": ticket.custom_status_id,
        "priority": ticket.priority,
        "type": ticket.type,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "category": ticket.category_id,
        "root_cause": ticket.root_cause_id,
        "tags": ", ".join(t.name for t in _tags(ticket)),
    }
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _tags(ticket) -> list[Tag]:
    """The ticket's tags: those prefetched with it (tickets.selectors.ticket_get_for), else one query."""
    if "tags" in getattr(ticket, "_prefetched_objects_cache", {}):
        return list(ticket.tags.all())
    return _TAGS.fetch(ticket_id=ticket.pk)


def _tags_of(ticket_id: int) -> QuerySet[Tag]:
    return Tag.objects.filter(tickets=ticket_id)  # what ticket.tags.all() reads, in the tags' order


_TAGS = CompiledQuerySet(_tags_of, {"ticket_id": STAND_IN_ID})  # compiled once per process


def _classification_choices(form: forms.Form, *, pickers: Pickers, ticket) -> None:
    """The custom status, category and root-cause pickers: the active ones (pickers_load's, with
    root_causes=True), and the ticket's own even when no longer offered, so saving other fields keeps
    it; the services refuse a newly chosen inactive one."""
    custom, category, root_cause = form.fields["custom_status"], form.fields["category"], form.fields["root_cause"]
    custom.queryset = CustomStatus.objects.all()
    category.queryset, root_cause.queryset = Category.objects.all(), RootCause.objects.all()
    reachable = ALLOWED.get(ticket.status, frozenset()) | {ticket.status}
    statuses = [(str(c.pk), c.label) for c in pickers.statuses_for(team_id=ticket.team_id) if c.base in reachable]
    if ticket.custom_status_id and str(ticket.custom_status_id) not in {value for value, _label in statuses}:
        statuses.append((str(ticket.custom_status_id), str(ticket.custom_status)))
    custom.choices = [("", custom.empty_label), *statuses]
    choices = list(pickers.categories)  # a copy: the pickers are kept for later pages (helpdesk.shared_lists)
    if ticket.category_id and str(ticket.category_id) not in {value for value, _label in choices}:
        choices.append((str(ticket.category_id), str(ticket.category)))
    category.choices = [("", category.empty_label), *choices]
    causes = list(pickers.root_causes)
    if ticket.root_cause_id and str(ticket.root_cause_id) not in {value for value, _label in causes}:
        causes.append((str(ticket.root_cause_id), str(ticket.root_cause)))
    root_cause.choices = [("", root_cause.empty_label), *causes]
    if settings.HELPDESK_REQUIRE_ROOT_CAUSE:
        root_cause.help_text = _("Needed to solve the ticket.")


# per form: the status choices follow the ticket; the file box notes what each post cleared (ClearableFileInput)
@share_fields("status", "attachments")
class ReplyForm(KeptFilesForm):
    KIND_CHOICES = [("reply", _("Public reply")), ("note", _("Internal note"))]

    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, initial="reply", widget=forms.RadioSelect)
    body = forms.CharField(
        label=_("Message"), required=False, max_length=MAX_BODY_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )
    status = forms.ChoiceField(label=_("Submit as"), required=False, widget=FastSelect)
    attachments = MultipleFileField(label=_("Attachments"))
    seen = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    token = FormTokenField()  # a double submit stores one message (tickets.workspace.ticket_views)
    # Knowledge-base articles inserted into the text, as "id:mode" words (tickets.kb_integration).
    articles = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, ticket, activities: list | None = None, seen=None, **kwargs):
        """`activities`: the active activity types, loaded once for the page (else loaded here); `seen`: the
        moment the page shows the ticket as of (timeline.seen_at; else the ticket's last change)."""
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        add_time_fields(self, activities=activities)  # "minutes" and "activity" (tickets.timetrack)
        allowed = ALLOWED.get(ticket.status, frozenset())
        # the status the agent chose may be the one a colleague has set meanwhile: taken as "keep"
        # (clean_status), so the reply meets the collision check rather than an invalid choice
        chosen = allowed | ({ticket.status} if self.is_bound and self.data.get("status") == ticket.status else set())
        self.fields["status"].choices = [
            ("", _("Keep status (%(status)s)") % {"status": ticket.get_status_display()})
        ] + [(v, label) for v, label in Status.choices if v in chosen and v != Status.CLOSED]
        if not self.is_bound:
            self.initial.setdefault("seen", seen or ticket.updated_at)
            if Status.PENDING in allowed:
                self.initial.setdefault("status", Status.PENDING)

    def clean_status(self) -> str:
        status = self.cleaned_data.get("status") or ""
        return "" if status == self.ticket.status else status


class ReferForm(forms.Form):
    to_team = forms.ModelChoiceField(
        label=_("Refer to team"), queryset=None, empty_label=_("Choose a team…"), widget=FastSelect
    )
    note = forms.CharField(label=_("Question or hand-off note"), widget=forms.Textarea(attrs={"rows": 3}))
    handoff = forms.BooleanField(label=_("Hand the ticket over to this team"), required=False)

    def __init__(self, *args, user: User, teams: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.fields["to_team"].queryset = picker_teams(user)
        _model_choices(self.fields["to_team"], list(picker_teams(user)) if teams is None else teams)


class ReferralAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


LINK_ACTIONS = [(value, label) for value, label in TicketLink.Kind.choices] + [("merge", _("Merge this ticket into"))]


class LinkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=LINK_ACTIONS, widget=FastSelect)
    number = forms.CharField(label=_("Ticket number"), max_length=20)

    def clean_number(self):
        from helpdesk.text import normalize_text

        digits = normalize_text(self.cleaned_data["number"]).lstrip("#").strip()
        if not digits.isdigit():
            raise ValidationError(_("Enter a ticket number."))
        return int(digits)


# --- new tickets and calls --------------------------------------------------------------------
