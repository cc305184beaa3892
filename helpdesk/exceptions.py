"""One error path: domain errors and validation errors become JSON with a stable `code`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A refused operation. Services raise it; the API maps it to `status` with `code`."""

    code = "error"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request could not be completed.")

    def __init__(self, detail=None, *, code: str | None = None):
        self.detail = detail if detail is not None else self.default_detail
        if code:
            self.code = code
        super().__init__(str(self.detail))


class Conflict(DomainError):
    code = "conflict"
    status = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_detail = _("This status change is not allowed.")


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The upload is too large.")


class TooManyAttempts(DomainError):
    """A rate limit holds. `retry_after` is the whole seconds to wait, sent as the Retry-After header;
    the detail says the same in words."""

    code = "throttled"
    status = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many attempts. Please try again later.")

    def __init__(self, detail=None, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(detail)


def _flatten(detail, prefix: str, out: dict[str, list[str]]) -> None:
    """Nested serializer errors as flat "field.0.sub" keys, each with a list of plain messages."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        for index, item in enumerate(detail):
            if item:
                _flatten(item, f"{prefix}.{index}" if prefix else str(index), out)
    elif isinstance(detail, list):
        out.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in detail)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))


def _validation_errors(detail) -> dict:
    out: dict[str, list[str]] = {}
    _flatten(detail, "", out)
    return out


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        return Response({"code": exc.code, "detail": str(exc.detail)}, status=exc.status, headers=headers)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _validation_errors(exc.detail)
        first = next(iter(errors.values()), [""])
        response.data = {"code": "invalid", "detail": first[0] if first else "", "errors": errors}
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else getattr(exc, "default_code", "error")
        response.data = {"code": code, "detail": str(exc.detail)}
    return response
