"""`/api/v1/feedback-items/`: product feedback for development's tools. Agents and admins only: for
customers every operation is a 404. Views validate, call tickets.feedback.services, serialize."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Product
from helpdesk.api_support import FilterSet, IdFilter
from helpdesk.models import User
from helpdesk.permissions import IsAgent
from tickets import selectors as ticket_selectors
from tickets.api.common import ERR_400, ERR_401_403, ERR_404, ERR_409
from tickets.feedback import selectors, services
from tickets.models import FeedbackItem, FeedbackLink, Ticket


class FeedbackRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, source="__str__")


class FeedbackItemOutput(serializers.ModelSerializer):
    product = FeedbackRef(read_only=True, allow_null=True)
    owner = FeedbackRef(read_only=True, allow_null=True)
    ticket_count = serializers.IntegerField(read_only=True, help_text="Linked tickets.")
    customer_count = serializers.IntegerField(read_only=True, help_text="Distinct requesters of the linked tickets.")
    organization_count = serializers.IntegerField(read_only=True, help_text="Distinct organizations among them.")

    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "title",
            "description",
            "product",
            "kind",
            "status",
            "tracker_url",
            "tracker_key",
            "owner",
            "ticket_count",
            "customer_count",
            "organization_count",
            "created_at",
            "updated_at",
        ]


class FeedbackItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=FeedbackItem.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=FeedbackItem.Status.choices, required=False)
    tracker_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    tracker_key = serializers.CharField(max_length=64, required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=("agent", "admin")), required=False, allow_null=True
    )
    tickets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=500,
        write_only=True,
        help_text="Ticket ids to link at once (create only).",
    )


class LinkInput(serializers.Serializer):
    tickets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1, max_length=500
    )


class LinkedTicketOutput(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    subject = serializers.CharField(source="ticket.subject", read_only=True)
    ticket_status = serializers.CharField(source="ticket.status", read_only=True)
    requester = serializers.CharField(source="ticket.requester.__str__", read_only=True)
    organization = serializers.CharField(
        source="ticket.organization.name", read_only=True, allow_null=True, default=None
    )
    requested_at = serializers.DateTimeField(source="ticket.created_at", read_only=True)
    linked_at = serializers.DateTimeField(source="created_at", read_only=True)
    notified_status = serializers.CharField(read_only=True, help_text="The outcome the customer was told, if any.")
    notified_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = FeedbackLink
        fields = [
            "ticket",
            "subject",
            "ticket_status",
            "requester",
            "organization",
            "requested_at",
            "linked_at",
            "notified_status",
            "notified_at",
        ]


class ContractDemandOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    valid_to = serializers.DateField(allow_null=True)
    annual_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class DemandOutput(serializers.Serializer):
    tickets = serializers.IntegerField()
    customers = serializers.IntegerField()
    organizations = serializers.IntegerField()
    first_request = serializers.DateTimeField(allow_null=True)
    latest_request = serializers.DateTimeField(allow_null=True)
    contracts = ContractDemandOutput(many=True)
    contract_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="Annual values of those contracts, added up."
    )


class FeedbackItemFilter(FilterSet):
    product = IdFilter(field_name="product_id")
    owner = IdFilter(field_name="owner_id")
    q = django_filters.CharFilter(method="search", label="Title, or the tracker key exactly")

    class Meta:
        model = FeedbackItem
        fields = ["status", "kind"]

    def search(self, qs: QuerySet[FeedbackItem], name: str, value: str) -> QuerySet[FeedbackItem]:
        return selectors.feedback_item_search(qs, q=value)


class _FeedbackView(generics.GenericAPIView):
    permission_classes = [IsAgent]
    queryset = FeedbackItem.objects.none()  # for the schema; reads go through the selectors

    def item(self) -> FeedbackItem:
        return selectors.feedback_item_get_for(user=self.request.user, item_id=self.kwargs["pk"])

    def item_output(self, item_id: int) -> dict[str, Any]:
        item = selectors.feedback_item_list_for(user=self.request.user).get(pk=item_id)
        return FeedbackItemOutput(item).data

    def tickets(self, ids: list[int], field: str = "tickets") -> list[Ticket]:
        """Tickets named in the body, each one the caller may see; otherwise a 400 on that field."""
        found = list(ticket_selectors.ticket_base_for(user=self.request.user).filter(pk__in=ids).only("pk", "subject"))
        missing = sorted(set(ids) - {ticket.pk for ticket in found})
        if missing:
            raise ValidationError({field: [_("No such ticket: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
        return found


class FeedbackItemListView(_FeedbackView, generics.ListAPIView):
    """Feedback items, newest change first, each with its demand counts; `?status=`, `?kind=`,
    `?product=`, `?owner=`, `?q=`."""

    serializer_class = FeedbackItemOutput
    filterset_class = FeedbackItemFilter
    ordering_fields = ["updated_at", "created_at", "id"]

    def get_queryset(self) -> QuerySet[FeedbackItem]:
        return selectors.feedback_item_list_for(user=self.request.user)

    @extend_schema(request=FeedbackItemInput, responses={201: FeedbackItemOutput, **ERR_400, **ERR_401_403})
    def post(self, request: Request) -> Response:
        serializer = FeedbackItemInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tickets = self.tickets(data.pop("tickets", []))
        item = services.feedback_item_create(actor=request.user, tickets=tickets, **data)
        return Response(self.item_output(item.pk), status=status.HTTP_201_CREATED)


class FeedbackItemDetailView(_FeedbackView):
    """One item; PATCH changes fields or the status (a new status is the `feedback_item.status_changed`
    webhook); DELETE is for administrators."""

    serializer_class = FeedbackItemOutput
    filter_backends: list = []

    @extend_schema(responses={200: FeedbackItemOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.item_output(self.item().pk))

    @extend_schema(request=FeedbackItemInput, responses={200: FeedbackItemOutput, **ERR_400, **ERR_401_403, **ERR_404})
    def patch(self, request: Request, pk: int) -> Response:
        item = self.item()
        serializer = FeedbackItemInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k != "tickets"}
        services.feedback_item_update(item=item, actor=request.user, changes=changes)
        return Response(self.item_output(item.pk))

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        services.feedback_item_delete(item=self.item(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedbackTicketListView(_FeedbackView, generics.ListAPIView):
    """The tickets behind an item (oldest link first) and whether each customer was told; POST links more."""

    serializer_class = LinkedTicketOutput
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[FeedbackLink]:
        if getattr(self, "swagger_fake_view", False):
            return FeedbackLink.objects.none()
        return selectors.feedback_links_of_item(item=self.item())

    @extend_schema(
        request=LinkInput,
        responses={200: LinkedTicketOutput(many=True), **ERR_400, **ERR_401_403, **ERR_404},
        description="Link tickets (ids the caller may see; one it may not is a 400 and nothing is linked). "
        "Answers the links of those tickets.",
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.item()
        serializer = LinkInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        tickets = self.tickets(serializer.validated_data["tickets"])
        services.feedback_link(item=item, tickets=tickets, actor=request.user)
        links = selectors.feedback_links_of_item(item=item).filter(ticket__in=tickets)
        return Response(LinkedTicketOutput(links, many=True).data)


class FeedbackTicketDetailView(_FeedbackView):
    serializer_class = LinkedTicketOutput
    filter_backends: list = []

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404}, description="Unlink a ticket from the item.")
    def delete(self, request: Request, pk: int, ticket_id: int) -> Response:
        item = self.item()
        ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=ticket_id)
        if not services.feedback_unlink(item=item, ticket=ticket, actor=request.user):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedbackDemandView(_FeedbackView):
    """Who is behind the item, counted by the database: customers, organizations, their active
    contracts (and their annual value where known), first and latest request."""

    serializer_class = DemandOutput
    filter_backends: list = []

    @extend_schema(responses={200: DemandOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(DemandOutput(selectors.feedback_demand(item=self.item())).data)


class FeedbackNotifyView(_FeedbackView):
    """Tell every linked customer not told yet the item's outcome (shipped or declined): one public
    reply per ticket in the customer's language, sent by a background job."""

    serializer_class = serializers.Serializer
    filter_backends: list = []

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("FeedbackNotifyOutput", {"queued": serializers.IntegerField()}),
            **ERR_401_403,
            **ERR_404,
            **ERR_409,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        queued = services.feedback_item_notify(item=self.item(), actor=request.user)
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
