"""What a fetch ends in: a :class:`FetchResult`, or a :class:`FetchError` that says why not.

Every way the safe client can fail, from a refused URL to a broken gzip stream, is one
FetchError with a short machine ``reason``, a ``permanent`` flag (so a task knows whether a retry
can help) and a sentence fit to show an editor. URLs go through :func:`redact_url` before they
are put in an error, a message or a log, so credentials are never repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

__all__ = ["FetchError", "FetchResult", "redact_url"]


class FetchError(Exception):
    """A fetch that did not produce a usable response.

    ``reason`` is a short machine code: ``url``, ``scheme``, ``credentials``, ``port``, ``dns``,
    ``address``, ``robots``, ``redirects``, ``http_status``, ``too_large``, ``content_type``,
    ``timeout``, ``connection``, ``tls``, ``decoding``. ``permanent`` tells a task whether retrying
    later can help: timeouts, connection errors, DNS failures, 5xx, 408/425/429 are temporary;
    policy refusals, other 4xx, oversized bodies and refused content types are permanent.
    ``str(error)`` is a sentence fit to show an editor; it never contains credentials.
    """

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        permanent: bool,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.permanent = permanent
        self.url = redact_url(url) if url is not None else None
        self.status = status
        #: Seconds the server asked us to wait (Retry-After on a 429 or 503), if it said.
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"FetchError(reason={self.reason!r}, permanent={self.permanent!r}, "
            f"status={self.status!r}, message={self.message!r})"
        )


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch (2xx, or 304 when a conditional GET found the page unchanged)."""

    #: The URL the caller asked for, as given.
    requested_url: str
    #: The URL of the last request made, after redirects, without fragment.
    final_url: str
    status: int
    #: Response headers with lower-cased names (repeated headers joined with ", ").
    headers: dict[str, str]
    #: The decoded (gunzipped) body; empty on 304.
    body: bytes
    #: The MIME type without parameters, lower-cased ("" if the server sent none).
    content_type: str
    #: The charset parameter of Content-Type, lower-cased, if the server sent one.
    charset: str | None
    etag: str | None
    last_modified: str | None
    #: True on 304 Not Modified: the caller's copy (etag/last_modified) is still current.
    not_modified: bool
    elapsed_seconds: float


def redact_url(url: str) -> str:
    """The URL with any userinfo replaced by ``***``, for messages and logs.

    When there is an ``@`` in the authority, the URL is rebuilt as urllib3 (the parser that
    decides what is contacted) reads it, so the host shown is the host that would be contacted:
    ``http://127.0.0.1:8299\\@example.com/`` is shown as ``http://127.0.0.1:8299/%5C@example.com/``,
    not as a URL on example.com. What urllib3 cannot parse is not shown at all.
    """
    try:
        if "@" not in urlsplit(url).netloc:
            return url  # urllib3's authority ends no later than urlsplit's: no userinfo either
        parsed = parse_url(url)
    except (LocationParseError, ValueError):
        return "<unparseable URL>"
    return str(parsed._replace(auth="***" if parsed.auth is not None else None).url)
