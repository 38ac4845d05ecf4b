"""ETag and Last-Modified for every answer, and 304 for a client that has it already.

The ETag is a hash of the body, so it changes exactly when the answer does. Last-Modified is
the time this URL's current answer was first served: the record has no single change time
that covers everything an answer holds (a source's title, a dataset's claim, a lab's stance
recomputed), so the time is kept per URL in the cache with the ETag it belongs to; when the
ETag changes the time moves on, always by at least a second, so a client's If-Modified-Since
never matches a newer answer. Without the cache there is no Last-Modified (the ETag still
works), rather than a guess.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .conf import api_conf

logger = logging.getLogger(__name__)


def body_etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def first_served(*, url: str, etag: str, now: float | None = None) -> int | None:
    """When ``url`` first answered with ``etag`` (epoch seconds), or None without the cache."""
    now = time.time() if now is None else now
    key = "api:seen:" + hashlib.sha256(url.encode()).hexdigest()
    try:
        stored = cache.get(key)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == etag:
            return int(stored[1])
        since = int(now)
        if isinstance(stored, tuple) and len(stored) == 2:
            since = max(since, int(stored[1]) + 1)
        cache.set(key, (etag, since), timeout=api_conf().last_modified_memory_seconds)
        return since
    except Exception as error:  # the cache is unreachable: no Last-Modified, see above
        logger.warning("API Last-Modified unavailable: %s", error)
        return None


def conditional_answer(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    """``response`` (a 200) with its validators, or a 304 if the client's copy is current."""
    etag = body_etag(response.content)
    response["ETag"] = etag
    since = first_served(url=request.get_full_path(), etag=etag)
    if since is not None:
        response["Last-Modified"] = http_date(since)
    response["Cache-Control"] = f"public, max-age={api_conf().max_age_seconds}"
    answer = get_conditional_response(request, etag=etag, last_modified=since, response=response)
    return answer if answer is not None else response
