"""How the API writes JSON: one renderer for django-ninja and for the pages written directly."""

from __future__ import annotations

from ninja.renderers import JSONRenderer

__all__ = ["Utf8Renderer", "renderer"]


class Utf8Renderer(JSONRenderer):
    """JSON as UTF-8 text, so Japanese reads as Japanese rather than \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


renderer = Utf8Renderer()
