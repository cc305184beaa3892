"""`/api/v1/custom-statuses/`: the teams' own statuses. Agents read (customers get a 404 on every
operation); administrators write (agents: 403). Views validate, call tickets.statuses.services,
serialize; a ticket is put on one through PATCH /api/v1/tickets/{id}/ `custom_status`."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.models import Team
from helpdesk.permissions import IsAgent
from tickets.api.common import ERR_400, ERR_401_403, ERR_404, ERR_409
from tickets.models import CUSTOM_BASES, CustomStatus
from tickets.statuses import selectors, services


class CustomStatusOutput(serializers.ModelSerializer):
    label = serializers.CharField(source="display_name", read_only=True, help_text="Agent label, caller's language.")
    customer_label = serializers.CharField(
        source="customer_text", read_only=True, help_text="Customer label, caller's language (empty: base wording)."
    )
    teams = serializers.SerializerMethodField(help_text="Team ids it is offered for; empty: every team.")

    class Meta:
        model = CustomStatus
        fields = [
            "id",
            "name",
            "name_fa",
            "customer_name",
            "customer_name_fa",
            "label",
            "customer_label",
            "base_status",
            "teams",
            "is_active",
            "position",
        ]

    def get_teams(self, custom: CustomStatus) -> list[int]:
        return sorted(team.pk for team in custom.teams.all())


class CustomStatusInput(serializers.Serializer):
    name = serializers.CharField(max_length=80, help_text="The agent label in English.")
    name_fa = serializers.CharField(max_length=80, required=False, allow_blank=True)
    customer_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    customer_name_fa = serializers.CharField(max_length=80, required=False, allow_blank=True)
    base_status = serializers.ChoiceField(
        choices=list(CUSTOM_BASES), help_text="The status it stands for; fixed once tickets are on it."
    )
    teams = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), many=True, required=False)
    is_active = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)


class _CustomStatusView(generics.GenericAPIView):
    permission_classes = [IsAgent]
    queryset = CustomStatus.objects.none()  # for the schema; reads go through the selectors
    serializer_class = CustomStatusOutput

    def custom(self) -> CustomStatus:
        return selectors.custom_status_get_for(user=self.request.user, custom_id=self.kwargs["pk"])


class CustomStatusListView(_CustomStatusView, generics.ListAPIView):
    """The custom statuses in order; `?is_active=`, `?base_status=`. POST (administrators) adds one."""

    filterset_fields = ["is_active", "base_status"]
    ordering_fields = ["position", "name", "id"]

    def get_queryset(self) -> QuerySet[CustomStatus]:
        return selectors.custom_status_list_for(user=self.request.user)

    @extend_schema(request=CustomStatusInput, responses={201: CustomStatusOutput, **ERR_400, **ERR_401_403})
    def post(self, request: Request) -> Response:
        serializer = CustomStatusInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        custom = services.custom_status_create(actor=request.user, **serializer.validated_data)
        return Response(CustomStatusOutput(custom).data, status=status.HTTP_201_CREATED)


class CustomStatusDetailView(_CustomStatusView):
    """One custom status; PATCH and DELETE are for administrators. DELETE of one that tickets are on is
    a 409 `in_use` (make it inactive instead); so is changing its `base_status` (a 400 on the field)."""

    filter_backends: list = []

    @extend_schema(responses={200: CustomStatusOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(CustomStatusOutput(self.custom()).data)

    @extend_schema(request=CustomStatusInput, responses={200: CustomStatusOutput, **ERR_400, **ERR_401_403, **ERR_404})
    def patch(self, request: Request, pk: int) -> Response:
        custom = self.custom()
        serializer = CustomStatusInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        custom = services.custom_status_update(actor=request.user, custom=custom, changes=serializer.validated_data)
        return Response(
            CustomStatusOutput(selectors.custom_status_get_for(user=request.user, custom_id=custom.pk)).data
        )

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404, **ERR_409})
    def delete(self, request: Request, pk: int) -> Response:
        services.custom_status_delete(actor=request.user, custom=self.custom())
        return Response(status=status.HTTP_204_NO_CONTENT)
