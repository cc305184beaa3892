"""The time fields of the reply form, and the form of an entry logged on its own from the ticket page.

They validate input only; the services decide (the time required by HELPDESK_REQUIRE_TIME, who may
change an entry) and the views show the services' errors on these fields.
"""

from collections.abc import Callable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.calendar_dates import CalendarDateField
from helpdesk.widgets import FastSelect
from tickets.models import ActivityType
from tickets.timetrack.durations import parse_minutes
from tickets.timetrack.selectors import activity_types_active
from tickets.timetrack.services import TimeSpent, time_required


class DurationField(forms.CharField):
    """Minutes typed as "90" or "1:30", Latin or Persian digits; cleaned to an int (None when empty)
    by `parse` (a time entry's by default: 1 minute to a day)."""

    def __init__(self, *, parse: Callable[[str | None], int | None] = parse_minutes, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse
        self.widget.attrs.update(
            {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off", "size": 6, "maxlength": 10}
        )

    def to_python(self, value):
        return self.parse(super().to_python(value))


class ActivityField(forms.ChoiceField):
    """An active activity type, offered from a list loaded once (the entry's own type too when an
    admin switched it off since, so editing other fields keeps it)."""

    def __init__(self, **kwargs):
        super().__init__(choices=(), widget=FastSelect, **kwargs)
        self.types: dict[str, ActivityType] = {}

    def offer(self, types: list[ActivityType]) -> None:
        self.types = {str(t.pk): t for t in types}
        self.choices = [(key, t.display_name) for key, t in self.types.items()]

    def clean(self, value):
        value = super().clean(value)
        return self.types.get(value) if value else None


def add_time_fields(form: forms.Form, *, activities: list[ActivityType] | None = None) -> None:
    """The reply form's "time spent" and "activity" (the time is optional unless HELPDESK_REQUIRE_TIME)."""
    required = time_required()
    form.fields["minutes"] = DurationField(
        label=_("Time spent (required)") if required else _("Time spent"),
        required=False,  # the service refuses a reply without it (one rule for the page and the API)
        help_text=_("Minutes (90) or hours:minutes (1:30)."),
    )
    form.fields["minutes"].widget.attrs["placeholder"] = _("0:30")
    form.fields["activity"] = ActivityField(label=_("Activity"), required=False)
    form.fields["activity"].offer(activity_types_active() if activities is None else activities)


def time_spent_from(data: dict) -> TimeSpent | None:
    """The TimeSpent of a cleaned reply form, None when no time was typed."""
    minutes = data.get("minutes")
    return TimeSpent(minutes=minutes, activity=data.get("activity")) if minutes else None


class TimeEntryForm(forms.Form):
    """An entry on its own (no message), or a change of one."""

    minutes = DurationField(label=_("Time spent"), help_text=_("Minutes (90) or hours:minutes (1:30)."))
    activity = ActivityField(label=_("Activity"))
    performed_on = CalendarDateField(label=_("Date"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, activities: list[ActivityType] | None = None, entry=None, **kwargs):
        if entry is not None:
            kwargs.setdefault(
                "initial",
                {
                    "minutes": f"{entry.minutes // 60}:{entry.minutes % 60:02d}",
                    "activity": entry.activity_id,
                    "performed_on": entry.performed_on,
                    "note": entry.note,
                },
            )
        else:
            kwargs.setdefault("initial", {"performed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        types = activity_types_active() if activities is None else list(activities)
        if entry is not None and all(t.pk != entry.activity_id for t in types):
            types.append(entry.activity)
        self.fields["activity"].offer(types)
        self.fields["minutes"].widget.attrs["placeholder"] = _("0:30")
