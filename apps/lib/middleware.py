"""The one check at the edge: text that reaches a view is valid UTF-8 without control characters.

PostgreSQL text cannot hold NUL, so ``/search/?q=%00`` used to reach a query and answer 500; other
control characters are never meant in a URL or a form, and Django decodes invalid UTF-8 with
replacement characters, silently changing what was sent. Rather than guard every view, every
request is checked here once, before sessions, CSRF or any view see it:

* the path, the query string and an ``application/x-www-form-urlencoded`` POST body are checked
  as the bytes they percent-decode to: invalid UTF-8 (lone surrogates included) or a C0/C1
  control character or DEL answers 400 with a short message in the reader's language. A form
  or a query string may hold tab, CR and LF (a textarea in the admin sends them, and so does a
  search box someone pasted a line break into); a path may not;
* a multipart POST is checked through its parsed text fields; its files are never read here
  (Django streams them to its upload handlers when the form is parsed, as CSRF would anyway);
* a cookie that holds a control character is dropped, not refused: readers do not type
  cookies, and refusing would lock out anyone who had been sent one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _

__all__ = ["RequestTextMiddleware", "request_text_problem"]

logger = logging.getLogger(__name__)

#: C0 controls, DEL and C1 controls: never meant in a path, a query string or a cookie.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, less tab, LF and CR, which a textarea or a pasted search legitimately sends.
CONTROL_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Django re-percent-encodes the bytes of a path that are not valid UTF-8 (always >= 0x80),
#: so such a sequence left in ``path_info`` is where invalid UTF-8 was. (A path that really
#: spelled ``%25C3`` is refused too; no page of ours has a percent sign in its address.)
REPERCENTED = re.compile(r"%[89a-fA-F][0-9a-fA-F]")


def _decoded(raw: bytes, encoding: str) -> str | None:
    """What a query string or urlencoded body percent-decodes to, or None if not valid text."""
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _raw_query_string(request: HttpRequest) -> bytes:
    # WSGI servers hand the query string over as latin-1 text; this recovers the bytes sent.
    query = str(request.META.get("QUERY_STRING", ""))
    try:
        return query.encode("iso-8859-1")
    except UnicodeEncodeError:  # an ASGI server decoded it already
        return query.encode("utf-8", "surrogatepass")


def request_text_problem(request: HttpRequest) -> str | None:
    """Where the request holds text we refuse ("path", "query", "form"), or None."""
    path = request.path_info
    if CONTROL.search(path) or REPERCENTED.search(path):
        return "path"
    encoding = request.encoding or settings.DEFAULT_CHARSET
    query = _decoded(_raw_query_string(request), encoding)
    if query is None or CONTROL_IN_FORM.search(query):
        return "query"
    if request.method != "POST":
        return None
    if request.content_type == "application/x-www-form-urlencoded":
        body = _decoded(request.body, encoding)  # DATA_UPLOAD_MAX_MEMORY_SIZE bounds it
        if body is None or CONTROL_IN_FORM.search(body):
            return "form"
    elif request.content_type == "multipart/form-data":
        try:
            fields = request.POST
        except MultiPartParserError:
            return "form"
        for name, values in fields.lists():
            if CONTROL_IN_FORM.search(name) or any(CONTROL_IN_FORM.search(v) for v in values):
                return "form"
    return None


def _drop_control_cookies(request: HttpRequest) -> None:
    bad = [name for name, value in request.COOKIES.items() if CONTROL.search(name + value)]
    for name in bad:
        del request.COOKIES[name]
    if bad:
        logger.info("dropped %d cookie(s) holding control characters", len(bad))


class RequestTextMiddleware:
    """Answer 400 to a request whose path, query or form is not clean text (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _drop_control_cookies(request)
        problem = request_text_problem(request)
        if problem is not None:
            logger.info("refused bad text in the %s of %r", problem, request.path[:200])
            # The language a /ja/ address names, else the reader's cookie or Accept-Language.
            language = translation.get_language_from_request(request, check_path=True)
            with translation.override(language):
                message = _(
                    "Bad request: the address or the form holds control characters or text "
                    "that is not valid UTF-8."
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
