"""Articles per second through the whole ingestion pipeline, beside bare trafilatura.

The pages are the demo story pages (English and Japanese), each copy made a story of its own
by a paragraph of prose no other copy repeats (tests.support.feeds.distinct_story: a copy that
differed by a line only would be stored once, as a syndicated copy), served by a local HTTP
server on 127.0.0.1. The pipeline run fetches each through the safe client, extracts,
detects the language, dedupes, links mentions and makes suggestions, storing everything in the
database named by DATABASE_URL (inside a transaction rolled back at the end). The baseline is
trafilatura.extract() alone on the same bytes, in the same run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import trafilatura
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from bench.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = 60


class _Rollback(Exception):
    pass


def _pages() -> list[bytes]:
    from tests.support.feeds import distinct_story

    demo = ROOT / "apps" / "ingest" / "demo" / "articles"
    sources = sorted(demo.glob("*.html"))
    return [
        distinct_story(
            sources[n % len(sources)].read_bytes(),
            f"benchmark copy {n}",
            language="ja" if "-ja" in sources[n % len(sources)].name else "en",
        )
        for n in range(PAGES)
    ]


def run() -> Table:
    from apps.ingest import services
    from apps.ingest.models import Article, Suggestion
    from tests.support.httpserver import LocalHTTPServer

    pages = _pages()
    table = Table(
        f"Ingestion: {PAGES} article pages (English and Japanese demo story)",
        ["step", "seconds", "articles/s", "relative"],
    )
    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page)
    bare = time.perf_counter() - started

    settings.FETCH_ALLOW_PRIVATE = True
    stored = suggestions = 0
    with LocalHTTPServer() as server:
        for n, page in enumerate(pages):
            server.route(f"/a/{n}", body=page)
        try:
            with transaction.atomic():
                call_command("seed", verbosity=0)
                started = time.perf_counter()
                queued, _ = services.article_urls_add(
                    urls=[server.url(f"/a/{n}") for n in range(PAGES)]
                )
                for row in queued:
                    services.article_ingest(article_url_id=row.pk)
                pipeline = time.perf_counter() - started
                stored = Article.objects.count()
                suggestions = Suggestion.objects.count()
                raise _Rollback
        except _Rollback:
            pass

    table.add("bare trafilatura.extract (baseline)", bare, PAGES / bare, 1.0)
    table.add(
        "whole pipeline (fetch..suggest, stored)", pipeline, PAGES / pipeline, pipeline / bare
    )
    table.notes.append(
        f"{stored} articles stored and {suggestions} suggestions made, then rolled back; "
        "'relative' is time per page against the baseline."
    )
    return table
