"""`GET /api/v1/audit-log/`: the audit log for administrators (a 404 for anyone else, like webhooks).

The same selector and filters as the admin's page (helpdesk.audit.log); dates are ISO (YYYY-MM-DD).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api_support import PageNumberPagination
from helpdesk.audit.log import SYSTEM, AuditFilter, audit_entries, audit_model_choices, audit_page_entries
from helpdesk.models import User
from helpdesk.permissions import IsAdmin


class AuditFilterInput(serializers.Serializer):
    model = serializers.ChoiceField(choices=[], required=False, help_text="A record kind, e.g. `customers.contact`.")
    user = serializers.RegexField(
        r"^(\d{1,18}|none)$", required=False, help_text="A user's id, or `none` for changes made by the system."
    )
    since = serializers.DateField(required=False, help_text="From this day (inclusive).")
    until = serializers.DateField(required=False, help_text="Until this day (inclusive).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [label for label, _name in audit_model_choices()]

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": ["The end date is before the start date."]})
        return attrs


class ChangeOutput(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField(help_text="The value before, as text (`—` for none).")
    new = serializers.CharField(help_text="The value after, as text.")


class AuditUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class AuditEntryOutput(serializers.Serializer):
    id = serializers.CharField(source="key", help_text="`<model>:<history id>`, unique across the log.")
    model = serializers.CharField()
    model_name = serializers.CharField()
    object_id = serializers.CharField()
    object_label = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    at = serializers.DateTimeField()
    user = AuditUserOutput(allow_null=True, help_text="Null: the system (a task or a command), or a deleted user.")
    reason = serializers.CharField(help_text="The channel: `page`, `api`, `admin`, `task: <name>`, `command: <name>`.")
    changes = ChangeOutput(many=True)


class AuditLogView(generics.GenericAPIView):
    """Every change of configuration and customer records, newest first: who, when, through which
    channel, and each changed field before and after. Secrets are never recorded."""

    permission_classes = [IsAdmin]
    pagination_class = PageNumberPagination
    serializer_class = AuditEntryOutput
    queryset = User.objects.none()  # for the schema only: the log is a union of every history table

    @extend_schema(
        operation_id="audit_log_list",
        parameters=[
            OpenApiParameter("model", str, description="A record kind, e.g. `customers.contact`."),
            OpenApiParameter("user", str, description=f"A user's id, or `{SYSTEM}` for the system."),
            OpenApiParameter("since", str, description="From this day, YYYY-MM-DD (inclusive)."),
            OpenApiParameter("until", str, description="Until this day, YYYY-MM-DD (inclusive)."),
        ],
        responses={200: AuditEntryOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        data = AuditFilterInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        filters = AuditFilter(**{key: value for key, value in data.validated_data.items() if value is not None})
        page = self.paginate_queryset(audit_entries(actor=request.user, filters=filters))
        return self.get_paginated_response(AuditEntryOutput(audit_page_entries(page), many=True).data)
