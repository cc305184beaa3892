"""`/api/v1/blocked-senders/`: the blocklist of senders whose mail is quarantined instead of becoming
tickets. Agents read (customers get a 404 on every operation); administrators write (agents: 403).
Views validate, call tickets.blocklist.services, serialize."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.permissions import IsAgent
from tickets.api.common import ERR_400, ERR_401_403, ERR_404
from tickets.api.serializers import UserRef
from tickets.blocklist import selectors, services
from tickets.blocklist.addresses import domain_unicode
from tickets.models import BlockedSender


class BlockedSenderOutput(serializers.ModelSerializer):
    value_display = serializers.SerializerMethodField(
        help_text="The value as people read it (an internationalised domain in Unicode)."
    )
    created_by = UserRef(read_only=True, allow_null=True)

    class Meta:
        model = BlockedSender
        fields = [
            "id",
            "kind",
            "value",
            "value_display",
            "note",
            "created_by",
            "created_at",
            "stopped_count",
            "last_stopped_at",
        ]

    def get_value_display(self, entry: BlockedSender) -> str:
        local, at, domain = entry.value.rpartition("@")
        return f"{local}{at}{domain_unicode(domain)}"


class BlockedSenderInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=BlockedSender.Kind.choices,
        required=False,
        help_text="`address` (the default) or `domain`: a domain covers its subdomains too.",
    )
    value = serializers.CharField(max_length=254, help_text="An email address, or a domain such as example.com.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class _BlockedSenderView(generics.GenericAPIView):
    permission_classes = [IsAgent]
    queryset = BlockedSender.objects.none()  # for the schema; reads go through the selectors
    serializer_class = BlockedSenderOutput

    def entry(self) -> BlockedSender:
        return selectors.blocked_sender_get_for(user=self.request.user, entry_id=self.kwargs["pk"])


class BlockedSenderListView(_BlockedSenderView, generics.ListAPIView):
    """The blocked senders; `?kind=`, ordering by `value`, `created_at`, `stopped_count`, `last_stopped_at`.
    POST (administrators) blocks an address or a domain; our own addresses and staff accounts are refused."""

    filterset_fields = ["kind"]
    ordering_fields = ["value", "created_at", "stopped_count", "last_stopped_at", "id"]

    def get_queryset(self) -> QuerySet[BlockedSender]:
        return selectors.blocked_sender_list_for(user=self.request.user)

    @extend_schema(request=BlockedSenderInput, responses={201: BlockedSenderOutput, **ERR_400, **ERR_401_403})
    def post(self, request: Request) -> Response:
        serializer = BlockedSenderInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.blocked_sender_create(actor=request.user, **serializer.validated_data)
        return Response(BlockedSenderOutput(entry).data, status=status.HTTP_201_CREATED)


class BlockedSenderDetailView(_BlockedSenderView):
    """One entry; PATCH and DELETE (unblock) are for administrators. Mail an entry stopped stays in the
    quarantine after unblocking: process it again from the admin's inbound email list."""

    filter_backends: list = []

    @extend_schema(responses={200: BlockedSenderOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(BlockedSenderOutput(self.entry()).data)

    @extend_schema(
        request=BlockedSenderInput, responses={200: BlockedSenderOutput, **ERR_400, **ERR_401_403, **ERR_404}
    )
    def patch(self, request: Request, pk: int) -> Response:
        entry = self.entry()
        serializer = BlockedSenderInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = services.blocked_sender_update(actor=request.user, entry=entry, changes=serializer.validated_data)
        return Response(BlockedSenderOutput(entry).data)

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404})
    def delete(self, request: Request, pk: int) -> Response:
        services.blocked_sender_delete(actor=request.user, entry=self.entry())
        return Response(status=status.HTTP_204_NO_CONTENT)
