"""The two calls the rest of Aperture makes: :func:`fetch` (GET) and :func:`post` (webhooks).

Both go through the same URL check, resolution, address policy, IP pinning, peer re-check,
timeouts and size limit; :func:`fetch` also follows redirects hop by hop and honours
robots.txt, :func:`post` does neither.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Collection

from django.conf import settings

from apps.lib.fetch.errors import FetchError, FetchResult
from apps.lib.fetch.policy import AddressPolicy, settings_address_policy, url_check
from apps.lib.fetch.redirects import get_following_redirects, redirect_target
from apps.lib.fetch.responses import ANY_CONTENT_TYPE, DEFAULT_ACCEPT, response_result
from apps.lib.fetch.robots import robots_allows
from apps.lib.fetch.transport import PinnedAdapter, send_request, total_deadline, wait_limit

__all__ = ["fetch", "post"]


def fetch(
    url: str,
    *,
    accept: Collection[str] = DEFAULT_ACCEPT,
    refuse: Collection[str] = (),
    max_bytes: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    check_robots: bool = True,
    address_policy: AddressPolicy | None = None,
) -> FetchResult:
    """GET ``url`` safely and return the response, or raise :class:`FetchError`.

    ``accept``: MIME types we can use (``type/*`` and ``*/*`` work as wildcards); any other
    content type is refused before the body is read, and so is one named in ``refuse`` (with the
    same wildcards: ``accept=("*/*",), refuse=("image/*",)`` takes anything but images).
    ``max_bytes`` defaults to ``settings.FETCH_MAX_BYTES``. ``etag`` / ``last_modified`` make it
    a conditional GET (sent on every hop); a 304 returns ``not_modified=True`` with an empty
    body. ``check_robots`` consults robots.txt for every URL requested, redirect targets
    included. ``address_policy`` replaces the settings-based policy (tests use it to allow one
    loopback address and not another).
    """
    if not accept:
        raise ValueError("accept must name at least one content type")
    policy = address_policy or settings_address_policy
    return get_following_redirects(
        url,
        accept=tuple(accept),
        refuse=tuple(refuse),
        max_bytes=int(settings.FETCH_MAX_BYTES) if max_bytes is None else max_bytes,
        truncate=False,
        etag=etag,
        last_modified=last_modified,
        policy=policy,
        robots_check=(
            functools.partial(robots_allows, address_policy=policy) if check_robots else None
        ),
    )


def post(
    url: str,
    *,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
    max_bytes: int = 64 * 1024,
    address_policy: AddressPolicy | None = None,
) -> FetchResult:
    """POST ``body`` to ``url`` through the same checks as :func:`fetch`; return the answer.

    For webhooks: the same URL check, resolution, address policy, IP pinning, peer re-check,
    timeouts and size limit as a GET. Redirects are not followed (a 3xx is refused, permanently:
    a receiver that moved must be re-registered), robots.txt does not apply (the receiver asked
    for these requests), and any content type is accepted in the (truncated) answer.
    """
    started = time.monotonic()
    timeout = float(settings.FETCH_TIMEOUT_SECONDS)
    deadline = total_deadline(started, timeout)
    url_check(url)
    all_headers = {
        "User-Agent": str(settings.FETCH_USER_AGENT),
        "Accept": ANY_CONTENT_TYPE,
        **(headers or {}),
        "Content-Type": content_type,
    }
    adapter = PinnedAdapter(address_policy or settings_address_policy)
    try:
        response = send_request(
            adapter,
            url,
            all_headers,
            wait_limit(timeout, deadline, url),
            method="POST",
            body=body,
        )
        try:
            if redirect_target(response) is not None or 300 <= response.status_code < 400:
                raise FetchError(
                    "redirects",
                    f"The receiver answered with a redirect (HTTP {response.status_code}); "
                    "redirects are not followed for a POST.",
                    permanent=True,
                    url=url,
                    status=response.status_code,
                )
            return response_result(
                response,
                requested_url=url,
                final_url=url,
                accept=(ANY_CONTENT_TYPE,),
                max_bytes=max_bytes,
                truncate=True,
                started=started,
                timeout=timeout,
                deadline=deadline,
            )
        finally:
            response.close()
    finally:
        adapter.close()
