"""Rate limits on the shared cache: the client's address, fixed-window counters, the 429 answer.

`client_ip` is the one place that decides who the client is; the sign-in limits (helpdesk.signin),
the `ratelimit` decorator (sign-up, reset, invitation and rating links) and DRF (`NUM_PROXIES`) all
agree with it. The cache is Redis in production, shared by every web process; the counters are best
effort by design: an evicted counter only forgets some attempts.
"""

import functools
import hashlib
import ipaddress
import math
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import dates

DEFAULT_LIMIT = 10
DEFAULT_WINDOW = 3600  # seconds

# The wall clock every limit reads (a name of its own, so tests can move it).
clock: Callable[[], float] = time.time


def client_ip(request: HttpRequest) -> str:
    """The client's address. Each of the HELPDESK_TRUSTED_PROXIES proxies in front of us appends the
    address it received the request from to X-Forwarded-For, so the client is that many entries from
    the right; anything further left was written by the client and is ignored. No proxy: REMOTE_ADDR.
    The same rule as DRF's `get_ident` with NUM_PROXIES set from the same setting."""
    proxies = settings.HELPDESK_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-min(proxies, len(hops))] or "unknown"
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def address_key(address: str) -> str:
    """What one client is, for counting: an IPv4 address, or the /64 network of an IPv6 one (one
    machine is routinely handed a whole /64, so single IPv6 addresses are free to rotate)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


def cache_key(scope: str, kind: str, value: str) -> str:
    """A short key that keeps no address or email in the cache."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{kind}:{digest}"


def counter_add(key: str, amount: int = 1, *, timeout: float) -> int:
    """Add `amount` (which may be negative) to the counter at `key`, created at 0 if missing; the new value."""
    cache.add(key, 0, timeout=math.ceil(timeout))
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired or evicted between add() and incr()
        cache.add(key, amount, timeout=math.ceil(timeout))
        return amount


def window_count(key: str, *, window: int, now: float, add: int = 1) -> tuple[int, float]:
    """Add `add` to the counter of `key` for the current fixed window (aligned to the clock, so its
    end is known without asking the cache); returns the new count and the seconds left in the window."""
    start = math.floor(now / window) * window
    left = start + window - now
    return counter_add(f"{key}:{int(start)}", add, timeout=left + 1), left


def wait_text(seconds: float) -> str:
    """How long, in words: "40 seconds", "15 minutes", "1 hour" (rounded up, Persian digits in fa)."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        text = ngettext("%(n)s second", "%(n)s seconds", seconds)
        n = seconds
    elif seconds < 3600:
        n = math.ceil(seconds / 60)
        text = ngettext("%(n)s minute", "%(n)s minutes", n)
    else:
        n = math.ceil(seconds / 3600)
        text = ngettext("%(n)s hour", "%(n)s hours", n)
    digits = dates.persian_digits(str(n)) if translation.get_language() == "fa" else str(n)
    return text % {"n": digits}


def retry_seconds(seconds: float) -> int:
    """The whole seconds of a Retry-After header: never 0, never short of the real wait."""
    return max(1, math.ceil(seconds))


def too_many(request: HttpRequest, *, wait: float) -> HttpResponse:
    """The 429 page: one message with exactly how long to wait, and Retry-After."""
    message = _("Too many attempts. Please try again in %(wait)s.") % {"wait": wait_text(wait)}
    response = render(request, "helpdesk/rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_seconds(wait))
    return response


def ratelimit(
    scope: str,
    *,
    methods: Iterable[str] = ("POST",),
    email_field: str | None = "email",
    limit: int = DEFAULT_LIMIT,
    window: int = DEFAULT_WINDOW,
) -> Callable:
    """Limit a view per client address and per the email posted in `email_field`; every attempt counts
    (each may send a mail). Sign-in has its own rules (helpdesk.signin): only failures count there."""
    methods = frozenset(m.upper() for m in methods)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                now = clock()
                values = [("ip", address_key(client_ip(request)))]
                email = request.POST.get(email_field, "") if email_field and request.method == "POST" else ""
                if email:
                    values.append(("email", email))
                waits = []
                for kind, value in values:
                    count, left = window_count(cache_key(scope, kind, value), window=window, now=now)
                    if count > limit:
                        waits.append(left)
                if waits:
                    return too_many(request, wait=max(waits))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
