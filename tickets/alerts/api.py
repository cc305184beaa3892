"""`/api/v1/notifications/`: the signed-in agent's own notifications (list, unread count, mark read).

Only agents and administrators have notifications: a customer gets 403. Someone else's notification
does not exist for the caller (404). Views call tickets.alerts.selectors and services.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.permissions import is_agent
from tickets.alerts import selectors, services
from tickets.alerts.text import alert_text
from tickets.api.common import ERR_401_403, ERR_404
from tickets.models import Notification


class AgentsOnly(permissions.BasePermission):
    """Signed in as an agent or administrator; a customer is signed in but not allowed (403)."""

    message = gettext_lazy("Only agents have notifications.")

    def has_permission(self, request, view) -> bool:
        return is_agent(request.user)


class ActorOutput(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, source="__str__")


class NotificationOutput(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text="What happened, in the caller's language.")
    ticket = serializers.IntegerField(source="ticket_id", read_only=True, allow_null=True)
    ticket_subject = serializers.CharField(source="ticket.subject", read_only=True, allow_null=True, default=None)
    referral = serializers.IntegerField(source="referral_id", read_only=True, allow_null=True)
    actor = ActorOutput(read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True, help_text="The page it is about (path on this site).")

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "text",
            "ticket",
            "ticket_subject",
            "referral",
            "actor",
            "params",
            "url",
            "created_at",
            "read_at",
        ]

    def get_text(self, obj: Notification) -> str:
        return alert_text(obj)


UNREAD = OpenApiParameter("unread", bool, description="1: only the unread ones.")


class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first; `?unread=1` for the unread ones only."""

    permission_classes = [AgentsOnly]
    serializer_class = NotificationOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        unread = self.request.query_params.get("unread") in ("1", "true")
        return selectors.notification_list_for(user=self.request.user, unread=unread)

    @extend_schema(parameters=[UNREAD], responses={200: NotificationOutput(many=True), **ERR_401_403})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationUnreadCountView(APIView):
    permission_classes = [AgentsOnly]

    @extend_schema(
        responses={200: inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}), **ERR_401_403}
    )
    def get(self, request: Request) -> Response:
        """How many of the caller's notifications are unread (counted up to 100)."""
        return Response({"unread": selectors.unread_count_for(user=request.user)})


class NotificationReadView(APIView):
    permission_classes = [AgentsOnly]

    @extend_schema(request=None, responses={200: NotificationOutput, **ERR_401_403, **ERR_404})
    def post(self, request: Request, pk: int) -> Response:
        """Mark one of the caller's notifications read (again is fine); someone else's is a 404."""
        if selectors.notification_get_for(user=request.user, notification_id=pk) is None:
            raise Http404
        services.notification_mark_read(user=request.user, notification_id=pk)
        notification = selectors.notification_get_for(user=request.user, notification_id=pk)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllView(APIView):
    permission_classes = [AgentsOnly]

    @extend_schema(
        request=None,
        responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}), **ERR_401_403},
    )
    def post(self, request: Request) -> Response:
        """Mark every unread notification of the caller read; answers how many."""
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
