"""The API fields a ticket's serializers use for its custom status (beside them in tickets.api)."""

from rest_framework import serializers

from tickets.models import CustomStatus


class CustomStatusRef(serializers.Serializer):
    """`{id, label}`: the custom status a ticket is on (it stands for the ticket's `status`)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    label = serializers.CharField(source="display_name", read_only=True, help_text="In the caller's language.")


def custom_status_input() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=CustomStatus.objects.all(),
        required=False,
        allow_null=True,
        help_text=(
            "A custom status (`/api/v1/custom-statuses/`): the ticket moves to the status it stands for, on the"
            " same transition table (409 when refused); `null` takes it off. With `status`, both must agree (400)."
        ),
    )
