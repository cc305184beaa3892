"""The API's time fields, shared by the time-entry endpoints and a reply's or note's input
(tickets.api.serializers.MessageCreateInput), which may log the time spent with the message."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets.models import MAX_ENTRY_MINUTES, ActivityType
from tickets.timetrack.durations import parse_minutes
from tickets.timetrack.services import TimeSpent


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "maximum": MAX_ENTRY_MINUTES},
            {"type": "string", "example": "1:30"},
        ]
    }
)
class MinutesField(serializers.Field):
    """Minutes as a number (90) or a string: "90", "1:30", Persian digits too."""

    default_error_messages = {"invalid": _("Type minutes (90) or hours:minutes (1:30).")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        try:
            minutes = parse_minutes(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        if minutes is None:
            self.fail("invalid")
        return minutes

    def to_representation(self, value):
        return value


MINUTES_HELP = f'1 to {MAX_ENTRY_MINUTES}: a number, or "1:30" (hours:minutes).'


def activity_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=ActivityType.objects.all(), **kwargs)


class TimeSpentInput(serializers.Serializer):
    """Agents: the time spent on a reply or note; required when the site sets HELPDESK_REQUIRE_TIME."""

    minutes = MinutesField(required=False, help_text="Agents: time spent on it. " + MINUTES_HELP)
    activity = activity_field(
        required=False, help_text="Agents: the activity of `minutes` (default: the first active)."
    )


def time_spent_of(values: dict) -> TimeSpent | None:
    """The TimeSpent of validated input, None without minutes."""
    minutes = values.get("minutes")
    return TimeSpent(minutes=minutes, activity=values.get("activity")) if minutes else None
