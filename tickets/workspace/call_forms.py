"""Forms of logging a phone call: finding the caller, then the call itself. They validate input; the
view calls tickets.calls.call_log."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Priority
from tickets.calls import call_duration_read
from tickets.content import MAX_BODY_CHARS
from tickets.timetrack.forms import DurationField
from tickets.workspace.forms import contact_language_field


class CallFindForm(forms.Form):
    caller = forms.CharField(label=_("Caller's phone number or email"), required=False, max_length=200)


class CallForm(forms.Form):
    DIRECTIONS = [("inbound", _("Inbound (they called us)")), ("outbound", _("Outbound (we called them)"))]

    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(label=_("Email of a new contact"), required=False)
    full_name = forms.CharField(label=_("Name of a new contact"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    language = contact_language_field()
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS, initial="inbound", widget=forms.RadioSelect)
    duration = DurationField(
        label=_("Duration"),
        parse=call_duration_read,
        initial=5,
        help_text=_("Minutes (90) or hours:minutes (1:30)."),
    )
    ticket = forms.IntegerField(label=_("Add to ticket"), required=False)
    subject = forms.CharField(label=_("Subject (for a new ticket)"), required=False, max_length=255)
    # No choice: normal, unless a routing rule sets a priority (tickets.services.open._chosen_by_agent), as on
    # the new-ticket form.
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("Automatic")), *Priority.choices],
        help_text=_("Automatic: normal, unless a routing rule sets the priority."),
    )
    notes = forms.CharField(
        label=_("Call notes"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only agents see the call notes: they are kept as an internal note."),
    )
    public_message = forms.CharField(
        label=_("Message to the customer (public)"),
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_(
            "The customer sees this: it is shown on their request and emailed to them, signed by you. "
            "Leave it empty to keep the call private."
        ),
    )

    def clean(self):
        data = super().clean()
        # Without a contact, the email or phone makes one (customers.services.contact_errors decides).
        if not data.get("ticket") and not (data.get("subject") or "").strip():
            self.add_error("subject", _("A new ticket needs a subject."))
        return data
