"""Forms of the problem pages, the ticket page's problem card and "solve the problem": they validate;
the views call tickets.problems.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk import dates
from helpdesk import selectors as core_selectors
from helpdesk.api_support import DB_INT_MAX
from helpdesk.models import Team, User
from tickets.models import Problem, RootCause

LINK_CHOICES_CAP = 200  # the ticket's problem card offers the most recently changed unsolved problems


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _root_causes():
    return RootCause.objects.filter(is_active=True)


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Problem.Status.choices]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX // 100, widget=forms.HiddenInput)


class ProblemForm(forms.Form):
    """Create or edit a problem (its status too; solving its incidents is the separate solve action)."""

    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    status = forms.ChoiceField(label=_("Status"), choices=Problem.Status.choices)
    owner = AgentChoiceField(label=_("Owner"), required=False, queryset=None, empty_label=_("Nobody"))
    team = NamedChoiceField(label=_("Team"), required=False, queryset=None, empty_label=_("No team"))
    root_cause = NamedChoiceField(label=_("Root cause"), required=False, queryset=None, empty_label=_("Not known yet"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
    )
    cause = forms.CharField(
        label=_("Cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("What causes the incidents, and the workaround while it lasts."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            core_selectors.agent_list_for(user=user).prefetch_related(None).order_by("full_name", "email")
        )
        self.fields["team"].queryset = Team.objects.filter(is_active=True).order_by("name")
        self.fields["root_cause"].queryset = _root_causes()


class TicketProblemForm(forms.Form):
    """From a ticket: make it an incident of an existing problem, or of a new one named here."""

    problem = forms.ModelChoiceField(
        label=_("Existing problem"), required=False, queryset=None, empty_label=_("Choose…")
    )
    title = forms.CharField(label=_("Or a new problem"), required=False, max_length=200)

    def __init__(self, *args, choices: list[Problem] | None = None, **kwargs):
        """`choices`: the unsolved problems the page loaded (else loaded here)."""
        super().__init__(*args, **kwargs)
        field = self.fields["problem"]
        field.queryset = Problem.objects.all()  # validates a submitted problem (a solved one may take incidents)
        if choices is None:
            choices = list(
                Problem.objects.exclude(status=Problem.Status.SOLVED)
                .order_by("-updated_at", "-id")
                .only("pk", "title")[:LINK_CHOICES_CAP]
            )
        field.choices = [
            ("", field.empty_label),
            *((str(p.pk), f"{dates.local_number(p.pk)} · {p.title}") for p in choices),
        ]

    def clean(self):
        data = super().clean()
        if not data.get("problem") and not (data.get("title") or "").strip():
            raise forms.ValidationError(_("Choose a problem, or give a title for a new one."))
        return data


class ProblemSolveForm(forms.Form):
    solve_incidents = forms.BooleanField(label=_("Solve every open incident too"), required=False, initial=True)
    reply = forms.CharField(
        label=_("Public reply to each open incident, in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
        help_text=_("Sent on their own ticket, before it is solved, to each customer who reads English."),
    )
    reply_fa = forms.CharField(
        label=_("The same reply in Persian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "fa"}),
        help_text=_(
            "For customers who read Persian. Write at least one of the two: a customer whose text is empty gets the other."
        ),
    )
    root_cause = NamedChoiceField(
        label=_("Root cause"),
        required=False,
        queryset=None,
        empty_label=_("The problem's"),
        help_text=_("Given to the incidents that have none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root_cause"].queryset = _root_causes()
