"""A per-client rate limit shared by every process, in Redis (through Django's cache).

Fixed windows: a client (its address, as apps/lib/client_ip.py sees it) may make
``API_RATE_LIMIT`` requests under /api/ in each window of ``API_RATE_WINDOW_SECONDS``; the count
is one Redis key per client and window, created with the window's length as its expiry and
incremented atomically, so every gunicorn worker and every host on the same Redis counts into
the same place.

When Redis cannot be reached the limit **fails open to a per-process limit**: each process
counts in its own memory with the same limit and window, and logs a warning. The API is a
read-only view of a public record, so refusing every reader because the cache is down would
turn a cache outage into an API outage; counting per process still bounds what one client can
do to each worker (at most the limit times the number of processes) until Redis is back.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

from .conf import api_conf

logger = logging.getLogger(__name__)

KEY_PREFIX = "api:rate"


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    #: Seconds until the window ends and the count starts again.
    reset: int
    allowed: bool
    #: False when Redis was unreachable and this process counted alone.
    shared: bool


def rate_key(client: str, window: int) -> str:
    return f"{KEY_PREFIX}:{client}:{window}"


def _shared_count(key: str, window_seconds: int) -> int:
    # add() is a no-op when the key exists; incr() is atomic in Redis.
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds + 1)
        return 1


class _LocalCounts:
    """The fallback while Redis is away: this process's counts for the current windows."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._window = -1

    def hit(self, key: str, window: int) -> int:
        with self._lock:
            if window != self._window:  # a new window: forget the old counts
                self._counts.clear()
                self._window = window
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]


_local = _LocalCounts()
_last_warning = [0.0]


def rate_limit_hit(*, client: str, now: float | None = None) -> RateState:
    """Count one request by ``client`` and say whether it is within the limit."""
    conf = api_conf()
    now = time.time() if now is None else now
    window_seconds = max(1, conf.rate_window_seconds)
    window = int(now // window_seconds)
    key = rate_key(client, window)
    shared = True
    try:
        count = _shared_count(key, window_seconds)
    except Exception as error:  # redis-py's ConnectionError, TimeoutError, ... (see module doc)
        shared = False
        count = _local.hit(key, window)
        if now - _last_warning[0] > window_seconds:
            _last_warning[0] = now
            logger.warning("API rate limit counts per process: Redis is unreachable (%s)", error)
    reset = max(1, math.ceil((window + 1) * window_seconds - now))
    return RateState(
        limit=conf.rate_limit,
        remaining=max(0, conf.rate_limit - count),
        reset=reset,
        allowed=count <= conf.rate_limit,
        shared=shared,
    )
