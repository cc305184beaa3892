"""`/api/v1/opportunities/`: sales opportunities spotted on tickets. Agents and admins only: for
customers every operation is a 404. Views validate, call tickets.opportunities.services, serialize."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
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
from tickets.models import Opportunity, OpportunityChange
from tickets.opportunities import selectors, services


class OpportunityRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, source="__str__")


class OpportunityOutput(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    ticket_subject = serializers.CharField(source="ticket.subject", read_only=True)
    organization = OpportunityRef(read_only=True, allow_null=True)
    product = OpportunityRef(read_only=True, allow_null=True)
    owner = OpportunityRef(read_only=True, allow_null=True)
    created_by = OpportunityRef(read_only=True, allow_null=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "ticket",
            "ticket_subject",
            "organization",
            "product",
            "kind",
            "note",
            "estimated_value",
            "state",
            "owner",
            "created_by",
            "created_at",
            "updated_at",
        ]


class OpportunityInput(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The ticket (create only).")
    kind = serializers.ChoiceField(choices=Opportunity.Kind.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    estimated_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=("agent", "admin")), required=False, allow_null=True
    )


class OpportunityChangeInput(OpportunityInput):
    ticket = None  # type: ignore[assignment]
    state = serializers.ChoiceField(choices=Opportunity.State.choices, required=False)
    state_note = serializers.CharField(required=False, allow_blank=True, help_text="Why the state changed (history).")


class OpportunityChangeOutput(serializers.ModelSerializer):
    actor = OpportunityRef(read_only=True, allow_null=True)

    class Meta:
        model = OpportunityChange
        fields = ["id", "actor", "old_state", "new_state", "note", "created_at"]


class OpportunityFilter(FilterSet):
    organization = IdFilter(field_name="organization_id")
    product = IdFilter(field_name="product_id")
    owner = IdFilter(field_name="owner_id")

    class Meta:
        model = Opportunity
        fields = ["state", "kind"]


class _OpportunityView(generics.GenericAPIView):
    permission_classes = [IsAgent]
    queryset = Opportunity.objects.none()  # for the schema; reads go through the selectors
    serializer_class = OpportunityOutput

    def opportunity(self) -> Opportunity:
        return selectors.opportunity_get_for(user=self.request.user, opportunity_id=self.kwargs["pk"])

    def output(self, opportunity_id: int) -> dict:
        return OpportunityOutput(
            selectors.opportunity_get_for(user=self.request.user, opportunity_id=opportunity_id)
        ).data


class OpportunityListView(_OpportunityView, generics.ListAPIView):
    """Opportunities, newest first; `?state=`, `?kind=`, `?organization=`, `?product=`, `?owner=`.
    POST marks a ticket as an opportunity (sales is told; endpoints get `opportunity.created`)."""

    filterset_class = OpportunityFilter
    ordering_fields = ["created_at", "updated_at", "estimated_value", "id"]

    def get_queryset(self) -> QuerySet[Opportunity]:
        return selectors.opportunity_list_for(user=self.request.user)

    @extend_schema(request=OpportunityInput, responses={201: OpportunityOutput, **ERR_400, **ERR_401_403})
    def post(self, request: Request) -> Response:
        serializer = OpportunityInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            ticket = ticket_selectors.ticket_bare_for(user=request.user, ticket_id=data.pop("ticket"))
        except Http404 as exc:
            raise ValidationError({"ticket": [_("No such ticket.")]}) from exc
        opportunity = services.opportunity_create(ticket=ticket, actor=request.user, **data)
        return Response(self.output(opportunity.pk), status=status.HTTP_201_CREATED)


class OpportunityDetailView(_OpportunityView):
    """One opportunity; PATCH changes owner, value, note... or the state (new → contacted → won/lost,
    409 otherwise; recorded in its history); DELETE is for administrators."""

    filter_backends: list = []

    @extend_schema(responses={200: OpportunityOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(OpportunityOutput(self.opportunity()).data)

    @extend_schema(
        request=OpportunityChangeInput,
        responses={200: OpportunityOutput, **ERR_400, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def patch(self, request: Request, pk: int) -> Response:
        opportunity = self.opportunity()
        serializer = OpportunityChangeInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        note = changes.pop("state_note", "")
        services.opportunity_update(opportunity=opportunity, actor=request.user, changes=changes, note=note)
        return Response(self.output(opportunity.pk))

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        services.opportunity_delete(opportunity=self.opportunity(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpportunityHistoryView(_OpportunityView):
    """The opportunity's history: who moved it from which state to which, when and why; oldest first."""

    serializer_class = OpportunityChangeOutput
    filter_backends: list = []
    pagination_class = None

    @extend_schema(responses={200: OpportunityChangeOutput(many=True), **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        history = selectors.opportunity_history(opportunity=self.opportunity())
        return Response(OpportunityChangeOutput(history, many=True).data)
