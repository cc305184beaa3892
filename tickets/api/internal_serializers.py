"""Serializers of the tickets API's internal parts, beside tickets.api.internal: referrals, links and merge."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.models import Team
from tickets.api.serializers import NamedRef, UserRef
from tickets.models import Referral, Status, TicketLink


class ReferralOutput(serializers.ModelSerializer):
    from_team = NamedRef(read_only=True, allow_null=True)
    to_team = NamedRef(read_only=True)
    requested_by = UserRef(read_only=True, allow_null=True)
    answered_by = UserRef(read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "ticket",
            "from_team",
            "to_team",
            "requested_by",
            "note",
            "handoff",
            "state",
            "answer",
            "answered_by",
            "answered_at",
            "due_at",
            "customer_informed_at",
            "created_at",
        ]
        read_only_fields = fields


class ReferralCreateInput(serializers.Serializer):
    to_team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(is_active=True))
    note = serializers.CharField(max_length=20_000)
    handoff = serializers.BooleanField(required=False, default=False)


class ReferralAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=20_000)


class TicketBrief(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    subject = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)


class LinkOutput(serializers.ModelSerializer):
    other = serializers.SerializerMethodField(help_text="The ticket at the other end of the link.")

    class Meta:
        model = TicketLink
        fields = ["id", "kind", "from_ticket", "to_ticket", "other", "created_at"]
        read_only_fields = fields

    @extend_schema_field(TicketBrief)
    def get_other(self, link: TicketLink) -> dict:
        ticket_id = self.context.get("ticket_id")
        other = link.to_ticket if link.from_ticket_id == ticket_id else link.from_ticket
        return TicketBrief(other).data


class LinkCreateInput(serializers.Serializer):
    other = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The other ticket's id.")
    kind = serializers.ChoiceField(choices=TicketLink.Kind.choices)


class MergeInput(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The ticket to merge this one into.")
