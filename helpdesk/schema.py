"""The API schema's AutoSchema (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

It marks the operations anyone may call without signing in (`{}` among the security requirements:
credentials optional), and documents the error answers each operation can give, all with the one
error component (`{"code", "detail"}`, plus `errors` by dotted field path on a 400): 401 where
credentials are read, 403 where permissions can refuse, 404 where the path names an object or the
operation is hidden from other roles (a permission with `hides`, helpdesk.permissions), 415 where it
reads a body (any other media type is refused), 429 where a throttle applies. An operation's own
`@extend_schema(responses=...)` description of a code wins (given the error body if it has none).
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class ErrorOutput(serializers.Serializer):
    """Every error answer: a stable `code`, a human `detail`, per-field `errors` on a 400."""

    code = serializers.CharField(
        help_text=(
            "Stable, for programs: `invalid` (a 400 on fields), `not_found`, `permission_denied`, ...; a 400 the"
            " service names keeps its own code (`ticket_merged`, `root_cause_required`, `phone_shared`, ...)."
        )
    )
    detail = serializers.CharField(help_text="For people: the first field message on a 400.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "On a 400 only: messages per field, keyed by the field's path in the request body. A nested"
            " object's field is `contact.email`, a list's item `attachments.0` (counted from 0), an item's"
            " field `periods.1.start`; what concerns the request as a whole is under `non_field_errors`."
        ),
    )


def allows_anonymous(view, method: str) -> bool:
    """Whether every permission of the view lets an anonymous caller use this method. A permission
    class says so with `AllowAny` or an `anonymous_methods` attribute (knowledgebase: safe methods)."""
    return all(
        isinstance(permission, permissions.AllowAny) or method in getattr(permission, "anonymous_methods", ())
        for permission in view.get_permissions()
    )


ERROR_CODES = {"401", "403", "404", "415", "429"}
BODY_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(SpectacularAutoSchema):
    def _public(self) -> bool:
        return allows_anonymous(self.view, self.method)

    def get_auth(self):
        auths = super().get_auth()
        if self._public() and {} not in auths:
            auths.append({})
        return auths

    def _error_answers(self) -> dict[str, str]:
        public = self._public()
        authenticates = bool(self.view.get_authenticators())
        answers = {}
        if authenticates:
            answers["401"] = (
                "The token sent is not valid (`WWW-Authenticate: Token`); without one the answer is public."
                if public
                else "Not signed in, or the token is not valid: send `Authorization: Token <key>`"
                " (the answer carries `WWW-Authenticate: Token`)."
            )
            if not (public and self.method in permissions.SAFE_METHODS):
                answers["403"] = "Signed in, but not allowed (or a browser session's CSRF check failed)."
        if any(getattr(permission, "hides", False) for permission in self.view.get_permissions()):
            answers["404"] = "Not available to your role (it does not exist for you), or no such object."
        elif "{" in self.path:
            answers["404"] = "No such object, or not yours to see."
        if self.method in BODY_METHODS and self.view.get_parsers() and self._get_request_body() is not None:
            media = ", ".join(sorted({parser.media_type for parser in self.view.get_parsers()}))
            answers["415"] = (
                f"The body's `Content-Type` is not one this operation takes ({media}): `unsupported_media_type`."
            )
        if self.view.get_throttles():
            answers["429"] = "Too many requests: try again after `Retry-After` seconds."
        return answers

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_answers().items():
            responses.setdefault(code, self._get_response_for_code(OpenApiResponse(ErrorOutput, description), code))
        for code in ERROR_CODES & responses.keys():
            if "content" not in responses[code]:  # described by the view without a body: it has one
                error = self._get_response_for_code(OpenApiResponse(ErrorOutput), code)
                responses[code]["content"] = error["content"]
        return responses
