"""From an HTTP response to a :class:`~apps.lib.fetch.errors.FetchResult`, or why not.

A status other than 2xx (or 304 on a conditional GET) becomes a FetchError that says whether
retrying later can help; a content type the caller cannot use is refused before the body is
read; the body is then read within the size limit and the deadline (see
:func:`~apps.lib.fetch.transport.read_body`).
"""

from __future__ import annotations

import email.utils
import time
from typing import Final

import requests

from apps.lib.fetch.errors import FetchError, FetchResult
from apps.lib.fetch.transport import read_body

__all__ = ["ANY_CONTENT_TYPE", "DEFAULT_ACCEPT", "response_result", "retry_after_seconds"]

#: What pages, feeds and JSON documents are served as. Callers narrow it (e.g. HTML only).
DEFAULT_ACCEPT: Final[tuple[str, ...]] = (
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/ld+json",
)
#: Put this in ``accept`` to take any content type (robots.txt is served as anything).
ANY_CONTENT_TYPE: Final = "*/*"

#: 4xx statuses that say "try again later" rather than "this will never work".
_TEMPORARY_CLIENT_ERRORS: Final = frozenset({408, 425, 429})


def _mime_and_charset(content_type: str) -> tuple[str, str | None]:
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower() or None
    return mime.strip().lower(), charset


def _accepts(mime: str, accept: tuple[str, ...]) -> bool:
    wanted = {item.strip().lower() for item in accept}
    major = mime.split("/", 1)[0]
    return ANY_CONTENT_TYPE in wanted or mime in wanted or f"{major}/*" in wanted


def _refuses(mime: str, refuse: tuple[str, ...]) -> bool:
    """Whether ``mime`` is named in ``refuse`` (``type/*`` works as a wildcard there too)."""
    major = mime.split("/", 1)[0]
    return any(item.strip().lower() in (mime, f"{major}/*") for item in refuse)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delay-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def _status_error(status: int, url: str, retry_after: float | None = None) -> FetchError:
    if status >= 500:
        return FetchError(
            "http_status",
            f"The server had an error (HTTP {status}); try again later.",
            permanent=False,
            url=url,
            status=status,
            retry_after=retry_after,
        )
    if status in _TEMPORARY_CLIENT_ERRORS:
        return FetchError(
            "http_status",
            f"The server asks us to try again later (HTTP {status}).",
            permanent=False,
            url=url,
            status=status,
            retry_after=retry_after,
        )
    return FetchError(
        "http_status",
        f"The server refused the page (HTTP {status}).",
        permanent=True,
        url=url,
        status=status,
    )


def response_result(
    response: requests.Response,
    *,
    requested_url: str,
    final_url: str,
    accept: tuple[str, ...],
    max_bytes: int,
    truncate: bool,
    started: float,
    refuse: tuple[str, ...] = (),
    timeout: float,
    deadline: float,
) -> FetchResult:
    """Turn a non-redirect response into a FetchResult, or raise why it is not usable.

    ``refuse`` names types refused even where ``accept`` takes them (``accept=("*/*",)`` with
    ``refuse=("image/*",)``: anything but an image).
    """
    status = response.status_code
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type, charset = _mime_and_charset(headers.get("content-type", ""))
    not_modified = status == 304
    if not not_modified and not 200 <= status < 300:
        raise _status_error(status, final_url, retry_after_seconds(headers.get("retry-after")))
    if not_modified:
        body = b""
    else:
        if not _accepts(content_type, accept):
            raise FetchError(
                "content_type",
                f"The page is “{content_type or 'of no declared type'}”, "
                f"not one of {', '.join(accept)}.",
                permanent=True,
                url=final_url,
                status=status,
            )
        if _refuses(content_type, refuse):
            raise FetchError(
                "content_type",
                f"The address serves “{content_type}”, which is not what was asked for here.",
                permanent=True,
                url=final_url,
                status=status,
            )
        body = read_body(
            response,
            url=final_url,
            max_bytes=max_bytes,
            truncate=truncate,
            timeout=timeout,
            deadline=deadline,
        )
    return FetchResult(
        requested_url=requested_url,
        final_url=final_url,
        status=status,
        headers=headers,
        body=body,
        content_type=content_type,
        charset=charset,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        not_modified=not_modified,
        elapsed_seconds=time.monotonic() - started,
    )
