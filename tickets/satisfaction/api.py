"""Satisfaction in the API: `/api/v1/ratings/` (agents: every rating, filtered), `ratings/summary/`
(the roll-up figures), `tickets/{id}/rating/` (a customer rates their own solved ticket; agents read
it) and `rating-follow-ups/{id}/done/`. Views validate, call the one writer, serialize."""

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api_support import FilterSet, IdFilter, IsoDateTimeFilter
from helpdesk.exceptions import NotAllowed, NotVisible
from helpdesk.permissions import IsAgent
from tickets import ratings
from tickets.api.common import ERR_400, ERR_401_403, ERR_404, ERR_409, TicketsAPIView
from tickets.models import RatingFollowUp, SatisfactionRating
from tickets.satisfaction import follow_ups, selectors, stats
from tickets.satisfaction.serializers import FollowUpOutput, RatingCustomerOutput, RatingOutput


class RatingInput(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class FollowUpDoneInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class RatingFilter(FilterSet):
    team = IdFilter(field_name="ticket__team_id")
    agent = IdFilter(field_name="ticket__assignee_id")
    product = IdFilter(field_name="ticket__product_id")
    organization = IdFilter(field_name="ticket__organization_id")
    score = django_filters.MultipleChoiceFilter(choices=[(s, str(s)) for s in ratings.SCORES])
    rated_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label="Rated at or after")
    rated_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt", label="Rated before")
    follow_up = django_filters.ChoiceFilter(
        choices=[("open", "open"), ("done", "done"), ("none", "none")],
        method="filter_follow_up",
        label="`open`: a follow-up waits; `done`: all done; `none`: never had one",
    )

    class Meta:
        model = SatisfactionRating
        fields: list[str] = []

    def filter_follow_up(self, qs: QuerySet[SatisfactionRating], name: str, value: str) -> QuerySet:
        follow_ups_of = RatingFollowUp.objects.filter(ticket_id=OuterRef("ticket_id"))
        if value == "open":
            return qs.filter(Exists(follow_ups_of.filter(resolved_at__isnull=True)))
        if value == "done":
            return qs.filter(Exists(follow_ups_of)).exclude(Exists(follow_ups_of.filter(resolved_at__isnull=True)))
        return qs.exclude(Exists(follow_ups_of))


class RatingListView(generics.ListAPIView):
    """Every rating, newest first (agents only): `?team=`, `?agent=`, `?product=`, `?organization=`,
    `?score=1&score=2`, `?rated_after=`, `?rated_before=`, `?follow_up=open|done|none`."""

    permission_classes = [IsAgent]
    serializer_class = RatingOutput
    filterset_class = RatingFilter
    ordering_fields = ["created_at", "score", "id"]

    def get_queryset(self) -> QuerySet[SatisfactionRating]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator, with no user
            return SatisfactionRating.objects.none()
        return selectors.rating_list_for(user=self.request.user).order_by("-created_at", "-id")


class SummaryQuery(serializers.Serializer):
    group = serializers.ChoiceField(choices=list(stats.GROUPS))
    to = serializers.DateTimeField(required=False, default=None)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = serializers.DateTimeField(required=False, default=None)  # a keyword in Python
        return fields


class SummaryRowOutput(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="The group's id, or the period's first day (ISO date).")
    label = serializers.CharField(help_text="The agent's, team's, product's or organization's name.")
    ratings = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=serializers.IntegerField(), help_text='Scores "1" to "5".')
    satisfied_percent = serializers.FloatField(allow_null=True, help_text="Ratings of 4 or 5, in percent.")
    surveys_sent = serializers.IntegerField()
    responded = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True, help_text="Responded / surveys sent, in percent.")

    def to_representation(self, row: stats.SatisfactionRow) -> dict:
        data = super().to_representation(row)
        data["key"] = None if row.key is None else str(row.key)
        data["distribution"] = {str(score): count for score, count in row.distribution.items()}
        return data


class SummaryOutput(serializers.Serializer):
    group = serializers.CharField()
    rows = SummaryRowOutput(many=True)
    total = SummaryRowOutput()


class RatingSummaryView(generics.GenericAPIView):
    """Satisfaction figures grouped by `agent`, `team`, `product`, `organization`, `category`, `day`, `week` or
    `month`: ratings given in [from, to), surveys queued then and sent, and how many were answered."""

    permission_classes = [IsAgent]
    serializer_class = SummaryOutput
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("group", OpenApiTypes.STR, enum=list(stats.GROUPS), required=True),
            OpenApiParameter("from", OpenApiTypes.DATETIME, description="From this moment (inclusive)."),
            OpenApiParameter("to", OpenApiTypes.DATETIME, description="Until this moment (exclusive)."),
        ],
        responses={200: SummaryOutput, **ERR_400, **ERR_401_403},
    )
    def get(self, request: Request) -> Response:
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        summary = stats.satisfaction_summary(group=values["group"], date_from=values["from"], date_to=values["to"])
        return Response(SummaryOutput(summary).data)


class TicketRatingView(TicketsAPIView):
    """The rating of a ticket. The requester reads theirs and rates a solved or closed ticket (POST,
    changeable for HELPDESK_RATING_CHANGE_DAYS); agents read it. Nobody else sees it (404)."""

    serializer_class = RatingCustomerOutput

    def _output(self, rating: SatisfactionRating) -> dict:
        return (RatingOutput if self.request.user.is_agent else RatingCustomerOutput)(rating).data

    @extend_schema(responses={200: RatingOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        rating = selectors.ticket_satisfaction(user=request.user, ticket=self.bare_ticket()).rating
        if rating is None:
            raise NotVisible(_("This ticket has no rating."))
        rating = selectors.rating_list_for(user=request.user).get(pk=rating.pk) if request.user.is_agent else rating
        return Response(self._output(rating))

    @extend_schema(
        request=RatingInput, responses={200: RatingCustomerOutput, **ERR_400, **ERR_401_403, **ERR_404, **ERR_409}
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.bare_ticket()
        contact = getattr(request.user, "contact", None)
        if contact is None:
            raise NotAllowed(_("Only the requester can rate this request."))
        serializer = RatingInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = ratings.rating_submit(ticket=ticket, contact=contact, **serializer.validated_data)
        return Response(RatingCustomerOutput(rating).data)


class FollowUpDoneView(generics.GenericAPIView):
    """Mark a bad rating's follow-up done, saying what was done (agents only; 409 when it already was)."""

    permission_classes = [IsAgent]
    serializer_class = FollowUpOutput
    filter_backends: list = []

    @extend_schema(
        request=FollowUpDoneInput, responses={200: FollowUpOutput, **ERR_400, **ERR_401_403, **ERR_404, **ERR_409}
    )
    def post(self, request: Request, pk: int) -> Response:
        follow_up = selectors.follow_up_get_for(user=request.user, follow_up_id=pk)
        serializer = FollowUpDoneInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow_up = follow_ups.follow_up_done(follow_up=follow_up, actor=request.user, **serializer.validated_data)
        return Response(FollowUpOutput(follow_up).data)
