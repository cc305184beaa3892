"""`/api/v1/tickets/` and `/api/v1/tickets/{id}/`: list, open, read and change tickets."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from customers import selectors as customer_selectors
from helpdesk.aftercommit import read_after_commit
from helpdesk.api_support import FilterBackend
from tickets import selectors, services
from tickets.api.common import (
    ERR_400,
    ERR_400_FILES,
    ERR_400_TICKET,
    ERR_401_403,
    ERR_404,
    ERR_409,
    ERR_413,
    IDEMPOTENCY_409,
    TicketsAPIView,
    incoming_files,
    request_channel,
)
from tickets.api.pagination import KeysetCursorPagination, SortKey
from tickets.api.serializers import (
    TicketAgentCreateInput,
    TicketAgentCreateMultipartInput,
    TicketAgentUpdateInput,
    TicketCreateMultipartInput,
    TicketCustomerOutput,
    TicketCustomerUpdateInput,
    TicketOutput,
)
from tickets.filters import TicketCustomerFilter, TicketFilter
from tickets.idempotency import idempotent
from tickets.models import Ticket, priority_rank
from tickets.satisfaction import selectors as satisfaction_selectors
from tickets.satisfaction.serializers import TicketSatisfactionOutput
from tickets.services import UPDATABLE_FIELDS

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Retry-safe creation: the same key and body return the first answer and create nothing.",
)
AGENT_ONLY_CREATE_FIELDS = (
    "requester",
    "requester_email",
    "requester_phone",
    "requester_name",
    "channel",
    "team",
    "assignee",
    "tags",
)
CUSTOMER_NOTE = (
    " Customers get a smaller object (`TicketCustomer`): id, subject, status, priority, type, channel, requester,"
    " organization, team, product, created_at, updated_at, solved_at, closed_at, custom_status (`{id, label}`:"
    " the customer label, else the status's name; never the agent label), url."
)


class TicketCursorPagination(KeysetCursorPagination):
    default_ordering = "-updated_at"
    orderings = {  # noqa: RUF012 - a read-only table
        "updated_at": SortKey("updated_at"),
        "created_at": SortKey("created_at"),
        "priority": SortKey("priority_rank", int, annotation=priority_rank()),  # low < normal < high < urgent
        "resolution_due_at": SortKey("resolution_due_at", nullable=True),
        "first_response_due_at": SortKey("first_response_due_at", nullable=True),
        "id": SortKey("id", int),
    }


class TicketCustomerPagination(TicketCursorPagination):
    """Customers do not order by SLA due times (internal)."""

    orderings = {  # noqa: RUF012
        name: key for name, key in TicketCursorPagination.orderings.items() if not name.endswith("_due_at")
    }


def _is_agent(view) -> bool:
    return getattr(view, "swagger_fake_view", False) or view.request.user.is_agent


def _ticket_output(request: Request, ticket: Ticket) -> dict:
    output = TicketOutput if request.user.is_agent else TicketCustomerOutput
    return output(ticket, context={"request": request}).data


class TicketListView(TicketsAPIView):
    """Tickets the user may see, newest activity first; open a ticket."""

    queryset = Ticket.objects.none()  # for the schema; get_queryset goes through the selector
    filter_backends = [FilterBackend]
    parser_classes = [JSONParser, MultiPartParser]

    @property
    def filterset_class(self):
        return TicketFilter if _is_agent(self) else TicketCustomerFilter

    @property
    def pagination_class(self):
        return TicketCursorPagination if _is_agent(self) else TicketCustomerPagination

    def get_serializer_class(self):
        return TicketOutput if _is_agent(self) else TicketCustomerOutput

    def get_queryset(self) -> QuerySet[Ticket]:
        # Filtered by filterset_class (the same filters as ticket_list_for's), paged by the cursor.
        return selectors.ticket_list_for(user=self.request.user)

    @extend_schema(
        operation_id="tickets_list",
        description="Cursor-paginated (`next`/`previous` links)." + CUSTOMER_NOTE,
        responses={200: TicketOutput(many=True), **ERR_400, **ERR_401_403},
    )
    def get(self, request: Request) -> Response:
        # The page reads the ticket table alone (values() drops the joins) and ticket_rows reads the related
        # rows of its 50 tickets in one query: joining them in cost PostgreSQL more planning time than the
        # query's run (selectors.ticket_rows; bench/api.py).
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).values(*selectors.LIST_FIELDS))
        rows = selectors.ticket_rows(page, with_internal=request.user.is_agent)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        operation_id="tickets_create",
        description=(
            "Open a ticket. Everyone sends subject, body, priority, type, product; agents may also send the"
            " requester (`requester` id, or `requester_email` and/or `requester_phone`, with `requester_name`, to"
            " find or create the contact: the address finds it when given, else the number, written any way),"
            " channel, team, assignee and tags. Multipart adds `attachments` (several files). A customer's ticket"
            " is theirs, on channel `api` (token) or `portal` (browser session)." + CUSTOMER_NOTE
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request={"application/json": TicketAgentCreateInput, "multipart/form-data": TicketAgentCreateMultipartInput},
        responses={201: TicketOutput, **ERR_400_FILES, **ERR_401_403, **IDEMPOTENCY_409, **ERR_413},
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not request.user.is_agent and hasattr(data, "keys"):
            refused = sorted(set(data.keys()) & set(AGENT_ONLY_CREATE_FIELDS))
            if refused:
                raise ValidationError({field: [_("Only agents may set this.")] for field in refused})
        return idempotent(request=request, scope="tickets.create", data=data, run=lambda: self._create(request, data))

    def _create(self, request: Request, data) -> Response:
        user = request.user
        input_class = TicketAgentCreateMultipartInput if user.is_agent else TicketCreateMultipartInput
        serializer = input_class(data=data, context={"request": request, "user": user})
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        attachments = incoming_files(values.pop("attachments", []))
        extra: dict = {}
        if user.is_agent:
            requester = values.get("requester") or services.RequesterDetails(
                email=values.get("requester_email", ""),
                full_name=values.get("requester_name", ""),
                phone=values.get("requester_phone", ""),
                field="requester_email",
                phone_field="requester_phone",
            )
            channel = values.get("channel") or request_channel(request)
            extra = {"team": values.get("team"), "assignee": values.get("assignee"), "tags": values.get("tags", [])}
        else:
            requester = customer_selectors.contact_for_user(user=user)
            if requester is None:
                raise PermissionDenied(_("Your account is not linked to a customer contact."))
            channel = request_channel(request)
        ticket = services.ticket_open(
            actor=user,
            requester=requester,
            subject=values["subject"],
            body=values.get("body", ""),
            priority=values.get("priority"),  # None: not chosen, so a routing rule's priority applies
            type=values["type"],
            channel=channel,
            product=values.get("product"),
            attachments=attachments,
            **extra,
        )
        saved = ticket.pk
        data = read_after_commit(
            lambda: _ticket_output(request, selectors.ticket_get_for(user=user, ticket_id=saved, with_terms=False))
        )
        location = request.build_absolute_uri(reverse("api-ticket-detail", args=[saved]))
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class TicketDetailOutput(TicketOutput):
    """An agent's view of one ticket: the list's fields and its satisfaction."""

    satisfaction = TicketSatisfactionOutput(read_only=True)

    class Meta(TicketOutput.Meta):
        fields = (*TicketOutput.Meta.fields, "satisfaction")
        read_only_fields = fields


class TicketDetailView(TicketsAPIView):
    """One ticket; agents change its fields, customers mark it solved or reopen it."""

    queryset = Ticket.objects.none()  # for the schema; the ticket comes from the selector
    parser_classes = [JSONParser]

    def get_serializer_class(self):
        return TicketOutput if _is_agent(self) else TicketCustomerOutput

    @extend_schema(
        operation_id="tickets_retrieve",
        description="One ticket (404 when it is not yours to see); agents also get its `satisfaction` (rating,"
        " survey, follow-up of a bad rating)." + CUSTOMER_NOTE,
        responses={200: TicketDetailOutput, **ERR_401_403, **ERR_404},
    )
    def get(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        data = _ticket_output(request, ticket)
        if request.user.is_agent:
            found = satisfaction_selectors.ticket_satisfaction(user=request.user, ticket=ticket)
            data["satisfaction"] = TicketSatisfactionOutput(found).data
        return Response(data)

    @extend_schema(
        operation_id="tickets_partial_update",
        description=(
            "Agents change subject, priority, type, team, assignee, product, tags and status; a customer may send"
            " only `status` (`solved`, or `open` to reopen). Status follows the transition table: a refused move"
            " is 409 `invalid_transition`; a customer reopening after `HELPDESK_REOPEN_DAYS` is 409"
            " `reopen_window_passed` (a reply then opens a linked follow-up)." + CUSTOMER_NOTE
        ),
        request=TicketAgentUpdateInput,
        responses={200: TicketOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def patch(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        data = request.data
        user = request.user
        if user.is_agent:
            serializer = TicketAgentUpdateInput(data=data, partial=True)
            serializer.is_valid(raise_exception=True)
            values = serializer.validated_data
            changes = {field: values[field] for field in UPDATABLE_FIELDS if field in values}
            custom = {"custom_status": values["custom_status"]} if "custom_status" in values else {}
            services.ticket_edit(
                ticket=ticket,
                actor=user,
                changes=changes,
                tags=values.get("tags"),
                status=values.get("status"),
                **custom,
            )
        else:
            if hasattr(data, "keys"):
                refused = sorted(set(data.keys()) - {"status"})
                if refused:
                    raise ValidationError(
                        {field: [_("Customers can only change the status of a ticket.")] for field in refused}
                    )
            serializer = TicketCustomerUpdateInput(data=data)
            serializer.is_valid(raise_exception=True)
            services.ticket_edit(ticket=ticket, actor=user, status=serializer.validated_data["status"])
        return Response(
            _ticket_output(request, selectors.ticket_get_for(user=user, ticket_id=ticket.pk, with_terms=False))
        )
