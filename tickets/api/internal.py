"""Agents-only resources of a ticket: referrals, links, merge. For customers they do not exist (404)."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.permissions import IsAgent
from tickets import selectors, services
from tickets.api.common import ERR_400_TICKET, ERR_401_403, ERR_404, ERR_409, TicketsAPIView
from tickets.api.internal_serializers import (
    LinkCreateInput,
    LinkOutput,
    MergeInput,
    ReferralAnswerInput,
    ReferralCreateInput,
    ReferralOutput,
)
from tickets.api.serializers import TicketOutput
from tickets.models import Referral, Ticket, TicketLink


class AgentTicketView(TicketsAPIView):
    """A ticket sub-resource for agents only; customers get 404 before anything is looked up."""

    permission_classes = [IsAgent]
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends: list = []

    def other_ticket(self, ticket_id: int, field: str) -> Ticket:
        """Another ticket named in the body; one the agent cannot see is a 400 on that field."""
        try:
            return selectors.ticket_get_for(user=self.request.user, ticket_id=ticket_id)
        except Http404 as exc:
            raise ValidationError({field: [_("No such ticket.")]}) from exc


def _referrals(ticket: Ticket):
    return ticket.referrals.select_related("from_team", "to_team", "requested_by", "answered_by").order_by(
        "created_at", "id"
    )


class ReferralListView(AgentTicketView):
    """Referrals of a ticket to other teams, oldest first."""

    queryset = Referral.objects.none()  # for the schema
    serializer_class = ReferralOutput

    @extend_schema(
        operation_id="tickets_referrals_list", responses={200: ReferralOutput(many=True), **ERR_401_403, **ERR_404}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ReferralOutput(_referrals(self.ticket()), many=True).data)

    @extend_schema(
        operation_id="tickets_referrals_create",
        description="Hand the ticket (`handoff: true`: it moves to that team, unassigned) or a question to a team.",
        request=ReferralCreateInput,
        responses={201: ReferralOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        serializer = ReferralCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.ticket_refer(ticket=ticket, actor=request.user, **serializer.validated_data)
        referral = _referrals(ticket).get(pk=referral.pk)
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)


class ReferralActionView(AgentTicketView):
    queryset = Referral.objects.none()  # for the schema
    serializer_class = ReferralOutput

    def referral(self) -> Referral:
        return get_object_or_404(_referrals(self.ticket()), pk=self.kwargs["rid"])

    def respond(self, referral: Referral) -> Response:
        return Response(ReferralOutput(_referrals(self.ticket()).get(pk=referral.pk)).data)


class ReferralAnswerView(ReferralActionView):
    @extend_schema(
        operation_id="tickets_referrals_answer",
        description="The other team's answer; 409 `invalid_transition` when the referral is no longer open.",
        request=ReferralAnswerInput,
        responses={200: ReferralOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int, rid: int) -> Response:
        referral = self.referral()
        serializer = ReferralAnswerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_answer(referral=referral, actor=request.user, **serializer.validated_data)
        return self.respond(referral)


class ReferralCancelView(ReferralActionView):
    @extend_schema(
        operation_id="tickets_referrals_cancel",
        request=None,
        responses={200: ReferralOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int, rid: int) -> Response:
        return self.respond(services.referral_cancel(referral=self.referral(), actor=request.user))


class ReferralCustomerInformedView(ReferralActionView):
    @extend_schema(
        operation_id="tickets_referrals_customer_informed",
        description="The agent told the customer the outcome of an answered referral.",
        request=None,
        responses={200: ReferralOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int, rid: int) -> Response:
        return self.respond(services.referral_mark_customer_informed(referral=self.referral(), actor=request.user))


class LinkListView(AgentTicketView):
    """Links from and to a ticket (related, parent of, duplicate of, follow-up of)."""

    queryset = TicketLink.objects.none()  # for the schema
    serializer_class = LinkOutput

    def links(self, ticket: Ticket):
        return (
            TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket))
            .select_related("from_ticket", "to_ticket")
            .order_by("created_at", "id")
        )

    @extend_schema(operation_id="tickets_links_list", responses={200: LinkOutput(many=True), **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        return Response(LinkOutput(self.links(ticket), many=True, context={"ticket_id": ticket.pk}).data)

    @extend_schema(
        operation_id="tickets_links_create",
        description="Link this ticket to `other` (this ticket is `from_ticket`); linking twice is harmless.",
        request=LinkCreateInput,
        responses={201: LinkOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        serializer = LinkCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = self.other_ticket(serializer.validated_data["other"], "other")
        link = services.ticket_link(
            ticket=ticket, other=other, kind=serializer.validated_data["kind"], actor=request.user
        )
        link = self.links(ticket).get(pk=link.pk)
        return Response(LinkOutput(link, context={"ticket_id": ticket.pk}).data, status=status.HTTP_201_CREATED)


class MergeView(AgentTicketView):
    queryset = Ticket.objects.none()  # for the schema
    serializer_class = TicketOutput

    @extend_schema(
        operation_id="tickets_merge",
        description=(
            "Merge this ticket into `into`: messages, attachments, referrals, time entries, sales opportunities"
            " and product-feedback links move, tags and the problem are added to it (a different problem of its"
            " own is kept), satisfaction ratings stay; this ticket closes pointing to it."
            " Answers the ticket merged into."
        ),
        request=MergeInput,
        responses={200: TicketOutput, **ERR_400_TICKET, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.ticket()
        serializer = MergeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = self.other_ticket(serializer.validated_data["into"], "into")
        if target.pk == ticket.pk:
            raise ValidationError({"into": [_("A ticket cannot be merged into itself.")]})
        services.ticket_merge(source=ticket, target=target, actor=request.user)
        target = selectors.ticket_get_for(user=request.user, ticket_id=target.pk)
        return Response(TicketOutput(target, context={"request": request}).data)
