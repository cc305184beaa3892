"""`POST /api/v1/tickets/{id}/spam/`: mark a ticket as spam (agents; customers get a 404), through the
same service as the ticket page and the bulk bar (tickets.services.spam)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tickets import selectors, services
from tickets.api.common import ERR_400_TICKET, ERR_401_403, ERR_404, ERR_409
from tickets.api.internal import AgentTicketView
from tickets.api.serializers import TicketOutput
from tickets.blocklist.api import BlockedSenderOutput
from tickets.models import Ticket


class SpamInput(serializers.Serializer):
    block_sender = serializers.BooleanField(
        required=False,
        help_text=(
            "Also block the requester's address, so their next mail is quarantined instead of opening a ticket."
            " Default: true for tickets that came by email. Refused (400 on `block_sender`) for a requester"
            " without an address, with a portal login, or whose address is ours or a staff account's."
        ),
    )


class SpamOutput(serializers.Serializer):
    ticket = TicketOutput(read_only=True)
    blocked_sender = BlockedSenderOutput(read_only=True, allow_null=True, help_text="The entry that blocks the sender.")


class SpamView(AgentTicketView):
    queryset = Ticket.objects.none()  # for the schema
    serializer_class = SpamOutput

    @extend_schema(
        operation_id="tickets_spam",
        description=(
            "Mark the ticket as spam: it closes for good (from any status but closed: 409 `invalid_transition`;"
            " a merged ticket is a 400 `ticket_merged`), is tagged `spam` and gets an agents-only `marked_spam`"
            " event. Nothing is sent to the requester (no closing mail, no survey); webhooks fire as for any"
            " close (`ticket.status_changed`) and `ticket.marked_spam`."
        ),
        request=SpamInput,
        responses={200: SpamOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        serializer = SpamInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        block = serializer.validated_data.get("block_sender", services.spam_block_default(ticket))
        result = services.ticket_mark_spam(ticket=ticket, actor=request.user, block_sender=block)
        ticket = selectors.ticket_get_for(user=request.user, ticket_id=ticket.pk)
        data = {"ticket": ticket, "blocked_sender": result.blocked}
        return Response(SpamOutput(data, context={"request": request}).data)
