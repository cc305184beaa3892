"""The API's output of ratings and follow-ups (tickets.satisfaction.api, and the agent's ticket detail)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets.models import RatingFollowUp, SatisfactionRating
from tickets.output import person_ref
from tickets.satisfaction.selectors import TicketSatisfaction


class Ref(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, source="__str__")


class FollowUpOutput(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    open = serializers.BooleanField(source="is_open", read_only=True)
    resolved_by = serializers.SerializerMethodField()

    class Meta:
        model = RatingFollowUp
        fields = ["id", "ticket", "score", "open", "created_at", "resolved_at", "resolved_by", "note"]
        read_only_fields = fields

    def get_resolved_by(self, follow_up: RatingFollowUp) -> dict | None:
        return person_ref(follow_up.resolved_by)


class RatingCustomerOutput(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)

    class Meta:
        model = SatisfactionRating
        fields = ["id", "ticket", "score", "comment", "created_at", "updated_at"]
        read_only_fields = fields


class RatingOutput(RatingCustomerOutput):
    """A rating as agents see it: with the ticket's subject, people and names, and its follow-up."""

    subject = serializers.CharField(source="ticket.subject", read_only=True)
    contact = Ref(read_only=True, allow_null=True)
    team = Ref(source="ticket.team", read_only=True, allow_null=True)
    agent = Ref(source="ticket.assignee", read_only=True, allow_null=True)
    product = Ref(source="ticket.product", read_only=True, allow_null=True)
    organization = Ref(source="ticket.organization", read_only=True, allow_null=True)
    follow_up = serializers.SerializerMethodField(help_text="The latest follow-up of a bad rating, if any.")

    class Meta(RatingCustomerOutput.Meta):
        fields = [*RatingCustomerOutput.Meta.fields, "subject", "contact", "team", "agent", "product"]
        fields += ["organization", "follow_up"]
        read_only_fields = fields

    @extend_schema_field(FollowUpOutput(allow_null=True))
    def get_follow_up(self, rating: SatisfactionRating) -> dict | None:
        follow_up = next(iter(rating.follow_ups.all()), None)  # prefetched, newest first
        return FollowUpOutput(follow_up).data if follow_up else None


class TicketSatisfactionOutput(serializers.Serializer):
    """A ticket's satisfaction as the agent's ticket detail shows it."""

    rating = RatingCustomerOutput(allow_null=True)
    survey_queued_at = serializers.DateTimeField(allow_null=True)
    survey_sent_at = serializers.DateTimeField(
        allow_null=True, help_text="When its mail went (null: not yet or dropped)."
    )
    follow_up = FollowUpOutput(allow_null=True, help_text="The latest follow-up of a bad rating, if any.")

    def to_representation(self, data: TicketSatisfaction) -> dict:
        notification = data.survey.notification if data.survey else None
        sent = notification.sent_at if notification is not None and not notification.dropped else None
        return {
            "rating": RatingCustomerOutput(data.rating).data if data.rating else None,
            "survey_queued_at": serializers.DateTimeField().to_representation(data.survey.queued_at)
            if data.survey
            else None,
            "survey_sent_at": serializers.DateTimeField().to_representation(sent) if sent else None,
            "follow_up": FollowUpOutput(data.follow_up).data if data.follow_up else None,
        }
