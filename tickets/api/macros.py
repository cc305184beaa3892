"""`/api/v1/macros/`: agents read, write and apply canned responses, as on the macros page.

HTTP only: who sees which macro, who may change it and what applying one does are the functions of
tickets.workspace.macros (the page uses the same ones). For customers the endpoints do not exist (404),
as for every agent endpoint; a macro the agent may not see is a 404 too.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.aftercommit import read_after_commit
from helpdesk.api_support import PageNumberPagination
from helpdesk.models import Priority, Team
from helpdesk.permissions import IsAgent
from tickets import selectors, timeline_reads
from tickets.api.common import ERR_400, ERR_400_TICKET, ERR_401_403, ERR_404, TicketsAPIView
from tickets.api.serializers import MessageCreatedOutput
from tickets.api.tickets import IDEMPOTENCY_HEADER
from tickets.idempotency import idempotent
from tickets.models import Macro, Status, TicketType
from tickets.workspace import macros

PLACEHOLDER_HELP = "Placeholders: " + ", ".join("{{" + name + "}}" for name in macros.PLACEHOLDERS) + "."


class MacroInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    body = serializers.CharField(help_text=PLACEHOLDER_HELP)
    internal = serializers.BooleanField(required=False, default=False, help_text="Post an internal note.")
    status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, required=False, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, required=False, default="")
    type = serializers.ChoiceField(choices=TicketType.choices, allow_blank=True, required=False, default="")
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False, default=None, help_text="Move to this team."
    )
    add_tags = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False, default=list
    )
    shared_with_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="Members of this team may use it (you must belong to it, unless you are an admin).",
    )
    is_global = serializers.BooleanField(required=False, default=False, help_text="Everyone may use it (admins).")
    is_active = serializers.BooleanField(required=False, default=True)


class MacroOutput(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True, read_only=True)
    type = serializers.ChoiceField(choices=TicketType.choices, allow_blank=True, read_only=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    can_edit = serializers.SerializerMethodField(help_text="Whether you may change or delete it.")

    class Meta:
        model = Macro
        fields = [
            "id",
            "name",
            "body",
            "internal",
            "status",
            "priority",
            "type",
            "team",
            "add_tags",
            "owner",
            "shared_with_team",
            "is_global",
            "is_active",
            "usage_count",
            "can_edit",
        ]
        read_only_fields = fields

    def get_can_edit(self, macro: Macro) -> bool:
        return macros.macro_can_edit(user=self.context["request"].user, macro=macro)


class MacroApplyInput(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The ticket to apply it to.")


class MacroView(TicketsAPIView):
    permission_classes = [IsAgent]
    parser_classes = [JSONParser]
    queryset = Macro.objects.none()  # for the schema; the selector scopes the real list
    serializer_class = MacroOutput

    def macro(self, *, for_edit: bool = False) -> Macro:
        return macros.macro_get_for(user=self.request.user, macro_id=self.kwargs["pk"], for_edit=for_edit)


class MacroListView(MacroView):
    """The macros you may use (your own, your teams' and global ones), by name; create one."""

    pagination_class = PageNumberPagination

    @extend_schema(operation_id="macros_list", responses={200: MacroOutput(many=True), **ERR_401_403})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(macros.macro_list_for(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="macros_create", request=MacroInput, responses={201: MacroOutput, **ERR_400, **ERR_401_403}
    )
    def post(self, request: Request) -> Response:
        serializer = MacroInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        macro = macros.macro_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(macro).data, status=status.HTTP_201_CREATED)


class MacroDetailView(MacroView):
    """One macro: read it; its owner or an admin changes or deletes it."""

    @extend_schema(operation_id="macros_retrieve", responses={200: MacroOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.macro()).data)

    @extend_schema(
        operation_id="macros_partial_update",
        request=MacroInput,
        responses={200: MacroOutput, **ERR_400, **ERR_401_403, **ERR_404},
    )
    def patch(self, request: Request, pk: int) -> Response:
        macro = self.macro(for_edit=True)
        serializer = MacroInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changed = {name: value for name, value in serializer.validated_data.items() if name in request.data}
        macro = macros.macro_update(macro=macro, actor=request.user, **changed)
        return Response(self.get_serializer(macro).data)

    @extend_schema(operation_id="macros_destroy", responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        macros.macro_delete(macro=self.macro(for_edit=True), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MacroApplyView(MacroView):
    """Apply a macro to a ticket: its reply or note (placeholders filled in) and its field changes, all or
    nothing, as on the ticket page. Answers the message it posted."""

    @extend_schema(
        operation_id="macros_apply",
        parameters=[IDEMPOTENCY_HEADER],
        request=MacroApplyInput,
        responses={201: MessageCreatedOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404},
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = MacroApplyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket_id = serializer.validated_data["ticket"]
        return idempotent(
            request=request,
            scope=f"macros.{pk}.apply.{ticket_id}",
            data=request.data,
            run=lambda: self._apply(request, ticket_id),
        )

    def _apply(self, request: Request, ticket_id: int) -> Response:
        user = request.user
        macro = self.macro()
        ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id, with_terms=False)
        message = macros.macro_apply(macro=macro, ticket=ticket, actor=user)

        def output() -> dict:
            visible = timeline_reads.message_list_for(user=user, ticket=ticket).get(pk=message.pk)
            return MessageCreatedOutput(visible, context={"request": request, "follow_up_ticket": None}).data

        return Response(read_after_commit(output), status=status.HTTP_201_CREATED)
