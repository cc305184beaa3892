"""Pieces every tickets API view shares: the base view, uploads, channels, error answers."""

from collections.abc import Iterable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from helpdesk.exceptions import DomainError, PayloadTooLarge
from helpdesk.schema import ErrorOutput
from helpdesk.uploads import UploadTooLarge
from tickets import selectors
from tickets.attachments.store import IncomingFile, check_size, check_type
from tickets.models import Channel, Ticket


class TicketsAPIView(generics.GenericAPIView):
    """Base view: body-size and field-count refusals become JSON (413/400), never a bare 400/500."""

    def handle_exception(self, exc):
        if isinstance(exc, UploadTooLarge):
            exc = PayloadTooLarge(str(exc), code=exc.code)
        elif isinstance(exc, RequestDataTooBig):
            exc = PayloadTooLarge(_("The request body is too large."), code="request_too_large")
        elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
            exc = DomainError(_("The request has too many fields or files."), code="too_many_fields")
        return super().handle_exception(exc)

    def bare_ticket(self) -> Ticket:
        """The ticket of the URL without its related rows (listing its messages or events); 404 if hidden."""
        return selectors.ticket_bare_for(user=self.request.user, ticket_id=self.kwargs["pk"])

    def ticket(self) -> Ticket:
        """The ticket of the URL, through the selector: hidden or missing is a 404."""
        if not hasattr(self, "_ticket"):
            self._ticket = selectors.ticket_get_for(
                user=self.request.user, ticket_id=self.kwargs["pk"], with_terms=False
            )
        return self._ticket


def incoming_files(files: Iterable[UploadedFile]) -> list[IncomingFile]:
    """Uploaded files as the services take them (read in chunks when stored); every size and type (no
    programs or scripts: tickets.attachments.store.check_type) is checked first."""
    files = list(files)
    for upload in files:
        check_type(upload.name or "")
        check_size(upload.size)
    return [
        IncomingFile(name=upload.name or "", content=upload, content_type=upload.content_type or "") for upload in files
    ]


def request_channel(request: Request) -> str:
    """`portal` for a customer's browser session, `agent` for an agent's, `api` for tokens."""
    if isinstance(request.successful_authenticator, SessionAuthentication):
        return Channel.AGENT if request.user.is_agent else Channel.PORTAL
    return Channel.API


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorOutput, description=description)


ERR_400 = {400: _error("Invalid input (code `invalid`): `errors` holds per-field messages.")}
# Any change to a ticket: a merged one takes none (tickets.transitions.TicketMerged).
ERR_400_TICKET = {
    400: _error(
        "Invalid input (code `invalid`, `errors` per field), or code `ticket_merged`: the ticket was merged into"
        " another and can no longer be changed (`detail` names the ticket to continue on)."
    )
}
ERR_401_403 = {
    401: _error("Not signed in."),
    403: _error("Signed in, but not allowed."),
}
ERR_404 = {404: _error("No such ticket (or not yours to see).")}
ERR_409 = {409: _error("Refused in the current state (`invalid_transition`, `ticket_closed`, ...).")}
ERR_413 = {413: _error("An attachment or the request body is too large (`attachment_too_large`).")}
# A program or script among the files: refused before anything is stored (400, `attachment_type_blocked`).
ERR_400_FILES = {
    400: _error(
        "Invalid input (`invalid`, `errors` per field), an attachment of a refused type (`attachment_type_blocked`),"
        " or a change to a merged ticket (`ticket_merged`)."
    )
}
IDEMPOTENCY_409 = {
    409: _error("`idempotency_key_reused`: the key was used with a different body; or a refused state change.")
}
