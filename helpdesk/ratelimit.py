"""A small fixed-window rate limiter on the shared cache, for sign-in, account and rating pages.

Counts per client IP and per target email address, so neither one machine nor one mailbox can be
hammered. Answers 429 with a friendly page. The cache is Redis in production (shared by every web
process); the counters are best effort by design: an evicted counter only resets a window.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

DEFAULT_LIMIT = 10
DEFAULT_WINDOW = 3600  # seconds


def _cache_key(scope: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{kind}:{digest}"


def hit(*, scope: str, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one attempt; True while the count is within `limit` for the current window."""
    if not value:
        return True
    key = _cache_key(scope, kind, value)
    if cache.add(key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind our own load balancer (HELPDESK_BEHIND_PROXY) that is the last
    X-Forwarded-For entry, the one the balancer appended; anything before it is client-controlled."""
    if getattr(settings, "HELPDESK_BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "helpdesk/rate_limited.html", status=429)
    response["Retry-After"] = str(DEFAULT_WINDOW)
    return response


def ratelimit(
    scope: str,
    *,
    methods: Iterable[str] = ("POST",),
    email_field: str | None = "email",
    limit: int = DEFAULT_LIMIT,
    window: int = DEFAULT_WINDOW,
) -> Callable:
    """Limit a view per IP and per the email posted in `email_field` (both counted on each attempt)."""
    methods = frozenset(m.upper() for m in methods)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                allowed = hit(scope=scope, kind="ip", value=client_ip(request), limit=limit, window=window)
                email = request.POST.get(email_field, "") if email_field and request.method == "POST" else ""
                if email:
                    allowed = hit(scope=scope, kind="email", value=email, limit=limit, window=window) and allowed
                if not allowed:
                    return too_many(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
