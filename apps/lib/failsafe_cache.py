"""The default cache: Redis, and this process's memory while Redis cannot be reached.

Everything Aperture keeps in the cache can be rebuilt or is a count: the admin login throttle
(django-axes), the per-address subscribe limit, the API's rate limit and Last-Modified times,
leases on fetching one host. None of it is worth an error page. So when Redis is down (or
answers slower than ``socket_timeout``) every operation falls back to a local-memory cache of
the process, with the same keys, limits and expiry, and a warning is logged at most once a
minute; from the first operation that reaches Redis again, Redis is used.

**Rate limits fall back, they do not deny.** During an outage each process counts on its own:
the limits still hold per process, so one client can do at most the limit times the number of
processes (gunicorn workers) until Redis is back; counts made meanwhile are not carried over.
SECURITY.md ("Reliability") says the same.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

__all__ = ["FailSafeRedisCache"]

logger = logging.getLogger(__name__)

#: The least time between two warnings that the cache is local.
WARN_EVERY_SECONDS = 60.0


class FailSafeRedisCache(RedisCache):
    """Django's RedisCache, falling back to a per-process LocMemCache on any Redis error."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(f"failsafe-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._warned_at = 0.0
        #: False while the last operation could not reach Redis.
        self.shared = True

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        remote: Callable[..., Any] = getattr(super(), name)
        try:
            value = remote(*args, **kwargs)
        except RedisError as error:
            self.shared = False
            now = time.monotonic()
            if now - self._warned_at >= WARN_EVERY_SECONDS or not self._warned_at:
                self._warned_at = now
                logger.warning("cache: Redis unreachable, using this process's memory: %s", error)
            local: Callable[..., Any] = getattr(self._local, name)
            return local(*args, **kwargs)
        if not self.shared:
            logger.warning("cache: Redis reachable again")
            self.shared = True
        return value

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list[str]:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        self._either("delete_many", *args, **kwargs)

    def clear(self) -> None:
        self._either("clear")
