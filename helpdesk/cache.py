"""The shared cache on Redis, working on without Redis.

Nothing the helpdesk must keep lives in the cache (sign-in failure counters, rate-limit windows,
presence heartbeats, the synonym index): when Redis cannot be reached, a read misses, a write is
dropped and a counter starts again, so sign-in, presence and pages go on working, only without
their limits and hints. The first failure is logged as a warning and Redis is not asked again for
RETRY_SECONDS (logged once each time), so a Redis that stops answering costs one request its socket timeout, not every call.
`/healthz` asks Redis itself (`health_check`) and reports the cache as degraded.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class RedisCache(DjangoRedisCache):
    """Django's Redis cache; while Redis is unreachable, reads miss and writes are dropped."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while this process treats Redis as down (a call failed less than RETRY_SECONDS ago)."""
        return time.monotonic() >= self._down_until

    def health_check(self) -> None:
        """Ask Redis itself (no fallback): raises when it cannot be reached."""
        self._cache.get_client(write=True).ping()
        self._down_until = 0.0

    def _call(self, name: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.available:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning(
                "Cache unreachable (%s): working without it for %d s (sign-in limits, rate limits and presence off)",
                exc,
                RETRY_SECONDS,
            )
            self._down_until = time.monotonic() + RETRY_SECONDS
            return fallback

    def _missing(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """A call whose "nothing there" is an exception (incr on a missing key raises ValueError)."""
        marker = object()
        result = self._call(name, marker, *args, **kwargs)
        if result is marker:
            raise ValueError("Key not found (the cache is unreachable).")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):  # type: ignore[override]
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):  # type: ignore[override]
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):  # type: ignore[override]
        self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):  # type: ignore[override]
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):  # type: ignore[override]
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):  # type: ignore[override]
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):  # type: ignore[override]
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):  # type: ignore[override]
        return self._missing("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):  # type: ignore[override]
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):  # type: ignore[override]
        self._call("delete_many", None, keys, version)

    def clear(self):  # type: ignore[override]
        return self._call("clear", False)


def cache_available(cache: Any) -> bool:
    """Whether `cache` is working normally (any cache but this one always is)."""
    return getattr(cache, "available", True)
