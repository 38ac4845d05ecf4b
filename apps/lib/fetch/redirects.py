"""A GET that follows redirects by hand, checking every hop as if it were the first.

requests would follow a redirect to any address; here each hop's URL goes through
:func:`~apps.lib.fetch.policy.url_check`, the pinned transport (so the address policy) and, when
the caller asks, robots.txt. At most ``settings.FETCH_MAX_REDIRECTS`` hops, loops refused.

The robots.txt check is passed in (``robots_check``) rather than imported: robots.txt is itself
fetched with this function, without a check, so :mod:`apps.lib.fetch.robots` sits above this
module and :mod:`apps.lib.fetch.client` hands its check down.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Final
from urllib.parse import urldefrag, urljoin

import requests
from django.conf import settings

from apps.lib.fetch.errors import FetchError, FetchResult, redact_url
from apps.lib.fetch.policy import AddressPolicy, url_check
from apps.lib.fetch.responses import response_result
from apps.lib.fetch.transport import PinnedAdapter, send_request, total_deadline, wait_limit

__all__ = ["get_following_redirects", "redirect_target"]

logger = logging.getLogger(__name__)

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})


def redirect_target(response: requests.Response) -> str | None:
    """The Location of a redirect response, decoded the way requests does, else None."""
    if response.status_code not in _REDIRECT_STATUSES:
        return None
    location = response.headers.get("location")
    if not location:
        return None
    with contextlib.suppress(UnicodeError):  # headers are latin-1 on the wire, mostly UTF-8
        location = location.encode("latin1").decode("utf-8")
    return location.strip()


def get_following_redirects(
    url: str,
    *,
    accept: tuple[str, ...],
    max_bytes: int,
    truncate: bool,
    etag: str | None,
    last_modified: str | None,
    policy: AddressPolicy,
    robots_check: Callable[[str], bool] | None,
    refuse: tuple[str, ...] = (),
) -> FetchResult:
    """GET ``url``, following redirects; :func:`~apps.lib.fetch.client.fetch` describes the rest.

    ``truncate`` returns the first ``max_bytes`` of a longer body instead of refusing it (for
    robots.txt). ``robots_check`` is asked about every URL requested, redirect targets included;
    ``None`` requests without asking (robots.txt itself).
    """
    started = time.monotonic()
    timeout = float(settings.FETCH_TIMEOUT_SECONDS)
    deadline = total_deadline(started, timeout)
    max_redirects = int(settings.FETCH_MAX_REDIRECTS)
    headers = {
        "User-Agent": str(settings.FETCH_USER_AGENT),
        "Accept": ", ".join(accept),
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    current = urldefrag(url.strip()).url
    seen: set[str] = set()
    redirects = 0
    adapter = PinnedAdapter(policy)
    try:
        while True:
            url_check(current)
            if current in seen:
                raise FetchError(
                    "redirects", "The page redirects in a loop.", permanent=True, url=current
                )
            seen.add(current)
            if robots_check is not None and not robots_check(current):
                raise FetchError(
                    "robots",
                    "The site's robots.txt asks us not to fetch this page.",
                    permanent=True,
                    url=current,
                )
            response = send_request(
                adapter, current, headers, wait_limit(timeout, deadline, current)
            )
            try:
                location = redirect_target(response)
                if location is not None:
                    redirects += 1
                    if redirects > max_redirects:
                        raise FetchError(
                            "redirects",
                            f"The page redirects more than {max_redirects} times.",
                            permanent=True,
                            url=url,
                        )
                    current = urldefrag(urljoin(current, location)).url
                    logger.debug("fetch redirect %d to %s", redirects, redact_url(current))
                    continue
                return response_result(
                    response,
                    requested_url=url,
                    final_url=current,
                    accept=accept,
                    refuse=refuse,
                    max_bytes=max_bytes,
                    truncate=truncate,
                    started=started,
                    timeout=timeout,
                    deadline=deadline,
                )
            finally:
                response.close()
    finally:
        adapter.close()
