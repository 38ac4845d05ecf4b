"""The read API, version 1: one django-ninja instance, its routers and its error handling."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger

from apps.lib.outage import database_unavailable, outage_conf

from .endpoints import commitments, datasets, labs, models, sources, statements
from .errors import ERROR_RESPONSES, ApiError, error_body, validation_errors
from .rendering import renderer
from .schemas import Index

logger = logging.getLogger(__name__)

NAMESPACE = "api-v1"

DESCRIPTION = """
The public record of Aperture, read-only: labs and their stance over time, models and their
openness, published statements with their sources, what outside datasets say, and the
commitments labs made with what became of each.

- **Pages.** Lists are paged by an opaque keyset cursor: follow `next` (also the `Link`
  header) until it is null. Items published meanwhile never shift a page. `limit` is 1 to 100.
- **Caching.** Every answer has an `ETag` and a `Last-Modified`; send `If-None-Match` or
  `If-Modified-Since` and an unchanged answer is a bodiless `304`.
- **Rate limit.** Per client address, in fixed windows; the `RateLimit-Limit`,
  `RateLimit-Remaining` and `RateLimit-Reset` headers say where you stand, and a `429` carries
  `Retry-After` in seconds.
- **Errors.** Every error has one JSON body: `status`, a stable `code`
  (`invalid_parameter`, `unknown_parameter`, `invalid_cursor`, `not_found`,
  `method_not_allowed`, `rate_limited`, `bad_text`), a `message`, and `errors`, one per
  parameter refused. A parameter an operation does not take is refused, not ignored.
- **Languages.** Codes are stable; each comes with its English and Japanese label. Quotes keep
  their original language beside their translation (`text_en`, `text_ja`).
- **CORS.** `GET`, `HEAD` and `OPTIONS` from any origin.
- Drafts and statements in review never appear here.
"""


api = NinjaAPI(
    title="Aperture API",
    version="1",
    description=DESCRIPTION,
    urls_namespace=NAMESPACE,
    renderer=renderer,
    # Swagger UI from django-ninja's own static files (ninja is in INSTALLED_APPS), served by
    # this site: the strict CSP allows no CDN, and ninja's page runs no inline script.
    docs=Swagger(settings={"deepLinking": True, "tryItOutEnabled": True}),
)


@api.get(
    "/",
    response={200: Index, **ERROR_RESPONSES},
    url_name="index",
    operation_id="index",
    summary="Where everything is",
    tags=["index"],
)
def index(request: HttpRequest) -> Any:
    """The API's entry point: a constant document of links."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"{NAMESPACE}:{name}"))

    return {
        "name": "Aperture API",
        "version": "1",
        "docs": url("openapi-view"),
        "openapi": url("openapi-json"),
        "resources": {
            name: url(f"{name}_list")
            for name in (
                "labs",
                "models",
                "statements",
                "sources",
                "disagreements",
                "commitments",
            )
        },
    }


api.add_router("", labs.router)
api.add_router("", models.router)
api.add_router("", statements.router)
api.add_router("", sources.router)
api.add_router("", datasets.router)
api.add_router("", commitments.router)


def _respond(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(request, error_body(error), status=error.status)
    response["Cache-Control"] = "no-store"
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _respond(request, exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # django-ninja answers 422; a bad parameter is a bad request, with the one error body.
    return _respond(request, validation_errors(exc.errors))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _respond(request, ApiError(404, "not_found", "Not found."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _respond(request, ApiError(exc.status_code, "error", str(exc)))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if database_unavailable(exc):  # an outage, not a bug: 503 and when to ask again
        logger.warning("API: database unavailable on %s: %s", request.path, exc)
        retry_after = outage_conf().retry_after_seconds
        response = _respond(
            request,
            ApiError(
                503, "unavailable", f"Briefly unavailable. Try again in {retry_after} seconds."
            ),
        )
        response["Retry-After"] = str(retry_after)
        return response
    logger.exception("API error on %s", request.path)
    return _respond(request, ApiError(500, "server_error", "Something went wrong on our side."))


@functools.cache
def query_parameters() -> dict[str, frozenset[str]]:
    """Each operation's id (its url name too) and the query parameters it takes, from the
    OpenAPI document, so that the check refusing others never disagrees with the docs."""
    schema = api.get_openapi_schema(path_prefix="/")
    names: dict[str, frozenset[str]] = {}
    for operations in schema["paths"].values():
        for operation in operations.values():
            names[operation["operationId"]] = frozenset(
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
            )
    return names
