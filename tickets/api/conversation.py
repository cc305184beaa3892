"""`/tickets/{id}/messages/` (replies and internal notes) and `/tickets/{id}/events/` (the audit trail)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from customers import selectors as customer_selectors
from helpdesk.aftercommit import read_after_commit
from helpdesk.api_support import PageNumberPagination
from tickets import selectors, services, timeline_reads
from tickets.api.common import (
    ERR_400,
    ERR_400_FILES,
    ERR_401_403,
    ERR_404,
    ERR_413,
    IDEMPOTENCY_409,
    TicketsAPIView,
    incoming_files,
    request_channel,
)
from tickets.api.pagination import KeysetCursorPagination
from tickets.api.serializers import (
    EventCustomerOutput,
    EventOutput,
    MessageCreatedOutput,
    MessageCreateInput,
    MessageCreateMultipartInput,
    MessageOutput,
)
from tickets.api.tickets import IDEMPOTENCY_HEADER
from tickets.idempotency import idempotent
from tickets.models import Message, TicketEvent
from tickets.timetrack.api_fields import time_spent_of


class MessageListView(TicketsAPIView):
    """The conversation, oldest first. Customers never see internal notes."""

    queryset = Message.objects.none()  # for the schema; the selector scopes the real list
    serializer_class = MessageOutput
    pagination_class = PageNumberPagination
    parser_classes = [JSONParser, MultiPartParser]
    filter_backends: list = []

    @extend_schema(
        operation_id="tickets_messages_list",
        responses={200: MessageOutput(many=True), **ERR_401_403, **ERR_404},
    )
    def get(self, request: Request, pk: int) -> Response:
        messages = timeline_reads.message_list_for(user=request.user, ticket=self.bare_ticket())
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="tickets_messages_create",
        description=(
            "Reply (or, agents only, add an internal note with `internal: true`). Agents may set the status with"
            " the reply. A customer's reply reopens a ticket solved within `HELPDESK_REOPEN_DAYS`; to a closed"
            " ticket, or one solved longer ago, it opens a linked follow-up ticket instead: the answer is 201 with"
            " `follow_up_ticket` set. An agent's reply to a closed ticket is 409 `ticket_closed`."
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request={"application/json": MessageCreateInput, "multipart/form-data": MessageCreateMultipartInput},
        responses={201: MessageCreatedOutput, **ERR_400_FILES, **ERR_401_403, **ERR_404, **IDEMPOTENCY_409, **ERR_413},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        data = request.data
        return idempotent(
            request=request,
            scope=f"tickets.{ticket.pk}.messages.create",
            data=data,
            run=lambda: self._create(request, ticket, data),
        )

    def _create(self, request: Request, ticket, data) -> Response:
        user = request.user
        serializer = MessageCreateMultipartInput(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        follow_up = None
        if user.is_agent:
            attachments = incoming_files(values["attachments"])
            message = services.ticket_reply(
                ticket=ticket,
                actor=user,
                body=values["body"],
                internal=values["internal"],
                status=values.get("status"),
                channel=request_channel(request),
                attachments=attachments,
                time=time_spent_of(values),
                time_asked=True,
            )
        else:
            if values["internal"]:
                raise PermissionDenied(_("Only agents can write internal notes."))
            if "minutes" in values or "activity" in values:
                raise ValidationError({"minutes": [_("Only agents log time.")]})
            if "status" in values:
                raise ValidationError(
                    {"status": [_("Customers cannot set the status with a reply; change the ticket instead.")]}
                )
            contact = customer_selectors.contact_for_user(user=user)
            if contact is None:
                raise PermissionDenied(_("Your account is not linked to a customer contact."))
            outcome = services.ticket_customer_reply(
                ticket=ticket,
                actor=user,
                contact=contact,
                body=values["body"],
                channel=request_channel(request),
                attachments=incoming_files(values["attachments"]),
            )
            message = outcome.message
            follow_up = outcome.ticket if outcome.follow_up else None
        context = {"request": request, "follow_up_ticket": follow_up.pk if follow_up else None}
        data = read_after_commit(lambda: self._created_output(user, message, context))
        return Response(data, status=status.HTTP_201_CREATED)

    def _created_output(self, user, message, context: dict) -> dict:
        """The saved message as its author may read it."""
        target = selectors.ticket_get_for(user=user, ticket_id=message.ticket_id)
        message = timeline_reads.message_list_for(user=user, ticket=target).get(pk=message.pk)
        return MessageCreatedOutput(message, context=context).data


class EventCursorPagination(KeysetCursorPagination):
    default_ordering = "id"


class EventListView(TicketsAPIView):
    """The audit trail, oldest first (cursor-paginated). Customers see only the public events."""

    queryset = TicketEvent.objects.none()  # for the schema; the selector scopes the real list
    pagination_class = EventCursorPagination
    filter_backends: list = []

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or self.request.user.is_agent:
            return EventOutput
        return EventCustomerOutput

    @extend_schema(
        operation_id="tickets_events_list",
        description="Customers get a smaller object (id, kind, field, old_value, new_value, actor_name, created_at):"
        " `actor`, `public` and `data` are for agents only.",
        responses={200: EventOutput(many=True), **ERR_400, **ERR_401_403, **ERR_404},
    )
    def get(self, request: Request, pk: int) -> Response:
        events = timeline_reads.event_list_for(user=request.user, ticket=self.bare_ticket())
        page = self.paginate_queryset(events)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
