"""Keyset pages: the parameters every list takes, and the envelope every list answers with."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import BaseModel, Field

from .cursors import CURSOR_PATTERN

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    cursor: str | None = Field(
        None,
        pattern=CURSOR_PATTERN,
        description="Where the page starts: the next_cursor of the page before. Opaque.",
    )


class Page[T](BaseModel):
    items: list[T]
    limit: int
    next_cursor: str | None = Field(description="Null on the last page.")
    next: str | None = Field(description="The next page's URL (also in the Link header).")


def page_body(
    request: HttpRequest, items: list[dict[str, Any]], *, limit: int, next_cursor: str | None
) -> dict[str, Any]:
    next_url = None
    if next_cursor is not None:
        query = request.GET.copy()
        query["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": items, "limit": limit, "next_cursor": next_cursor, "next": next_url}
