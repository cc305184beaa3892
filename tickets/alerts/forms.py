"""The agent's notification choices: one select per kind (in the app, by mail, both or not at all)."""

from django import forms

from tickets.models import DEFAULT_DELIVERY, Delivery, NotificationKind


class NotificationPreferencesForm(forms.Form):
    """A field per NotificationKind, named after it, initially the agent's current choices."""

    def __init__(self, *args, choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:  # in the order of the kinds, not of the defaults
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=choices.get(kind.value, DEFAULT_DELIVERY[kind.value]),
            )
