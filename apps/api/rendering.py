"""How the API writes JSON: one renderer for django-ninja and for the pages written directly."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

__all__ = ["Utf8Renderer", "renderer"]

#: Dates and times are handed to ninja's encoder (Django's), so that they read as they always
#: have: ISO 8601 with milliseconds and "Z" for UTC; so are lazy translations, Decimals and
#: pydantic's types, which orjson does not know.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME
_encoder = NinjaJSONEncoder()


class Utf8Renderer(BaseRenderer):
    """JSON as UTF-8 (Japanese reads as Japanese, not \\u escapes), written by orjson: the
    standard library's encoder took a twelfth of a statements page (bench_api)."""

    media_type = "application/json"

    def render(self, request: HttpRequest | None, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_encoder.default, option=_OPTIONS)


renderer = Utf8Renderer()
