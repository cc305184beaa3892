"""`Idempotency-Key` on writes other systems retry (ticket and message creation).

The key row is inserted first, in the same transaction as the write it guards. A concurrent
duplicate blocks on the unique index (user, scope, key) until the first commits, then fails the
insert and replays the stored answer; if the first rolls back, the duplicate does the work itself.
Only successful answers are stored: a refused request may be retried with the same key.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk import dates
from helpdesk.exceptions import Conflict
from tickets.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
IN_PROGRESS = 0  # response_status of a row whose write has not committed yet


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


def _canonical(value):
    if hasattr(value, "read") and hasattr(value, "name"):  # an uploaded file
        sha256 = getattr(value, "sha256", None)  # taken while it streamed in (helpdesk.uploads)
        if not sha256:
            digest = hashlib.sha256()
            for chunk in value.chunks():
                digest.update(chunk)
            value.seek(0)
            sha256 = digest.hexdigest()
        return {"file": value.name, "size": value.size, "sha256": sha256}
    if isinstance(value, QueryDict):
        return {key: [_canonical(v) for v in value.getlist(key)] for key in sorted(value)}
    if isinstance(value, dict):
        return {str(key): _canonical(v) for key, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def request_fingerprint(data) -> str:
    """A hash of the parsed body (files by content), so a retry matches however it was encoded."""
    text = json.dumps(_canonical(data), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent(*, request: Request, scope: str, data, run: Callable[[], Response]) -> Response:
    """Run `run()` once per (user, scope, key); later calls with the same body get its answer."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return run()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [dates.fill(_("At most %(n)s characters."), {"n": MAX_KEY_LENGTH})]})
    fingerprint = request_fingerprint(data)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=request.user,
                    scope=scope,
                    key=key,
                    request_hash=fingerprint,
                    response_status=IN_PROGRESS,
                    response_body={},
                )
        except IntegrityError:
            return _replay(request=request, scope=scope, key=key, fingerprint=fingerprint)
        response = run()
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)
            return response
        record.response_status = response.status_code
        record.response_body = json.loads(JSONRenderer().render(response.data))
        record.save(update_fields=["response_status", "response_body"])
    return response


def _replay(*, request: Request, scope: str, key: str, fingerprint: str) -> Response:
    record = IdempotencyKey.objects.get(user=request.user, scope=scope, key=key)
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(_("This Idempotency-Key was already used with a different request."))
    if record.response_status == IN_PROGRESS:
        raise Conflict(
            _("A request with this Idempotency-Key is still being processed."), code="idempotency_key_in_use"
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def form_once_key(token: str, *written: str) -> str:
    """The once-key of a page's form post: its form token and a hash of what was written, so a double
    submit or a re-send is one write, and the form sent again with other text (back, change, send: the
    same token) another. No token, no key: the write is not guarded."""
    token = (token or "").strip()
    if not token:
        return ""
    return f"{token}:{hashlib.sha256(chr(0).join(written).encode()).hexdigest()[:16]}"


def once(*, user, scope: str, key: str, run: Callable[[], int]) -> tuple[int, bool]:
    """Run `run()` (which returns the id of what it made) once per (user, scope, key), in the same
    transaction as its key row: a concurrent duplicate waits on the unique index, then gets the first
    one's id. Returns (id, replayed). For pages posting a form token (the portal's new request)."""
    key = (key or "").strip()[:MAX_KEY_LENGTH]
    if not key:
        return run(), False
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, scope=scope, key=key, request_hash="", response_status=IN_PROGRESS, response_body={}
                )
        except IntegrityError:
            done = IdempotencyKey.objects.get(user=user, scope=scope, key=key)
            return int(done.response_body["id"]), True
        made = run()
        record.response_status, record.response_body = 201, {"id": made}
        record.save(update_fields=["response_status", "response_body"])
    return made, False
