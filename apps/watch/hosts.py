"""Politeness per host, and one conditional GET with what it means for a check.

* **One request at a time per host**, across workers: a short lock per host in the cache
  (Redis in production). A worker that finds a host busy hands the row back untried.
* **Retry-After**: a host that answers 429 (or 503 with Retry-After) is left alone, by every row
  of this run, until the time it asked for (capped by WATCH_RETRY_AFTER_MAX_SECONDS).
* **Conditional GET**: the ETag and Last-Modified of the last reading are sent; a 304 is
  "unchanged" and costs nothing more.
* robots.txt is the fetch client's own (apps/lib/fetch/robots.py).
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from apps.lib.fetch import FetchError, FetchResult, fetch

from .conf import watch_conf

HTML_TYPES = ("text/html", "application/xhtml+xml")

#: FetchError reasons that mean "it answered, but not with a page we can read".
_UNREADABLE_REASONS = frozenset({"redirects", "too_large", "content_type", "robots", "decoding"})


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@dataclass
class HostGate:
    """The hosts one run of checks has been asked to leave alone, and the per-host lock."""

    waits: dict[str, float] = field(default_factory=dict)

    def wait_for(self, host: str) -> float:
        """Seconds until ``host`` may be asked again (0 if now)."""
        return max(0.0, self.waits.get(host, 0.0) - time.monotonic())

    def back_off(self, host: str, seconds: float) -> None:
        self.waits[host] = time.monotonic() + seconds

    @contextlib.contextmanager
    def turn(self, host: str) -> Iterator[bool]:
        """Hold ``host``'s lock while the body runs; yields False if another worker holds it."""
        key = f"watch:host:{host}"
        token = uuid.uuid4().hex
        lease = float(settings.FETCH_TIMEOUT_SECONDS) * 5
        if not cache.add(key, token, timeout=lease):
            yield False
            return
        try:
            yield True
        finally:
            if cache.get(key) == token:
                cache.delete(key)


@dataclass(frozen=True)
class Failure:
    """A fetch that gave no page: the state it means, why, and when to look again."""

    state: str
    detail: str
    retry_in: float | None = None


def failure_of(error: FetchError) -> Failure:
    """What a FetchError means for a check: gone, asked to wait, unreadable or unreachable."""
    conf = watch_conf()
    if error.status in (404, 410):
        return Failure("gone", str(error))
    if error.status == 429 or (error.status == 503 and error.retry_after is not None):
        wait = min(error.retry_after or conf.retry_seconds, conf.retry_after_max_seconds)
        return Failure(
            "rate_limited",
            f"The host asked us to wait (HTTP {error.status}); next try in {wait:.0f} s.",
            retry_in=wait,
        )
    if error.reason in _UNREADABLE_REASONS:
        return Failure("unreadable", str(error))
    return Failure(
        "unreachable", str(error), retry_in=None if error.permanent else conf.retry_seconds
    )


def conditional_fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` through the safe client, conditionally when we have validators."""
    return fetch(
        url,
        accept=HTML_TYPES,
        max_bytes=watch_conf().max_bytes,
        etag=etag or None,
        last_modified=last_modified or None,
    )
