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
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import trafilatura
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from bench.table import Table

if TYPE_CHECKING:
    from apps.ingest.linking import Matcher
    from bench.workers import PeakMemory

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = 60
#: The whole pipeline through real workers (issue 16): this many pages, against bare extraction
#: of the same pages in one process per core.
WORKER_PAGES = int(os.environ.get("BENCH_INGEST_PAGES", "1000"))
#: Issue 16's ceiling on a worker's memory, its pool children included.
WORKER_RSS_LIMIT_MB = 300
#: How often the linking step reads the stored texts, so that its time is well above the noise.
LINKING_ROUNDS = 5


class _Rollback(Exception):
    pass


def _pages(count: int = PAGES, label: str = "benchmark copy") -> list[bytes]:
    from tests.support.feeds import distinct_story

    demo = ROOT / "apps" / "ingest" / "demo" / "articles"
    sources = sorted(demo.glob("*.html"))
    return [
        distinct_story(
            sources[n % len(sources)].read_bytes(),
            f"{label} {n}",
            language="ja" if "-ja" in sources[n % len(sources)].name else "en",
        )
        for n in range(count)
    ]


def extraction_floor(pages: list[bytes], processes: int) -> float:
    """Seconds for bare trafilatura.extract of ``pages`` in a pool of ``processes``."""
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(abs, range(processes))  # the pool is up before the clock starts
        started = time.perf_counter()
        pool.map(trafilatura.extract, pages, chunksize=8)
        return time.perf_counter() - started


def ingest_by_workers(
    pages: list[bytes], *, processes: int, concurrency: int, path: str
) -> tuple[float, int, PeakMemory]:
    """The whole pipeline through real workers on committed rows (the database the default
    connection points at): ``pages`` served on loopback under ``path``, queued as an editor's
    "Ingest URLs now" does, until every URL is stored or failed. Returns (seconds, articles
    stored, the workers' peak memory, pool children included)."""
    from apps.ingest import services
    from apps.ingest.models import Article, ArticleState, ArticleURL
    from apps.ingest.tasks import article_ingest
    from bench.workers import PeakMemory as workers_memory
    from bench.workers import pids, wait_for, workers
    from tests.support.httpserver import LocalHTTPServer

    settings.FETCH_ALLOW_PRIVATE = True
    before = Article.objects.count()
    with (
        LocalHTTPServer() as server,
        workers(processes=processes, concurrency=concurrency, queues=("ingest",)) as running,
    ):
        for n, page in enumerate(pages):
            server.route(f"/{path}/{n}", body=page)
        urls = [server.url(f"/{path}/{n}") for n in range(len(pages))]
        waiting = ArticleURL.objects.filter(state__in=[ArticleState.PENDING, ArticleState.FETCHING])
        with workers_memory(pids(running)) as memory:
            started = time.perf_counter()
            services.article_urls_queue(urls=urls, enqueue=article_ingest.delay)
            wait_for(lambda: not waiting.exists(), timeout=900, what="the pages to be ingested")
            seconds = time.perf_counter() - started
    return seconds, Article.objects.count() - before, memory


def _worker_table() -> Table:
    from bench.databases import own_database
    from bench.workers import cores

    table = Table(
        f"Ingestion through a real worker: {WORKER_PAGES:,} pages, concurrency = {cores()} cores",
        ["run", "seconds", "articles/s", "share of floor", "worker RSS (MB)"],
    )
    pages = _pages(WORKER_PAGES, "worker copy")
    floor = extraction_floor(pages, cores())
    table.add(
        f"bare trafilatura.extract, {cores()} processes (floor)",
        floor,
        len(pages) / floor,
        "1.0",
        "",
    )
    with own_database("ingest"):
        call_command("seed", verbosity=0)
        seconds, stored, memory = ingest_by_workers(
            pages, processes=1, concurrency=cores(), path="w"
        )
    share = floor / seconds
    table.add(
        "whole pipeline: 1 worker (fetch..suggest, committed)",
        seconds,
        len(pages) / seconds,
        f"{share:.0%} (target >= 60%)",
        f"{memory.peak_kb / 1024:.0f} RSS, {memory.peak_pss_kb / 1024:.0f} PSS "
        f"(limit {WORKER_RSS_LIMIT_MB})",
    )
    table.notes.append(
        f"{stored} articles stored. The pipeline's clock runs from queueing the URLs (as the "
        "admin's 'Ingest URLs now') until none waits; the worker was started before. Pages are "
        "served by a local HTTP server in this process. RSS: the worker and its pool children, "
        "summed from /proc (RSS counts what the pool shares with its parent once per process; "
        "PSS shares it out), peak of samples every 0.2 s. Runs in a database of its own."
    )
    return table


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


@dataclass
class _Tables:
    tables: list[Table]

    def render(self) -> str:
        return "\n\n".join(table.render() for table in self.tables)


def run() -> _Tables:
    return _Tables([_in_process_table(), _worker_table()])


def _in_process_table() -> Table:
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
