"""The API fields a ticket's serializers use for its custom status (beside them in tickets.api)."""

from rest_framework import serializers

from tickets import output
from tickets.models import CustomStatus


class CustomStatusRef(serializers.Serializer):
    """`{id, label}`: the custom status a ticket is on (it stands for the ticket's `status`)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    label = serializers.CharField(source="display_name", read_only=True, help_text="In the caller's language.")


class CustomStatusCustomerRef(serializers.Serializer):
    """`{id, label}` as a customer reads it: the customer label, else the name of the ticket's `status`
    (which it stands for); never the agent label. Reads the ticket (it needs its status)."""

    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(
        read_only=True, help_text="The customer label in the caller's language; without one, the status's name."
    )

    def get_attribute(self, instance):
        return instance

    def to_representation(self, ticket):
        return output.customer_label_ref(ticket.custom_status, ticket.status)


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
