"""The edge of /api/: methods, CORS, clean text, the rate limit, unknown parameters, and
conditional GET, so that every answer under /api/, even one no view gives, has the API's
headers and its one error body.

It sits before apps.lib.middleware.RequestTextMiddleware, whose check it runs itself so that an
API client gets the JSON error, not the site's text page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified

from apps.lib.client_ip import client_ip
from apps.lib.middleware import request_text_problem

from .api import NAMESPACE, query_parameters
from .conditional import conditional_answer, unchanged_answer_trimmed
from .conf import api_conf
from .errors import ApiError, error_response
from .ratelimit import RateState, rate_limit_hit

PREFIX = "/api/"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOW = ", ".join(SAFE_METHODS)
#: Headers a page's script on another origin may read.
EXPOSED = (
    "ETag, Last-Modified, Link, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
    "RateLimit-Reset, RateLimit-Policy"
)
PREFLIGHT_MAX_AGE = 86400


def _cors(response: HttpResponseBase) -> None:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ALLOW
    response["Access-Control-Allow-Methods"] = ALLOW
    # Conditional requests need these; nothing else is read.
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _rate_headers(response: HttpResponseBase, state: RateState, window: int) -> None:
    response["RateLimit-Limit"] = str(state.limit)
    response["RateLimit-Remaining"] = str(state.remaining)
    response["RateLimit-Reset"] = str(state.reset)
    response["RateLimit-Policy"] = f"{state.limit};w={window}"


def _same_in_every_language(response: HttpResponseBase) -> None:
    """The API answers alike in every language (each label carries both), so the locale
    middleware's Vary: Accept-Language would only split shared caches for nothing."""
    if "Content-Language" in response:
        del response["Content-Language"]
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in vary if v.lower() != "accept-language"]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif "Vary" in response:
        del response["Vary"]


class ApiEdgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        response = self._answer(request)
        _cors(response)
        return response

    def _answer(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "OPTIONS":
            return _preflight()
        if request.method not in SAFE_METHODS:
            response = error_response(
                ApiError(405, "method_not_allowed", f"The API is read-only: {ALLOW} only.")
            )
            response["Allow"] = ALLOW
            return response
        problem = request_text_problem(request)
        if problem is not None:
            return error_response(
                ApiError(
                    400,
                    "bad_text",
                    f"The {problem} holds control characters or text that is not valid UTF-8.",
                    errors=[
                        {
                            "location": problem,
                            "parameter": None,
                            "message": "bad text",
                            "type": "bad_text",
                        }
                    ],
                )
            )
        window = max(1, api_conf().rate_window_seconds)
        state = rate_limit_hit(client=client_ip(request))
        if not state.allowed:
            response = error_response(
                ApiError(
                    429,
                    "rate_limited",
                    f"Too many requests: {state.limit} per {window} seconds from one address. "
                    f"Try again in {state.reset} seconds.",
                )
            )
            response["Retry-After"] = str(state.reset)
            _rate_headers(response, state, window)
            return response
        head = request.method == "HEAD"
        if head:  # answered as GET, without the body
            request.method = "GET"
        answer = self.get_response(request)
        _same_in_every_language(answer)
        if answer.status_code == 200 and isinstance(answer, HttpResponse):
            answer = conditional_answer(request, answer)
        elif isinstance(answer, HttpResponseNotModified):  # the view's (unchanged_answer)
            answer = unchanged_answer_trimmed(answer)
        if head and isinstance(answer, HttpResponse):
            length = len(answer.content)
            answer.content = b""
            answer["Content-Length"] = str(length)
        _rate_headers(answer, state, window)
        return answer

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        """Refuse a query parameter the operation does not take, or one given twice."""
        match = request.resolver_match
        if not request.path_info.startswith(PREFIX) or match is None:
            return None
        if match.namespace != NAMESPACE:
            return None
        allowed = query_parameters().get(match.url_name or "")
        if allowed is None:
            return None
        errors = [
            {
                "location": "query",
                "parameter": name,
                "message": "not a parameter of this operation",
                "type": "unknown_parameter",
            }
            for name in request.GET
            if name not in allowed
        ] + [
            {
                "location": "query",
                "parameter": name,
                "message": "given more than once",
                "type": "repeated_parameter",
            }
            for name in request.GET
            if name in allowed and len(request.GET.getlist(name)) > 1
        ]
        if not errors:
            return None
        names = ", ".join(sorted({str(e["parameter"]) for e in errors}))
        unknown = any(e["type"] == "unknown_parameter" for e in errors)
        return error_response(
            ApiError(
                400,
                "unknown_parameter" if unknown else "invalid_parameter",
                f"Not taken here, or given twice: {names}.",
                errors=errors,
            )
        )
