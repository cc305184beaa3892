"""Forms of the customer portal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from helpdesk.forms import FormTokenField
from helpdesk.models import Priority
from tickets.attachments.forms import KeptFilesForm, MultipleFileField
from tickets.content import MAX_BODY_CHARS
from tickets.models import TicketType
from tickets.ratings import CHOOSE_A_SCORE, SCORES

# What the customer says about the impact, and the priority and type it means (urgent is for agents).
IMPACTS = {
    "blocks": (_("It blocks my work"), Priority.HIGH, TicketType.INCIDENT),
    "slows": (_("It slows me down"), Priority.NORMAL, TicketType.INCIDENT),
    "question": (_("It's a question"), Priority.LOW, TicketType.QUESTION),
}


class NewRequestForm(KeptFilesForm):
    # A refused send keeps its valid files, listed ticked on the form shown again (as a reply's are)
    subject = forms.CharField(label=_("What do you need help with?"), max_length=255)
    description = forms.CharField(
        label=_("Tell us more"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What happened, what you expected, and any error message you saw."),
    )
    product = forms.ModelChoiceField(
        label=_("Product or service"), queryset=Product.objects.none(), required=False, empty_label=_("Not sure")
    )
    impact = forms.ChoiceField(
        label=_("How much does it affect you?"),
        choices=[(key, label) for key, (label, _p, _t) in IMPACTS.items()],
        initial="slows",
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, products=None, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products

    def priority_and_type(self) -> tuple[str, str]:
        _label, priority, ticket_type = IMPACTS[self.cleaned_data["impact"]]
        return priority, ticket_type


class ReplyForm(KeptFilesForm):
    # May be empty when a file goes with it (KeptFilesForm.clean)
    body = forms.CharField(
        label=_("Your reply"), required=False, max_length=MAX_BODY_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Attachments"))
    token = FormTokenField()  # a double submit stores one reply (tickets.portal.views)


class FollowUpForm(KeptFilesForm):
    body = forms.CharField(
        label=_("What is still wrong?"),
        required=False,  # may be empty when a file goes with it (KeptFilesForm.clean)
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(label=_("Attachments"))
    token = FormTokenField()  # a double submit opens one follow-up (tickets.portal.views)


SCORE_LABELS = {
    1: _("Very bad"),
    2: _("Bad"),
    3: _("Okay"),
    4: _("Good"),
    5: _("Great"),
}


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How did we do?"),
        coerce=int,
        choices=[(s, SCORE_LABELS[s]) for s in SCORES],
        widget=forms.RadioSelect,
        # What to do, as the service says it: not "This field is required." under a row of buttons
        error_messages={"required": CHOOSE_A_SCORE, "invalid_choice": CHOOSE_A_SCORE},
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequestListForm(forms.Form):
    """The "all my requests" page's filters (GET): a status (tickets.portal.home.REQUEST_STATUSES) and words."""

    status = forms.ChoiceField(
        choices=[("all", _("All")), ("open", _("Open")), ("solved", _("Solved"))], required=False
    )
    q = forms.CharField(label=_("Search your requests"), required=False, max_length=200)
