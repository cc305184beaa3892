"""Attachment downloads, permission-checked: only someone who may see the ticket (and, for a
customer, the message: never an internal note's file) gets the bytes; anyone else gets a 404.

A DRF view so both the browser session and `Authorization: Token` work. Files are sent as
downloads unless they are images or plain text (UTF-8 text with its charset; other text is a
download), with `nosniff` and a sandboxing CSP so an
uploaded HTML or SVG file can never run in our origin.
"""

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from helpdesk.models import User
from tickets import selectors
from tickets.attachments.store import charset_of, is_inline_safe
from tickets.models import Attachment


class _AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts (an <img> asks for image/*); errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def attachment_list_for(*, user: User) -> QuerySet[Attachment]:
    """Attachments on tickets the user may see; a customer's exclude internal notes' files."""
    qs = Attachment.objects.filter(ticket__in=selectors.ticket_base_for(user=user).values("pk"))
    if not user.is_agent:
        qs = qs.filter(message__isnull=False, message__internal=False)
    return qs


class AttachmentDownloadView(APIView):
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="attachments_download",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file; `Content-Disposition: attachment` unless an image or text."
            ),
            404: OpenApiResponse(description="No such file, or not yours to see."),
        },
    )
    def get(self, request: Request, pk: int, name: str = "") -> FileResponse:
        attachment = attachment_list_for(user=request.user).filter(pk=pk).first()
        if attachment is None:
            raise Http404
        inline = is_inline_safe(attachment)
        try:
            charset = charset_of(attachment)  # decided on upload; read here only for a row older than that
            handle = attachment.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        content_type = attachment.content_type or "application/octet-stream"
        if content_type.startswith("text/"):
            # Text in another encoding would show as mojibake inline: it is a download without charset.
            content_type = f"{content_type}; charset={charset}" if charset else content_type
            inline = inline and bool(charset)
        response = FileResponse(
            handle, as_attachment=not inline, filename=attachment.original_name, content_type=content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
