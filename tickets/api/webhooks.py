"""`/api/v1/webhooks/`: administrators register the addresses other systems receive events at.

HTTP only: every write is one of the outbox's functions (helpdesk.outbox.webhooks).

The signing secret is shown once, in the answer that creates it (or rotates it); afterwards only
its encryption is stored. Deliveries are listed newest first, with their state.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api_support import CursorPagination, PageNumberPagination
from helpdesk.models import NotificationLog, WebhookEndpoint
from helpdesk.outbox import webhooks
from helpdesk.outbox.sending import WEBHOOK_MAX_ATTEMPTS
from helpdesk.permissions import IsAdmin
from tickets.api.common import ERR_400, ERR_401_403, ERR_404


class WebhookInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.URLField(
        max_length=500, validators=[webhooks.validate_url], help_text="http or https; receives a POST per event."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=webhooks.event_choices()),
        required=False,
        max_length=len(webhooks.event_names()),
        help_text="The events to send (`ticket.created`, `ticket.status_changed`, ...); empty means every event.",
    )
    is_active = serializers.BooleanField(required=False, default=True)


class WebhookOutput(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "name",
            "url",
            "events",
            "is_active",
            "created_at",
            "last_delivery_at",
            "last_status",
            "last_error",
            "consecutive_failures",
        ]
        read_only_fields = fields


class WebhookCreatedOutput(WebhookOutput):
    secret = serializers.CharField(help_text="The signing secret, shown this once.")

    class Meta(WebhookOutput.Meta):
        fields = [*WebhookOutput.Meta.fields, "secret"]
        read_only_fields = fields


class SecretOutput(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret, shown this once.")


class PingOutput(serializers.Serializer):
    delivery = serializers.IntegerField(help_text="The id of the queued delivery (see `deliveries/`).")


class DeliveryOutput(serializers.ModelSerializer):
    event = serializers.CharField(source="template")
    state = serializers.SerializerMethodField(
        help_text="`pending` (queued or retrying), `delivered`, `failed` (gave up), `dropped` (webhook off)."
    )

    class Meta:
        model = NotificationLog
        fields = ["id", "event", "state", "created_at", "sent_at", "attempts", "next_attempt_at", "last_error"]
        read_only_fields = fields

    def get_state(self, row: NotificationLog) -> str:
        if row.sent_at is not None:
            return "dropped" if row.last_error else "delivered"
        return "failed" if row.attempts >= WEBHOOK_MAX_ATTEMPTS else "pending"


class WebhookView(generics.GenericAPIView):
    permission_classes = [IsAdmin]
    parser_classes = [JSONParser]
    queryset = WebhookEndpoint.objects.none()  # for the schema

    def endpoint(self) -> WebhookEndpoint:
        return get_object_or_404(WebhookEndpoint, pk=self.kwargs["pk"])


class WebhookListView(WebhookView):
    """Webhooks, by name; register one."""

    pagination_class = PageNumberPagination
    serializer_class = WebhookOutput

    @extend_schema(operation_id="webhooks_list", responses={200: WebhookOutput(many=True), **ERR_401_403})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(WebhookEndpoint.objects.order_by("name", "id"))
        return self.get_paginated_response(WebhookOutput(page, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookInput,
        responses={201: WebhookCreatedOutput, **ERR_400, **ERR_401_403},
    )
    def post(self, request: Request) -> Response:
        serializer = WebhookInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = webhooks.webhook_create(actor=request.user, **serializer.validated_data)
        endpoint.secret = secret  # the answer shows it in clear, this once
        return Response(WebhookCreatedOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(WebhookView):
    """One webhook: read, change (name, url, events, is_active) or delete it with its deliveries."""

    serializer_class = WebhookOutput

    @extend_schema(operation_id="webhooks_retrieve", responses={200: WebhookOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(WebhookOutput(self.endpoint()).data)

    @extend_schema(
        operation_id="webhooks_partial_update",
        request=WebhookInput,
        responses={200: WebhookOutput, **ERR_400, **ERR_401_403, **ERR_404},
    )
    def patch(self, request: Request, pk: int) -> Response:
        endpoint = self.endpoint()
        serializer = WebhookInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        webhooks.webhook_update(endpoint=endpoint, changes=dict(serializer.validated_data))
        return Response(WebhookOutput(endpoint).data)

    @extend_schema(operation_id="webhooks_destroy", responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        webhooks.webhook_delete(endpoint=self.endpoint())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretView(WebhookView):
    """A new signing secret, shown this once; the old one stops signing at once."""

    serializer_class = SecretOutput

    @extend_schema(
        operation_id="webhooks_rotate_secret", request=None, responses={200: SecretOutput, **ERR_401_403, **ERR_404}
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response({"secret": webhooks.webhook_rotate_secret(endpoint=self.endpoint())})


class WebhookPingView(WebhookView):
    """Queue a `ping` delivery, to check the receiver and its signature check."""

    serializer_class = PingOutput

    @extend_schema(operation_id="webhooks_ping", request=None, responses={202: PingOutput, **ERR_401_403, **ERR_404})
    def post(self, request: Request, pk: int) -> Response:
        row = webhooks.webhook_ping(endpoint=self.endpoint())
        return Response({"delivery": row.pk}, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListView(WebhookView):
    """A webhook's deliveries, newest first (cursor-paginated)."""

    pagination_class = CursorPagination
    serializer_class = DeliveryOutput

    @extend_schema(
        operation_id="webhooks_deliveries", responses={200: DeliveryOutput(many=True), **ERR_401_403, **ERR_404}
    )
    def get(self, request: Request, pk: int) -> Response:
        endpoint = self.endpoint()
        page = self.paginate_queryset(NotificationLog.objects.filter(webhook=endpoint).defer("context"))
        return self.get_paginated_response(DeliveryOutput(page, many=True).data)
