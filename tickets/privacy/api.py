"""`/api/v1/contacts/{id}/export/` and `/api/v1/contacts/{id}/erase/`: privacy requests. The export is for
administrators and for a customer exporting themself (the portal's "download my data", limited per
login: 429); the erasure is for administrators only (a customer asks for it on the portal). Agents get
403; another customer's contact is a 404, like every contact a customer may not see. Views load
through the selector and call the service.

`/api/v1/contacts/{id}/erasure-requests/` is the portal's "ask to erase my data": a customer lists and
makes their own (201; a second pending one 409), agents list any contact's; an administrator declines
one at `.../erasure-requests/{request_id}/decline/` (403 for agents and customers) or carries it out
with the erasure above."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from customers import selectors as customer_selectors
from customers import services as customer_services
from customers.models import ErasureRequest
from helpdesk.schema import ErrorOutput
from tickets.api.common import ERR_400, ERR_401_403, ERR_409
from tickets.privacy.erase import contact_erase
from tickets.privacy.export import contact_export

ERR_404 = {404: OpenApiResponse(ErrorOutput, description="No such contact (or not yours to see).")}


class EraseInput(serializers.Serializer):
    confirm = serializers.CharField(
        help_text="The contact's email address, typed again: the erasure cannot be undone.", allow_blank=True
    )
    tell = serializers.BooleanField(
        default=False,
        help_text="They asked by mail, phone or letter: record their request (asked by you on their behalf) and "
        "mail them, in their language, that it is done. A request made on the portal is told anyway. 400 on "
        "`tell` when they have no email address.",
    )


class EraseOutput(serializers.Serializer):
    contact = serializers.IntegerField(help_text="The contact's id; the row stays, anonymised.")
    erased = serializers.DictField(child=serializers.IntegerField(), help_text="What was changed, by kind.")


class ContactExportView(generics.GenericAPIView):
    """Everything held about a contact as a zip of JSON files and their files; logged. Administrators, or
    the customer themself (their own contact only, a few times an hour)."""

    serializer_class = None

    @extend_schema(
        summary="Export a contact's data (zip)",
        responses={
            # served as application/zip; declared as bytes, as the attachment download is, so that
            # generated clients take it as a file
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The zip (`Content-Type: application/zip`, an attachment)."
            ),
            **ERR_401_403,
            **ERR_404,
            429: OpenApiResponse(
                ErrorOutput,
                description="A customer exporting themself too often (`throttled`); wait `Retry-After` seconds.",
            ),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        contact = customer_selectors.contact_get_for(user=request.user, contact_id=pk)
        archive = contact_export(contact=contact, actor=request.user)
        return FileResponse(
            archive, as_attachment=True, filename=f"contact-{contact.pk}-export.zip", content_type="application/zip"
        )


class ContactEraseView(generics.GenericAPIView):
    """Erase a contact's personal data everywhere; their tickets stay for the statistics; logged."""

    serializer_class = EraseInput

    @extend_schema(
        summary="Erase a contact's personal data",
        request=EraseInput,
        responses={200: EraseOutput, **ERR_400, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int) -> Response:
        contact = customer_selectors.contact_get_for(user=request.user, contact_id=pk)
        data = EraseInput(data=request.data)
        data.is_valid(raise_exception=True)
        counts = contact_erase(
            contact=contact,
            actor=request.user,
            confirm=data.validated_data["confirm"],
            tell=data.validated_data["tell"],
        )
        return Response(EraseOutput({"contact": contact.pk, "erased": counts}).data)


class ErasureRequestInput(serializers.Serializer):
    confirm = serializers.CharField(help_text="Your email address, typed again.", allow_blank=True)


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(
        help_text="Why the request is declined; mailed to the customer.", allow_blank=True, max_length=2000
    )


class ErasureRequestOutput(serializers.ModelSerializer):
    class Meta:
        model = ErasureRequest
        fields = ["id", "contact", "state", "created_at", "decided_at", "reason"]
        extra_kwargs = {"reason": {"help_text": "Why it was declined (empty otherwise)."}}


class ErasureRequestListView(generics.ListAPIView):
    """A contact's erasure requests, newest first: the customer's own, or any contact's for agents."""

    serializer_class = ErasureRequestOutput
    queryset = ErasureRequest.objects.none()  # the schema's model; get_queryset scopes every request

    def get_queryset(self):
        contact = customer_selectors.contact_get_for(user=self.request.user, contact_id=self.kwargs["pk"])
        return ErasureRequest.objects.filter(contact=contact)

    @extend_schema(
        summary="Ask to have your data erased",
        request=ErasureRequestInput,
        responses={201: ErasureRequestOutput, **ERR_400, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int) -> Response:
        contact = customer_selectors.contact_get_for(user=request.user, contact_id=pk)
        data = ErasureRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = customer_services.erasure_request_create(
            contact=contact, actor=request.user, confirm=data.validated_data["confirm"]
        )
        return Response(ErasureRequestOutput(created).data, status=status.HTTP_201_CREATED)


class ErasureRequestDeclineView(generics.GenericAPIView):
    """Decline a pending erasure request with a reason mailed to the customer (administrators)."""

    serializer_class = DeclineInput

    @extend_schema(
        summary="Decline an erasure request",
        request=DeclineInput,
        responses={200: ErasureRequestOutput, **ERR_400, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int, request_id: int) -> Response:
        contact = customer_selectors.contact_get_for(user=request.user, contact_id=pk)
        erasure = get_object_or_404(ErasureRequest, contact=contact, pk=request_id)
        data = DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        declined = customer_services.erasure_request_decline(
            erasure_request=erasure, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(ErasureRequestOutput(declined).data)


class ErasureRequestWithdrawView(generics.GenericAPIView):
    """Withdraw your own pending erasure request (the customer herself; nothing is erased)."""

    serializer_class = ErasureRequestOutput
    queryset = ErasureRequest.objects.none()  # the schema's model; the view scopes every request

    @extend_schema(
        summary="Withdraw your erasure request",
        request=None,
        responses={200: ErasureRequestOutput, **ERR_401_403, **ERR_404, **ERR_409},
    )
    def post(self, request: Request, pk: int, request_id: int) -> Response:
        contact = customer_selectors.contact_get_for(user=request.user, contact_id=pk)
        erasure = get_object_or_404(ErasureRequest, contact=contact, pk=request_id)
        withdrawn = customer_services.erasure_request_withdraw(erasure_request=erasure, actor=request.user)
        return Response(ErasureRequestOutput(withdrawn).data)
