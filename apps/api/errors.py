"""The API's one error body, for every status it answers with an error.

    {"status": 400, "code": "invalid_parameter", "message": "...",
     "errors": [{"location": "query", "parameter": "stance", "message": "...", "type": "enum"}]}

``code`` is stable and meant for programs; ``message`` is for people (English); ``errors``
lists each parameter that was refused (empty when the error is not about one). The same shape
comes from the views (through :func:`ApiError`), from django-ninja's validation (its 422 becomes
a 400 here), and from the edge middleware (unknown methods, rate limits, bad text).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from pydantic import BaseModel


class ErrorItem(BaseModel):
    location: str
    parameter: str | None = None
    message: str
    type: str


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    errors: list[ErrorItem] = []


class ApiError(Exception):
    """Raised by a view: answered with ``status`` and the error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []


def parameter_error(
    parameter: str, message: str, *, type: str, location: str = "query"
) -> ApiError:
    """A 400 about one parameter."""
    return ApiError(
        400,
        "invalid_parameter",
        f"{parameter}: {message}",
        errors=[{"location": location, "parameter": parameter, "message": message, "type": type}],
    )


def error_body(error: ApiError) -> dict[str, Any]:
    return {
        "status": error.status,
        "code": error.code,
        "message": error.message,
        "errors": error.errors,
    }


def error_response(error: ApiError) -> HttpResponse:
    """The error as a response, for code outside django-ninja (the edge middleware)."""
    response = HttpResponse(
        json.dumps(error_body(error), ensure_ascii=False),
        status=error.status,
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response


def validation_errors(errors: list[dict[str, Any]]) -> ApiError:
    """django-ninja's validation errors (pydantic's, with a location) as one 400."""
    items = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        source = location[0] if location else "query"
        # ninja nests a parameter model's fields under the model's argument name.
        parameter = location[-1] if len(location) > 1 else None
        items.append(
            {
                "location": source,
                "parameter": parameter,
                "message": str(error.get("msg", "invalid value")),
                "type": str(error.get("type", "value_error")),
            }
        )
    named = ", ".join(sorted({item["parameter"] for item in items if item["parameter"]}))
    return ApiError(
        400,
        "invalid_parameter",
        f"Invalid value for {named}." if named else "Invalid request.",
        errors=items,
    )


#: The error responses every operation documents, besides its own 200.
ERROR_RESPONSES: dict[int, type[BaseModel]] = {
    400: ErrorBody,
    404: ErrorBody,
    429: ErrorBody,
}
