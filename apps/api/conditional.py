"""ETag and Last-Modified for every answer, and 304 for a client that has it already.

The ETag is a hash of the body, so it changes exactly when the answer does. Last-Modified is
the time this URL's current answer was first served: the record has no single change time
that covers everything an answer holds (a source's title, a dataset's claim, a lab's stance
recomputed), so the time is kept per URL in the cache with the ETag it belongs to; when the
ETag changes the time moves on, always by at least a second, so a client's If-Modified-Since
never matches a newer answer. Without the cache there is no Last-Modified (the ETag still
works), rather than a guess.

A list may also name what its answer is built from (``answer_source``: the rows as read, the
URL, the code): the cache keeps that digest beside the ETag it gave, and a conditional request
whose rows give the same digest is answered 304 before the page is presented, rendered and
hashed (``unchanged_answer``). The ETag stays the body's hash; the digest only says that the
body would be the one that hash was taken of.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any, NamedTuple

import ninja
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from apps.lib.code_digest import code_digest

from .conf import api_conf

logger = logging.getLogger(__name__)


def body_etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


#: Where a request carries its answer's source digest from the view to conditional_answer.
SOURCE_ATTRIBUTE = "_api_answer_source"


class Served(NamedTuple):
    """What the cache keeps per URL: the current ETag, when it was first served, and the
    digest of what it was built from (None until a conditional request computed it)."""

    etag: str
    since: int
    source: str | None


def _key(url: str) -> str:
    return "api:seen:" + hashlib.sha256(url.encode()).hexdigest()


def _served(stored: Any) -> Served | None:
    if isinstance(stored, tuple) and len(stored) in (2, 3):
        return Served(str(stored[0]), int(stored[1]), stored[2] if len(stored) == 3 else None)
    return None


def first_served(
    *, url: str, etag: str, now: float | None = None, source: str | None = None
) -> int | None:
    """When ``url`` first answered with ``etag`` (epoch seconds), or None without the cache.
    ``source``, when given, is remembered as what that answer is built from."""
    now = time.time() if now is None else now
    key = _key(url)
    timeout = api_conf().last_modified_memory_seconds
    try:
        served = _served(cache.get(key))
        if served is not None and served.etag == etag:
            if source is not None and served.source != source:
                cache.set(key, tuple(served._replace(source=source)), timeout=timeout)
            return served.since
        since = int(now)
        if served is not None:
            since = max(since, served.since + 1)
        cache.set(key, (etag, since, source), timeout=timeout)
        return since
    except Exception as error:  # the cache is unreachable: no Last-Modified, see above
        logger.warning("API Last-Modified unavailable: %s", error)
        return None


def answer_source(request: HttpRequest, rows: object) -> str:
    """A digest of everything the answer to ``request`` is built from, ``rows`` being what the
    view read (plain values: their repr must show every value the answer shows)."""
    # What else it depends on: the API's code and translations, ninja's version and the site's
    # address, so that a deploy that changes an answer never matches an old digest.
    code = code_digest((), packages=("apps.api",))
    digest = hashlib.sha256(f"{code} {ninja.__version__} {settings.SITE_URL}".encode())
    digest.update(f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode())
    digest.update(repr(rows).encode())
    return digest.hexdigest()


def _conditional(request: HttpRequest) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


def unchanged_answer(request: HttpRequest, rows: object) -> HttpResponseBase | None:
    """The 304 of a conditional request whose answer, built from ``rows``, was served before
    and is the client's; otherwise None, and the view builds the answer (conditional_answer
    then remembers its source for the next time). One cache read, no body."""
    if not _conditional(request):
        return None
    source = answer_source(request, rows)
    setattr(request, SOURCE_ATTRIBUTE, source)
    try:
        served = _served(cache.get(_key(request.get_full_path())))
    except Exception as error:  # no cache: the answer is built and compared as without one
        logger.warning("API validators unavailable: %s", error)
        return None
    if served is None or served.source != source:
        return None
    validators = HttpResponse()
    _validators_set(validators, served.etag, served.since)
    answer = get_conditional_response(
        request, etag=served.etag, last_modified=served.since, response=validators
    )
    return answer if isinstance(answer, HttpResponseNotModified) else None


#: The headers a 304 keeps (RFC 9110, 15.4.5, and Last-Modified): get_conditional_response's.
NOT_MODIFIED_HEADERS = (
    "Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Last-Modified", "Vary",
)  # fmt: skip


def unchanged_answer_trimmed(answer: HttpResponseBase) -> HttpResponseNotModified:
    """unchanged_answer's 304 as it leaves the view's middleware, with only the headers a 304
    keeps, as get_conditional_response leaves one made from a built answer (which it would
    return as it is, being no 2xx): the same headers either way."""
    trimmed = HttpResponseNotModified()
    for header in NOT_MODIFIED_HEADERS:
        if header in answer:
            trimmed[header] = answer[header]
    trimmed.cookies = answer.cookies
    return trimmed


def _validators_set(response: HttpResponseBase, etag: str, since: int | None) -> None:
    response["ETag"] = etag
    if since is not None:
        response["Last-Modified"] = http_date(since)
    response["Cache-Control"] = f"public, max-age={api_conf().max_age_seconds}"


def conditional_answer(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    """``response`` (a 200) with its validators, or a 304 if the client's copy is current."""
    etag = body_etag(response.content)
    since = first_served(
        url=request.get_full_path(), etag=etag, source=getattr(request, SOURCE_ATTRIBUTE, None)
    )
    _validators_set(response, etag, since)
    answer = get_conditional_response(request, etag=etag, last_modified=since, response=response)
    return answer if answer is not None else response
