"""`/api/v1/triggers/` and `/api/v1/timed-rules/`: administrators manage triggers and timed rules (for
anyone else they do not exist: 404).

HTTP only: every write is a function of tickets.triggers.rules, which checks the whole rule and names
the bad field (`conditions.0.values`, `events`, `reply_fa`) in a 400.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api_support import PageNumberPagination
from helpdesk.models import Priority, Role, Team, User, WebhookEndpoint
from helpdesk.permissions import IsAdmin
from tickets.api.common import ERR_400, ERR_401_403, ERR_404
from tickets.models import Category, Status, TimedRule, TimedSince, Trigger, TriggerEvent
from tickets.placeholders import placeholders_known
from tickets.routing.conditions import TRIGGER_FIELDS
from tickets.triggers import rules

AGENTS = User.objects.filter(role__in=(Role.AGENT, Role.ADMIN))
TEMPLATE_HELP = "Placeholders: " + placeholders_known() + "."


class TriggerConditionSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=list(TRIGGER_FIELDS),
        help_text="status, priority, type, channel, language: their codes; assignee: `set` or `unset`; team, "
        "requester, organization, product, category: ids; tags: tag names; subject_keywords, body_keywords: "
        "words (Persian letter variants and ZWNJ match alike).",
    )
    values = serializers.ListField(
        child=serializers.JSONField(), min_length=1, help_text="Matches when the ticket has any one of them."
    )


def _ref(queryset):
    return serializers.PrimaryKeyRelatedField(queryset=queryset, allow_null=True, required=False)


class AutomationInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    position = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    is_active = serializers.BooleanField(required=False, default=True)
    conditions = TriggerConditionSerializer(many=True, required=False, help_text="All must match; none: every ticket.")
    set_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, required=False)
    set_priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, required=False)
    set_team = _ref(Team.objects.all())
    set_assignee = _ref(AGENTS)
    set_category = _ref(Category.objects.all())
    add_tags = serializers.ListField(child=serializers.CharField(max_length=60), max_length=20, required=False)
    note = serializers.CharField(allow_blank=True, required=False, max_length=10_000)
    notify_user = _ref(AGENTS)
    notify_team = _ref(Team.objects.all())
    notify_lead = serializers.BooleanField(required=False, default=False, help_text="The lead of the ticket's team.")
    reply_en = serializers.CharField(allow_blank=True, required=False, max_length=10_000, help_text=TEMPLATE_HELP)
    reply_fa = serializers.CharField(allow_blank=True, required=False, max_length=10_000, help_text=TEMPLATE_HELP)
    author = _ref(AGENTS)
    webhook = _ref(WebhookEndpoint.objects.all())


class TriggerInput(AutomationInput):
    events = serializers.ListField(child=serializers.ChoiceField(choices=TriggerEvent.choices), min_length=1)
    stop = serializers.BooleanField(required=False, default=False)


class TimedRuleInput(AutomationInput):
    status = serializers.ChoiceField(choices=Status.choices)
    since = serializers.ChoiceField(choices=TimedSince.choices)
    minutes = serializers.IntegerField(
        min_value=1,
        max_value=rules.MAX_MINUTES,
        help_text="How long the ticket has stayed (e.g. 2400: 5 days of 8 business hours).",
    )
    business_hours = serializers.BooleanField(required=False, default=False)


OUTPUT_FIELDS = ["id", *rules.COMMON, "disabled_reason", "disabled_at", "created_at", "updated_at"]


class _Output(serializers.ModelSerializer):
    conditions = TriggerConditionSerializer(many=True, read_only=True)
    set_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    set_priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, read_only=True)


class TriggerOutput(_Output):
    events = serializers.ListField(child=serializers.ChoiceField(choices=TriggerEvent.choices), read_only=True)

    class Meta:
        model = Trigger
        fields = [*OUTPUT_FIELDS, "events", "stop"]
        read_only_fields = fields


class TimedRuleOutput(_Output):
    class Meta:
        model = TimedRule
        fields = [*OUTPUT_FIELDS, "status", "since", "minutes", "business_hours"]
        read_only_fields = fields


class _View(generics.GenericAPIView):
    permission_classes = [IsAdmin]
    parser_classes = [JSONParser]
    model: type = Trigger
    input_class: type[serializers.Serializer] = TriggerInput
    serializer_class: type[serializers.Serializer] = TriggerOutput

    def rule(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def _list(self) -> Response:
        page = self.paginate_queryset(self.model.objects.order_by("position", "id"))
        return self.get_paginated_response(self.serializer_class(page, many=True).data)

    def _create(self, request: Request) -> Response:
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = rules.automation_create(actor=request.user, model=self.model, **serializer.validated_data)
        return Response(self.serializer_class(rule).data, status=status.HTTP_201_CREATED)

    def _update(self, request: Request) -> Response:
        rule = self.rule()
        serializer = self.input_class(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rule = rules.automation_update(actor=request.user, rule=rule, changes=dict(serializer.validated_data))
        return Response(self.serializer_class(rule).data)

    def _delete(self) -> Response:
        rules.automation_delete(actor=self.request.user, rule=self.rule())
        return Response(status=status.HTTP_204_NO_CONTENT)


ERR_DETAIL = {**ERR_401_403, **ERR_404}


class TriggerListView(_View):
    """Triggers in the order they run: what happens when an event occurs on a ticket."""

    pagination_class = PageNumberPagination
    queryset = Trigger.objects.none()  # for the schema

    @extend_schema(operation_id="triggers_list", responses={200: TriggerOutput(many=True), **ERR_401_403})
    def get(self, request: Request) -> Response:
        return self._list()

    @extend_schema(
        operation_id="triggers_create", request=TriggerInput, responses={201: TriggerOutput, **ERR_400, **ERR_401_403}
    )
    def post(self, request: Request) -> Response:
        return self._create(request)


class TriggerDetailView(_View):
    """One trigger: read, change (checked whole; switching it on clears why it was off) or delete."""

    queryset = Trigger.objects.none()

    @extend_schema(operation_id="triggers_retrieve", responses={200: TriggerOutput, **ERR_DETAIL})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.serializer_class(self.rule()).data)

    @extend_schema(
        operation_id="triggers_partial_update",
        request=TriggerInput,
        responses={200: TriggerOutput, **ERR_400, **ERR_DETAIL},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request)

    @extend_schema(operation_id="triggers_destroy", responses={204: None, **ERR_DETAIL})
    def delete(self, request: Request, pk: int) -> Response:
        return self._delete()


class TimedRuleView(_View):
    model = TimedRule
    input_class = TimedRuleInput
    serializer_class = TimedRuleOutput
    queryset = TimedRule.objects.none()  # for the schema


class TimedRuleListView(TimedRuleView):
    """Timed rules in order: what happens to tickets left in a status for a while."""

    pagination_class = PageNumberPagination

    @extend_schema(operation_id="timed_rules_list", responses={200: TimedRuleOutput(many=True), **ERR_401_403})
    def get(self, request: Request) -> Response:
        return self._list()

    @extend_schema(
        operation_id="timed_rules_create",
        request=TimedRuleInput,
        responses={201: TimedRuleOutput, **ERR_400, **ERR_401_403},
    )
    def post(self, request: Request) -> Response:
        return self._create(request)


class TimedRuleDetailView(TimedRuleView):
    """One timed rule: read, change (checked whole) or delete."""

    @extend_schema(operation_id="timed_rules_retrieve", responses={200: TimedRuleOutput, **ERR_DETAIL})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.serializer_class(self.rule()).data)

    @extend_schema(
        operation_id="timed_rules_partial_update",
        request=TimedRuleInput,
        responses={200: TimedRuleOutput, **ERR_400, **ERR_DETAIL},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request)

    @extend_schema(operation_id="timed_rules_destroy", responses={204: None, **ERR_DETAIL})
    def delete(self, request: Request, pk: int) -> Response:
        return self._delete()
