"""The raw-MIME entrance: a mail service (or a relay script) POSTs one RFC 822 message.

Authenticated by the mailbox's push secret in `X-Mailbox-Secret`, compared in constant time;
an unknown mailbox and a wrong secret answer the same 403, so ids cannot be probed.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.email.ingest import email_ingest
from tickets.models import Mailbox

_DUMMY_SECRET = "x" * 43


def _max_bytes() -> int:
    return getattr(settings, "HELPDESK_EMAIL_MAX_BYTES", 50 * 1024 * 1024)


class _RawParser(BaseParser):
    """The request body as bytes, read from the stream (not `request.body`, which refuses
    anything over DATA_UPLOAD_MAX_MEMORY_SIZE), up to HELPDESK_EMAIL_MAX_BYTES."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return b""
        limit = _max_bytes()
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise ParseError(_("The message is larger than the limit."))
        return data


class Rfc822Parser(_RawParser):
    media_type = "message/rfc822"


class OctetStreamParser(_RawParser):
    media_type = "application/octet-stream"


class InboundEmailView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []
    parser_classes = [Rfc822Parser, OctetStreamParser]

    def check_secret(self, request: Request, mailbox_id: int) -> Mailbox:
        given = request.headers.get("X-Mailbox-Secret", "")
        mailbox = Mailbox.objects.select_related("team").filter(pk=mailbox_id, is_active=True).first()
        expected = mailbox.push_secret if mailbox is not None else _DUMMY_SECRET
        matches = hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
        if mailbox is None or not given or not matches:
            raise PermissionDenied(_("Wrong or missing mailbox secret."))
        return mailbox

    @extend_schema(
        operation_id="email_inbound",
        request={"message/rfc822": OpenApiTypes.BINARY, "application/octet-stream": OpenApiTypes.BINARY},
        responses={
            202: inline_serializer(
                "InboundEmailAccepted",
                {
                    "id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "ticket": serializers.IntegerField(allow_null=True),
                },
            ),
            403: OpenApiResponse(description="Wrong or missing X-Mailbox-Secret."),
        },
    )
    def post(self, request: Request, mailbox_id: int) -> Response:
        mailbox = self.check_secret(request, mailbox_id)  # before the body is read
        raw = request.data
        if not isinstance(raw, bytes) or not raw.strip():
            raise ParseError(_("The request body must be one raw email message."))
        inbound = email_ingest(raw=raw, mailbox=mailbox)
        return Response(
            {"id": inbound.pk, "status": inbound.status, "ticket": inbound.ticket_id},
            status=status.HTTP_202_ACCEPTED,
        )
