"""One error path: domain errors and validation errors become JSON with a stable `code`.

Saying "not allowed" (docs/architecture.md, "Refusals"): what a user may not see is a 404 (`Http404`
from a selector, `NotVisible` from a service), what they see but may not do is a 403 (`NotAllowed`).
Both are Django's own exceptions too, so a page that does not catch them answers the same status.
"""

import functools

from django import forms
from django.core import validators
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, fields, status
from rest_framework import validators as drf_validators
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from . import dates


class DomainError(Exception):
    """A refused operation. Services raise it; the API maps it to `status` with `code`."""

    code = "error"
    status: int = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request could not be completed.")

    def __init__(self, detail=None, *, code: str | None = None):
        self.detail = detail if detail is not None else self.default_detail
        if code:
            self.code = code
        super().__init__(str(self.detail))


class NotAllowed(DomainError, DjangoPermissionDenied):
    """The user sees the thing but may not do this to it: 403 `permission_denied` on every channel."""

    code = "permission_denied"
    status = status.HTTP_403_FORBIDDEN
    default_detail = _("You are not allowed to do this.")


class NotVisible(DomainError, Http404):
    """The user may not see the thing (or it does not exist): 404 `not_found`, never confirming it exists."""

    code = "not_found"
    status = status.HTTP_404_NOT_FOUND
    default_detail = _("Not found.")


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


# DRF's refusals that state only our limits, never what was sent ("no more than 200 characters"): DRF
# writes their numbers into the text itself, so in fa they are written again in Persian digits, as the
# pages write them (Django's own messages are filled in by helpdesk.error_numbers).
_LIMIT_CODES = frozenset(
    {"max_length", "min_length", "max_value", "min_value", "max_digits", "max_decimal_places", "max_whole_digits"}
)


def _message(detail) -> str:
    text = str(detail)
    if getattr(detail, "code", None) in _LIMIT_CODES and translation.get_language() == "fa":
        return dates.persian_number(text)
    return text


def _flatten(detail, prefix: str, out: dict[str, list[str]]) -> None:
    """Nested serializer errors as flat dotted paths, each with a list of plain messages: a nested
    object's field is "contact.email", a list's item "attachments.0" (counted from 0), an item's field
    "periods.1.start"; what is said about a nested object as a whole sits on its own path ("contact"),
    only the request as a whole uses "non_field_errors"."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY and prefix:
                _flatten(value, prefix, out)
            else:
                _flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        for index, item in enumerate(detail):
            if item:
                _flatten(item, f"{prefix}.{index}" if prefix else str(index), out)
    elif isinstance(detail, list):
        out.setdefault(prefix or "non_field_errors", []).extend(_message(m) for m in detail)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(_message(detail))


def _validation_errors(detail) -> dict:
    out: dict[str, list[str]] = {}
    _flatten(detail, "", out)
    return out


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


@functools.cache
def _field_codes() -> frozenset[str]:
    """The codes of a field's own validation (`required`, `max_length`, `invalid_choice`, our filters'
    `offset`...): every error message key of a Django, DRF or django-filter field class, and the codes
    of Django's and DRF's validators. Read once, at the first refusal, when every app's fields exist."""
    codes = {"unique_together"}
    for base in (forms.Field, models.Field, fields.Field):
        for cls in _subclasses(base) | {base}:
            codes.update(getattr(cls, "default_error_messages", None) or ())
    for module in (validators, drf_validators):
        codes.update(c for v in vars(module).values() if isinstance(c := getattr(v, "code", None), str))
    return frozenset(codes)


def _codes(codes) -> set:
    if isinstance(codes, dict):
        return set().union(*map(_codes, codes.values()))
    if isinstance(codes, list):
        return set().union(*map(_codes, codes))
    return {codes}


def _error_code(exc: exceptions.ValidationError) -> str:
    """A 400's `code`: `invalid` for a field's validation (or a mix of refusals); a refusal that names
    itself (`ticket_merged`, `phone_shared`, `root_cause_required`...) in every message keeps its code."""
    codes = _codes(exc.get_codes())
    if len(codes) == 1 and (code := codes.pop()) and code not in _field_codes():
        return code
    return "invalid"


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        return Response({"code": exc.code, "detail": str(exc.detail)}, status=exc.status, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=fields.get_error_detail(exc))  # keeps each message's code
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
        response.data = {"code": _error_code(exc), "detail": first[0] if first else "", "errors": errors}
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else getattr(exc, "default_code", "error")
        response.data = {"code": code, "detail": str(exc.detail)}
    return response
