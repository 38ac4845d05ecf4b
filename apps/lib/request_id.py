"""Request ids: one per web request, on its response, its log lines and its tasks' log lines.

The middleware takes the id a proxy sent in X-Request-ID when it is well formed (so one id
follows a request through the proxy's log and ours) and makes one otherwise. The id lives in a
context variable for the length of the request; a logging filter puts it on every record, and
config/celery.py carries it in the headers of the tasks the request enqueues and sets it again in
the worker while those tasks run.

An id is only a label for reading logs together, never a credential: a client may choose its
own, so it is kept to a short run of safe characters and means nothing else.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import cast

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.log import log_response

HEADER = "X-Request-ID"
# The name of the Celery message header that carries it (a plain identifier: Celery makes each
# message header an attribute of the task's request).
TASK_HEADER = "x_request_id"
MAX_LENGTH = 64
# Letters, digits and a few separators: enough for UUIDs, hex ids and most proxies' trace ids;
# nothing that could break a log line, a JSON string or a header.
_WELL_FORMED = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:-]{{0,{MAX_LENGTH - 1}}}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_clean(value: object) -> str | None:
    """``value`` if it is a well-formed request id, else None."""
    if isinstance(value, str) and _WELL_FORMED.fullmatch(value):
        return value
    return None


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_current() -> str | None:
    """The id of the request (or the task started by one) this code runs for, if any."""
    return _current.get()


def request_id_set(request_id: str | None) -> Token[str | None]:
    """Make ``request_id`` current; hand the token back to :func:`request_id_reset`."""
    return _current.set(request_id)


def request_id_reset(token: Token[str | None]) -> None:
    _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Put the current request id (or "-") on every record as ``record.request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _current.get() or "-"
        return True


def _error_response_log(request: HttpRequest, response: HttpResponseBase) -> None:
    """Log a 4xx/5xx answer exactly as Django's handler would ("Not Found: /x").

    The handler does so only after the outermost middleware has returned, when the id is no
    longer current; done here, the line carries the id and the response counts as logged.
    """
    # log_response reads only the status and marks the response; any response will do.
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=cast(HttpResponse, response),
        request=request,
    )


def request_id_middleware(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Give the request an id for its length, and send the id back in X-Request-ID.

    Synchronous only, like WhiteNoise below it; under ASGI Django runs the chain in a thread,
    and the context variable goes with it.
    """

    def middleware(request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_clean(request.headers.get(HEADER)) or request_id_new()
        token = _current.set(request_id)
        try:
            response = get_response(request)
            if response.status_code >= 400:
                _error_response_log(request, response)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response

    return middleware
