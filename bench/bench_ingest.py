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

import csv
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import trafilatura
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from bench.table import Table

if TYPE_CHECKING:
    from apps.ingest.linking import Matcher

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = 60
#: How often the linking step reads the stored texts, so that its time is well above the noise.
LINKING_ROUNDS = 5


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


def _matcher_with_dataset_names() -> tuple[Matcher, int]:
    """The catalogue's matcher's names plus the demo datasets' model names (about 600 in all),
    as a catalogue that had imported them as models would hold them."""
    from apps.catalog.naming import rule_by_name
    from apps.ingest.linking import Name
    from apps.ingest.names import CatalogueNames

    demo = ROOT / "apps" / "datasets" / "demo"
    with (demo / "epoch.csv").open(encoding="utf-8") as handle:
        texts = {row["System"] for row in csv.DictReader(handle)}
    texts |= {p.stem for p in (demo / "mot" / "models").glob("*.y*ml")}
    texts |= {p.stem for p in (demo / "osai" / "projects").glob("*.y*ml")}
    names = CatalogueNames().names()
    lab = frozenset({("company", 0)})
    names += [
        Name(text, model_id=-n, rule=rule_by_name(text), provides=lab, needs=lab)
        for n, text in enumerate(sorted(texts), start=1)
    ]
    from apps.ingest.linking import Matcher

    return Matcher(names), len(names)


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
                texts = list(Article.objects.values_list("text", flat=True))
                matcher, names = _matcher_with_dataset_names()
                started = time.perf_counter()
                for _round in range(LINKING_ROUNDS):
                    for text in texts:
                        matcher.find(text)
                linking = (time.perf_counter() - started) / LINKING_ROUNDS
                raise _Rollback
        except _Rollback:
            pass

    table.add("bare trafilatura.extract (baseline)", bare, PAGES / bare, 1.0)
    table.add(
        "whole pipeline (fetch..suggest, stored)", pipeline, PAGES / pipeline, pipeline / bare
    )
    table.add(
        f"linking only, {names} names (catalogue + demo datasets)",
        linking,
        len(texts) / linking,
        linking / bare,
    )
    table.notes.append(
        f"{stored} articles stored and {suggestions} suggestions made, then rolled back; "
        "'relative' is time per page against the baseline. The linking row finds mentions in "
        "the stored texts with the catalogue's names plus every model name of the demo "
        "datasets (apps/datasets/demo), each under the rule its name decides."
    )
    return table
