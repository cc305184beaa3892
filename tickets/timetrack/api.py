"""`/api/v1/time-entries/` (agents: list with filters, log, change, delete), `/api/v1/time-activities/`
(the activity types) and `/api/v1/contracts/{id}/hours/` (a contract's hours bank: used and left).

HTTP only: who may change an entry and what counts against a bank are tickets.timetrack's services
and selectors, the same the ticket page calls. For customers the entry endpoints do not exist (404);
a customer reads the hours of their own contracts only (404 for any other).
"""

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from customers import selectors as customer_selectors
from helpdesk.api_support import PageNumberPagination
from helpdesk.permissions import IsAgent
from tickets import selectors as ticket_selectors
from tickets.api.common import ERR_400, ERR_401_403, ERR_404, TicketsAPIView
from tickets.api.serializers import UserRef
from tickets.models import ActivityType, TimeEntry
from tickets.timetrack import selectors, services
from tickets.timetrack.api_fields import MINUTES_HELP, MinutesField, activity_field

_MAX_ID = 2**63 - 1


class ActivityOutput(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["id", "name", "name_fa", "is_active"]
        read_only_fields = fields


class TimeEntryOutput(serializers.ModelSerializer):
    agent = UserRef(read_only=True)
    activity = ActivityOutput(read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "ticket", "message", "agent", "activity", "minutes", "performed_on", "note", "created_at"]
        read_only_fields = fields


class TimeEntryInput(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, max_value=_MAX_ID)
    minutes = MinutesField(help_text=MINUTES_HELP)
    activity = activity_field(required=False, allow_null=True, help_text="Empty: the first active type.")
    performed_on = serializers.DateField(required=False, allow_null=True, help_text="ISO date; empty: today.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class TimeEntryChangeInput(serializers.Serializer):
    minutes = MinutesField(required=False)
    activity = activity_field(required=False)
    performed_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class TimeEntryFilters(serializers.Serializer):
    ticket = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    agent = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    organization = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    contract = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    activity = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


FILTER_PARAMETERS = [
    OpenApiParameter(name, int if name not in ("date_from", "date_to") else str, description=text)
    for name, text in (
        ("ticket", "Entries of this ticket."),
        ("agent", "Entries this agent logged."),
        ("organization", "Entries on tickets of this organization."),
        ("contract", "Entries on tickets of this contract."),
        ("activity", "Entries of this activity type."),
        ("date_from", "Performed on or after (ISO date)."),
        ("date_to", "Performed on or before (ISO date)."),
    )
]


class TimeEntryView(TicketsAPIView):
    permission_classes = [IsAgent]
    parser_classes = [JSONParser]
    queryset = TimeEntry.objects.none()  # for the schema; the selector scopes the real list
    serializer_class = TimeEntryOutput
    filter_backends: list = []


class TimeEntryListView(TimeEntryView):
    """Time entries, newest day first (paginated); log one on a ticket (no reply or note)."""

    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="time_entries_list",
        parameters=FILTER_PARAMETERS,
        responses={200: TimeEntryOutput(many=True), **ERR_400, **ERR_401_403},
    )
    def get(self, request: Request) -> Response:
        filters = TimeEntryFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = selectors.time_entry_list_for(user=request.user, filters=filters.validated_data)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="time_entries_create",
        request=TimeEntryInput,
        responses={201: TimeEntryOutput, **ERR_400, **ERR_401_403, **ERR_404},
    )
    def post(self, request: Request) -> Response:
        serializer = TimeEntryInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=data["ticket"])
        spent = services.TimeSpent(
            minutes=data["minutes"],
            activity=data.get("activity"),
            performed_on=data.get("performed_on"),
            note=data.get("note", ""),
        )
        entry = services.time_entry_log(ticket=ticket, actor=request.user, time=spent)
        entry = selectors.time_entry_get_for(user=request.user, entry_id=entry.pk)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)


class TimeEntryDetailView(TimeEntryView):
    """One entry: any agent reads it; its author or an admin changes or deletes it (403 otherwise)."""

    def entry(self) -> TimeEntry:
        return selectors.time_entry_get_for(user=self.request.user, entry_id=self.kwargs["pk"])

    @extend_schema(operation_id="time_entries_retrieve", responses={200: TimeEntryOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.entry()).data)

    @extend_schema(
        operation_id="time_entries_partial_update",
        request=TimeEntryChangeInput,
        responses={200: TimeEntryOutput, **ERR_400, **ERR_401_403, **ERR_404},
    )
    def patch(self, request: Request, pk: int) -> Response:
        entry = self.entry()
        serializer = TimeEntryChangeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.time_entry_update(entry=entry, actor=request.user, data=serializer.validated_data)
        return Response(self.get_serializer(self.entry()).data)

    @extend_schema(operation_id="time_entries_destroy", responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        services.time_entry_delete(entry=self.entry(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityListView(TimeEntryView):
    """The activity types time is logged for (active ones first), for agents."""

    serializer_class = ActivityOutput
    queryset = ActivityType.objects.none()
    pagination_class = PageNumberPagination

    @extend_schema(operation_id="time_activities_list", responses={200: ActivityOutput(many=True), **ERR_401_403})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(ActivityType.objects.order_by("-is_active", "position", "name", "id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _hours(minutes: int | None) -> Decimal | None:
    return None if minutes is None else (Decimal(minutes) / 60).quantize(Decimal("0.01"))


class HoursBankOutput(serializers.Serializer):
    contract = serializers.IntegerField(source="contract.pk")
    hours_bank = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="Hours included; null: no hours bank."
    )
    used_minutes = serializers.IntegerField()
    used_hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    left_hours = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="Negative when over budget."
    )
    over_budget = serializers.BooleanField()


class ContractHoursView(TicketsAPIView):
    """A contract's hours bank: the time on its tickets within its dates, used and left (totals only:
    a customer reads those of their own contracts, never the entries)."""

    queryset = TimeEntry.objects.none()
    serializer_class = HoursBankOutput
    filter_backends: list = []

    @extend_schema(operation_id="contracts_hours_retrieve", responses={200: HoursBankOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        contract = customer_selectors.contract_get_for(user=request.user, contract_id=pk)
        bank = selectors.contract_hours(contract=contract)
        data = {
            "contract": contract,
            "hours_bank": contract.hours_bank,
            "used_minutes": bank.used_minutes,
            "used_hours": _hours(bank.used_minutes),
            "left_hours": _hours(bank.left_minutes),
            "over_budget": bank.over,
        }
        return Response(HoursBankOutput(data).data)
