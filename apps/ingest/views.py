"""The demo feeds of the local first run, served by the site itself (never in production)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

DEMO_DIR = Path(__file__).resolve().parent / "demo"
CONTENT_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@require_safe
def demo_feed_file(request: HttpRequest, name: str) -> HttpResponse:
    if not settings.INGEST_DEMO_FEEDS:
        raise Http404("Demo feeds are off.")
    # articles/syndicated/X is X at a second address, to show dedupe by content.
    relative = name.replace("articles/syndicated/", "articles/", 1)
    try:
        target = (DEMO_DIR / relative).resolve()
        found = target.is_relative_to(DEMO_DIR) and target.is_file()
    except (OSError, ValueError):  # a name too long for the file system, for one
        found = False
    if not found:
        raise Http404("No such demo file.")
    content_type = CONTENT_TYPES.get(target.suffix)
    if content_type is None:
        raise Http404("No such demo file.")
    origin = f"{request.scheme}://{request.get_host()}"
    body = target.read_text(encoding="utf-8").replace("{{ORIGIN}}", origin)
    return HttpResponse(body.encode("utf-8"), content_type=content_type)
