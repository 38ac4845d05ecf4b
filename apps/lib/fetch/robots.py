"""robots.txt: fetched through the same safe machinery, cached per origin, honoured by fetch().

Aperture is not a crawler (it makes one human-triggered request for a page a lab published),
but it asks each origin's robots.txt before every page and every redirect target all the same.
:func:`robots_allows` answers for one URL; the parsed file is kept per origin (scheme, host,
port) in this process.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.robotparser
from typing import Final
from urllib.parse import SplitResult, urlunsplit

from django.conf import settings

from apps.lib.fetch.errors import FetchError
from apps.lib.fetch.policy import (
    DEFAULT_PORTS,
    AddressPolicy,
    settings_address_policy,
    url_check,
)
from apps.lib.fetch.redirects import get_following_redirects
from apps.lib.fetch.responses import ANY_CONTENT_TYPE

__all__ = ["ROBOTS_MAX_BYTES", "robots_allows", "robots_cache_clear"]

logger = logging.getLogger(__name__)

#: robots.txt files are small; Google reads the first 500 KiB and so do we (truncating).
ROBOTS_MAX_BYTES: Final = 512 * 1024
_ROBOTS_DEFAULT_CACHE_SECONDS: Final = 3600.0
_ROBOTS_DEFAULT_RETRY_SECONDS: Final = 300.0


_robots_cache: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
_robots_lock = threading.Lock()


def robots_cache_clear() -> None:
    """Forget every cached robots.txt (tests; or after changing FETCH_USER_AGENT)."""
    with _robots_lock:
        _robots_cache.clear()


def _origin(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{parts.port or DEFAULT_PORTS[parts.scheme]}"


def _load_robots(
    parts: SplitResult, policy: AddressPolicy
) -> tuple[urllib.robotparser.RobotFileParser | None, float | None]:
    """Fetch and parse an origin's robots.txt; ``None`` means "everything allowed".

    Returns the parser and how long to cache it (``None``: do not cache). Following RFC 9309, a
    4xx (404, 410, but also 401/403) means there are no rules: allow all, cache normally.

    A 5xx, a timeout or an unreachable server also means allow, cached only briefly. RFC 9309
    asks crawlers to assume "disallow all" then; we deliberately do not, because Aperture is not
    a crawler: it makes one human-triggered, low-frequency request for a page a lab published for
    the public record, a failing robots.txt says nothing about the owner's wishes, and if the
    server is really down the page request itself fails next with a temporary error and is
    retried. A short cache time means a restored robots.txt is honoured within minutes.

    A policy refusal (the robots.txt URL or its redirect points somewhere forbidden) also allows,
    uncached: the page request goes through the same checks and will be refused on its own.
    """
    robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    cache_seconds = float(
        getattr(settings, "FETCH_ROBOTS_CACHE_SECONDS", _ROBOTS_DEFAULT_CACHE_SECONDS)
    )
    retry_seconds = float(
        getattr(settings, "FETCH_ROBOTS_RETRY_SECONDS", _ROBOTS_DEFAULT_RETRY_SECONDS)
    )
    try:
        result = get_following_redirects(
            robots_url,
            accept=(ANY_CONTENT_TYPE,),
            max_bytes=ROBOTS_MAX_BYTES,
            truncate=True,
            etag=None,
            last_modified=None,
            policy=policy,
            robots_check=None,
        )
    except FetchError as exc:
        logger.info("robots.txt for %s not used (%s): allowing", _origin(parts), exc.reason)
        if exc.reason == "http_status" and exc.permanent:
            return None, cache_seconds
        if not exc.permanent:
            return None, retry_seconds
        return None, None
    parser = urllib.robotparser.RobotFileParser(robots_url)
    text = result.body.decode("utf-8", errors="replace").removeprefix("\ufeff")
    parser.parse(text.splitlines())
    return parser, cache_seconds


def robots_allows(url: str, *, address_policy: AddressPolicy | None = None) -> bool:
    """Whether the origin's robots.txt lets ``settings.FETCH_USER_AGENT`` fetch ``url``.

    robots.txt is fetched through the same safe machinery (no robots check of its own, 512 KiB
    at most, truncated like Google does) and cached per origin (scheme, host, port) in this
    process for ``settings.FETCH_ROBOTS_CACHE_SECONDS`` (default one hour).
    """
    parts = url_check(url)
    policy = address_policy or settings_address_policy
    origin = _origin(parts)
    now = time.monotonic()
    with _robots_lock:
        cached = _robots_cache.get(origin)
    if cached is not None and cached[0] > now:
        parser = cached[1]
    else:
        # Fetched outside the lock: one slow origin must not hold up every other fetch.
        parser, ttl = _load_robots(parts, policy)
        if ttl is not None:
            with _robots_lock:
                _robots_cache[origin] = (time.monotonic() + ttl, parser)
    if parser is None:
        return True
    return parser.can_fetch(str(settings.FETCH_USER_AGENT), url)
