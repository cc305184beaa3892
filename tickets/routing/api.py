"""`/api/v1/routing-rules/`: administrators manage the routing rules (for anyone else it does not exist).

HTTP only: every write is a function of tickets.routing.rules, which checks the whole rule and names
the bad field (`conditions.0.values`, `set_team`) in a 400.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api_support import PageNumberPagination
from helpdesk.models import Priority, Role, Team, User
from helpdesk.permissions import IsAdmin
from tickets.api.common import ERR_400, ERR_401_403, ERR_404
from tickets.models import Category, RoutingRule, TicketType
from tickets.routing import rules
from tickets.routing.conditions import FIELDS


class ConditionSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=list(FIELDS),
        help_text="channel, language: their codes; mailbox, requester (contact), organization, contract, "
        "product, category (also matches its subcategories): ids; subject_keywords, body_keywords: words (Persian letter variants and ZWNJ match alike).",
    )
    values = serializers.ListField(
        child=serializers.JSONField(), min_length=1, help_text="Matches when the ticket has any one of them."
    )


class RoutingRuleInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    position = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    is_active = serializers.BooleanField(required=False, default=True)
    stop = serializers.BooleanField(required=False, default=False)
    conditions = ConditionSerializer(many=True, required=False, help_text="All must match; none: every ticket.")
    set_team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True, required=False)
    set_priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, required=False)
    set_type = serializers.ChoiceField(choices=TicketType.choices, allow_blank=True, required=False)
    set_assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=(Role.AGENT, Role.ADMIN)), allow_null=True, required=False
    )
    add_tags = serializers.ListField(child=serializers.CharField(max_length=60), max_length=20, required=False)
    set_category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), allow_null=True, required=False)


class RoutingRuleOutput(serializers.ModelSerializer):
    conditions = ConditionSerializer(many=True, read_only=True)
    set_priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, read_only=True)
    set_type = serializers.ChoiceField(choices=TicketType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "name",
            "position",
            "is_active",
            "stop",
            "conditions",
            "set_team",
            "set_priority",
            "set_type",
            "set_assignee",
            "add_tags",
            "set_category",
            "disabled_reason",
            "disabled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RoutingRuleView(generics.GenericAPIView):
    permission_classes = [IsAdmin]
    parser_classes = [JSONParser]
    queryset = RoutingRule.objects.none()  # for the schema

    def rule(self) -> RoutingRule:
        return get_object_or_404(RoutingRule, pk=self.kwargs["pk"])


class RoutingRuleListView(RoutingRuleView):
    """The routing rules in the order they run; add one (at the end unless `position` is given)."""

    pagination_class = PageNumberPagination
    serializer_class = RoutingRuleOutput

    @extend_schema(operation_id="routing_rules_list", responses={200: RoutingRuleOutput(many=True), **ERR_401_403})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(RoutingRule.objects.order_by("position", "id"))
        return self.get_paginated_response(RoutingRuleOutput(page, many=True).data)

    @extend_schema(
        operation_id="routing_rules_create",
        request=RoutingRuleInput,
        responses={201: RoutingRuleOutput, **ERR_400, **ERR_401_403},
    )
    def post(self, request: Request) -> Response:
        serializer = RoutingRuleInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = rules.routing_rule_create(actor=request.user, **serializer.validated_data)
        return Response(RoutingRuleOutput(rule).data, status=status.HTTP_201_CREATED)


class RoutingRuleDetailView(RoutingRuleView):
    """One routing rule: read, change (checked whole; switching it on clears why it was off) or delete."""

    serializer_class = RoutingRuleOutput

    @extend_schema(operation_id="routing_rules_retrieve", responses={200: RoutingRuleOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(RoutingRuleOutput(self.rule()).data)

    @extend_schema(
        operation_id="routing_rules_partial_update",
        request=RoutingRuleInput,
        responses={200: RoutingRuleOutput, **ERR_400, **ERR_401_403, **ERR_404},
    )
    def patch(self, request: Request, pk: int) -> Response:
        rule = self.rule()
        serializer = RoutingRuleInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rule = rules.routing_rule_update(actor=request.user, rule=rule, changes=dict(serializer.validated_data))
        return Response(RoutingRuleOutput(rule).data)

    @extend_schema(operation_id="routing_rules_destroy", responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        rules.routing_rule_delete(actor=request.user, rule=self.rule())
        return Response(status=status.HTTP_204_NO_CONTENT)
